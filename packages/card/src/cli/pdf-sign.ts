/**
 * `shomei sign <file.pdf> --format pades …`: a PDF signature by incremental update (the original
 * bytes stay a prefix), hashed as a stream. /SubFilter adbe.pkcs7.detached by default, or
 * ETSI.CAdES.detached (PAdES baseline) with --subfilter; --tsa adds a signature timestamp (B-T);
 * --certify makes a DocMDP certification; --visible draws the signer's name in an embedded subset
 * of --font (default Debian's IPA Gothic). The PIN is prompted or read with --pin-stdin.
 */
import { readFile, stat } from 'node:fs/promises';
import { type PdfSubFilter, type Signer, type SignPdfOptions, tsaTimestamp } from '@shomei/core';
import { loadPkcs8Signer, signPdfFile } from '@shomei/core/node';
import { cardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import type { CardCliDeps } from './card-options.js';
import { type CommandContext, EXIT, type ExitCode } from './command.js';
import { printJson } from './output.js';
import { progressBar } from './progress.js';

export const PDF_SIGN_USAGE =
  'shomei sign <file.pdf> --format pades (--card [--card-key sign|auth] [--reader <name>] [--pin-stdin] [--allow-last-attempt] | --key <pkcs8> --cert <cert> [--chain <cert>]…) [--subfilter adbe.pkcs7.detached|ETSI.CAdES.detached] [--tsa <url>] [--certify 1|2|3] [--visible <x1,y1,x2,y2>] [--font <file.ttf>] [--page <n>] [--reason <text>] [--location <text>] [--hash sha256|sha384|sha512] [--out <signed.pdf>] [--json]';

/** Debian's fonts-ipafont-gothic. */
const DEFAULT_FONT = '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf';
const HASHES = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;
const SUBFILTERS: readonly PdfSubFilter[] = ['adbe.pkcs7.detached', 'ETSI.CAdES.detached'];

/** True when the sign arguments ask for a PDF signature (`--format pades`). */
export function wantsPdfSignature(args: readonly string[]): boolean {
  const i = args.findIndex((a) => a === '--format' || a.startsWith('--format='));
  if (i < 0) return false;
  const value = args[i]!.includes('=') ? args[i]!.split('=')[1] : args[i + 1];
  if (value === 'pades') return true;
  if (value === 'cades' || value === 'xades') return false;
  throw cardError('USAGE', '--format must be cades, xades or pades.');
}

function parsePdfSignArgs(args: string[]) {
  const { values: v, positionals } = parseCommandArgs(
    args,
    {
      format: { type: 'string' },
      card: { type: 'boolean', default: false },
      'card-key': { type: 'string', default: 'sign' },
      reader: { type: 'string' },
      'pin-stdin': { type: 'boolean', default: false },
      'allow-last-attempt': { type: 'boolean', default: false },
      key: { type: 'string' },
      cert: { type: 'string' },
      chain: { type: 'string', multiple: true, default: [] },
      subfilter: { type: 'string', default: 'adbe.pkcs7.detached' },
      tsa: { type: 'string' },
      certify: { type: 'string' },
      visible: { type: 'string' },
      font: { type: 'string' },
      page: { type: 'string' },
      reason: { type: 'string' },
      location: { type: 'string' },
      hash: { type: 'string', default: 'sha256' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    'sign',
  );
  if (positionals.length !== 1) throw cardError('USAGE', 'Give exactly one PDF file to sign.');
  if (v.card === (v.key !== undefined)) {
    throw cardError('USAGE', 'Sign either with --card or with --key <pkcs8> --cert <cert>.');
  }
  if (v.key !== undefined && v.cert === undefined) throw cardError('USAGE', '--key needs --cert.');
  const cardKey = v['card-key'];
  if (cardKey !== 'sign' && cardKey !== 'auth') throw cardError('USAGE', '--card-key must be sign or auth.');
  const hash = HASHES[v.hash.toLowerCase().replace('-', '') as keyof typeof HASHES];
  if (!hash) throw cardError('USAGE', '--hash must be sha256, sha384 or sha512.');
  const subFilter = SUBFILTERS.find((s) => s.toLowerCase() === v.subfilter.toLowerCase());
  if (!subFilter) throw cardError('USAGE', `--subfilter must be ${SUBFILTERS.join(' or ')}.`);
  const certify = v.certify === undefined ? undefined : Number(v.certify);
  if (certify !== undefined && certify !== 1 && certify !== 2 && certify !== 3) {
    throw cardError(
      'USAGE',
      '--certify must be 1 (no changes), 2 (form filling and signing) or 3 (also annotations).',
    );
  }
  const rect = v.visible?.split(',').map(Number);
  if (rect && (rect.length !== 4 || rect.some((n) => !Number.isFinite(n)))) {
    throw cardError(
      'USAGE',
      '--visible must be four numbers x1,y1,x2,y2 in points (1/72 inch), e.g. 350,700,570,760.',
    );
  }
  const page = v.page === undefined ? undefined : Number(v.page);
  if (page !== undefined && !(Number.isInteger(page) && page >= 1))
    throw cardError('USAGE', '--page must be a page number from 1.');
  return {
    ...v,
    file: positionals[0]!,
    cardKey: cardKey as 'sign' | 'auth',
    hash,
    subFilter,
    certify,
    rect,
    page,
  };
}

/** Runs `shomei sign --format pades`. */
export async function runPdfSign({ args, io, signal }: CommandContext, deps: CardCliDeps): Promise<ExitCode> {
  const a = parsePdfSignArgs(args);
  let size: number;
  try {
    size = (await stat(a.file)).size;
  } catch (cause) {
    throw cardError('INPUT_INVALID', `Cannot read the file to sign, ${a.file}.`, { cause });
  }
  let font: Uint8Array | undefined;
  if (a.rect) {
    const path = a.font ?? DEFAULT_FONT;
    try {
      font = new Uint8Array(await readFile(path));
    } catch (cause) {
      throw cardError(
        'INPUT_INVALID',
        `Cannot read the font ${path}: give a TrueType font with --font (e.g. IPA Gothic).`,
        { cause },
      );
    }
  }
  const out = a.out ?? a.file.replace(/(\.pdf)?$/i, '-signed.pdf');
  const bar = progressBar('hashing', size);
  const options: SignPdfOptions & { out: string } = {
    out,
    subFilter: a.subFilter,
    hash: a.hash,
    signal,
    onProgress: (n) => bar.update(n),
    ...(a.tsa ? { timestamp: tsaTimestamp(a.tsa) } : {}),
    ...(a.certify ? { certify: { permissions: a.certify as 1 | 2 | 3 } } : {}),
    ...(a.rect && font ? { visible: { rect: a.rect as [number, number, number, number], font } } : {}),
    ...(a.page ? { page: a.page } : {}),
    ...(a.reason ? { reason: a.reason } : {}),
    ...(a.location ? { location: a.location } : {}),
  };
  const sign = (signer: Signer) => signPdfFile(a.file, signer, options);
  if (a.card) {
    await using card = await deps.openCard({ ...(a.reader ? { reader: a.reader } : {}), signal });
    const prompt =
      a.cardKey === 'sign'
        ? 'Signature password (6–16 characters): '
        : 'User authentication PIN (4 digits): ';
    const pin = await io.readSecret(prompt, { fromStdin: a['pin-stdin'], signal });
    const signer = await card.toSigner(a.cardKey, { pin, signal, allowLastAttempt: a['allow-last-attempt'] });
    await sign(signer);
  } else {
    await sign(await loadPkcs8Signer({ key: a.key!, cert: a.cert!, chain: a.chain }));
  }
  bar.done();
  if (a.json)
    printJson(io, { ok: true, out, subFilter: a.subFilter, hash: a.hash, visible: a.rect !== undefined });
  else
    io.stdout.write(
      `Signed ${a.file} → ${out} (PDF, ${a.subFilter}${a.tsa ? ', timestamped' : ''}${a.certify ? `, certified P=${a.certify}` : ''})\n`,
    );
  return EXIT.ok;
}

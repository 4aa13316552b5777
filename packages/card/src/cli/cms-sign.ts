/**
 * `shomei sign <file> (--card … | --key <pkcs8> --cert <cert> [--chain <cert>]…) [--detached] [--out <p7s>]`
 * (design.md §4): CAdES-BES with signingCertificateV2, SHA-256 by default, the file streamed in
 * constant memory. With --card the PIN is prompted (or read with --pin-stdin), never an argument.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { bytesEqual, derObjects, type HashAlgorithmName, parseCertificate, type Signer } from '@shomei/core';
import { fileSource, loadPkcs8Signer, signCms } from '@shomei/core/node';
import { cardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import { type CardCliDeps, cardTarget, defaultCardDeps } from './card-options.js';
import { type CliCommand, EXIT } from './command.js';
import { checkOutputPath, inputFileSize, readInputFile } from './input-files.js';
import { printJson } from './output.js';
import { PDF_SIGN_USAGE, runPdfSign, wantsPdfSignature } from './pdf-sign.js';
import { progressBar } from './progress.js';
import { runXadesSign } from './xml-sign.js';

const HASHES: Record<string, HashAlgorithmName> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

export function signCommand(deps: CardCliDeps = defaultCardDeps): CliCommand {
  return {
    path: ['sign'],
    summary:
      'Sign a file as CMS/CAdES-BES, with --format xades as XML (file or e-Gov folder), or with --format pades as PDF; with the card or a PKCS#8 key.',
    usage: `shomei sign <file> (--card [--card-key sign|auth] [--reader <name> | --card-file <card.json>] [--pin-stdin] [--allow-last-attempt] | --key <pkcs8> --cert <cert> [--chain <cert>]…) [--hash sha256|sha384|sha512] [--detached] [--format cades|xades [--tsa <url>]] [--out <file.p7s|file.xades.xml|folder>] [--force] [--json]\n       ${PDF_SIGN_USAGE}`,
    async run({ args, io, signal }) {
      if (wantsPdfSignature(args)) return runPdfSign({ args, io, signal }, deps);
      const a = parseSignArgs(args);
      if (a.format === 'xades') return runXadesSign(a, deps, { io, signal });
      const size = await inputFileSize(a.file, 'file to sign');
      const out = a.out ?? `${a.file}.p7s`;
      // Everything that can be checked without the card is checked before a PIN is asked for.
      await checkOutputPath(out, a.force);
      const keySigner = a.card ? undefined : await loadKeySigner(a);
      const bar = progressBar('hashing', size);
      const sign = async (signer: Signer) =>
        signCms(fileSource(a.file), signer, {
          hash: a.hash,
          detached: a.detached,
          signal,
          onProgress: (n) => bar.update(n),
        });
      let p7s: Uint8Array;
      if (a.card) {
        await using card = await deps.openCard(cardTarget(a, signal));
        const prompt =
          a.cardKey === 'sign'
            ? 'Signature password (6–16 characters): '
            : 'User authentication PIN (4 digits): ';
        const pin = await io.readSecret(prompt, { fromStdin: a.pinStdin, signal });
        const signer = await card.toSigner(a.cardKey, { pin, signal, allowLastAttempt: a.allowLastAttempt });
        p7s = await sign(signer);
      } else {
        p7s = await sign(keySigner!);
      }
      bar.done();
      await io.writeFile(out, p7s);
      if (a.json) printJson(io, { ok: true, out, bytes: p7s.length, detached: a.detached, hash: a.hash });
      else
        io.stdout.write(`Signed ${a.file} → ${out} (${a.detached ? 'detached' : 'attached'}, ${a.hash})\n`);
      return EXIT.ok;
    },
  };
}

function parseSignArgs(args: string[]) {
  const parsed = parseCommandArgs(
    args,
    {
      card: { type: 'boolean', default: false },
      'card-key': { type: 'string', default: 'sign' },
      reader: { type: 'string' },
      'card-file': { type: 'string' },
      'pin-stdin': { type: 'boolean', default: false },
      'allow-last-attempt': { type: 'boolean', default: false },
      key: { type: 'string' },
      cert: { type: 'string' },
      chain: { type: 'string', multiple: true, default: [] },
      hash: { type: 'string', default: 'sha256' },
      detached: { type: 'boolean', default: false },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      format: { type: 'string', default: 'cades' },
      tsa: { type: 'string' },
    },
    'sign',
  );
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) throw cardError('USAGE', 'Give exactly one file to sign.');
  if (v['card-file'] !== undefined) v.card = true;
  if (v.card === (v.key !== undefined)) {
    throw cardError('USAGE', 'Sign either with --card or with --key <pkcs8> --cert <cert>.');
  }
  if (v.key !== undefined && v.cert === undefined) throw cardError('USAGE', '--key needs --cert.');
  const cardKey = v['card-key'];
  if (cardKey !== 'sign' && cardKey !== 'auth') throw cardError('USAGE', '--card-key must be sign or auth.');
  const hash = HASHES[v.hash.toLowerCase().replace('-', '')];
  if (!hash) throw cardError('USAGE', '--hash must be sha256, sha384 or sha512.');
  if (v.format !== 'cades' && v.format !== 'xades')
    throw cardError('USAGE', '--format must be cades, xades or pades.');
  return {
    format: v.format,
    tsa: v.tsa,
    file: positionals[0]!,
    card: v.card,
    cardKey: cardKey as 'sign' | 'auth',
    reader: v.reader,
    cardFile: v['card-file'],
    pinStdin: v['pin-stdin'],
    allowLastAttempt: v['allow-last-attempt'],
    key: v.key,
    cert: v.cert,
    chain: v.chain,
    hash,
    detached: v.detached,
    out: v.out,
    force: v.force,
    json: v.json,
  };
}

/**
 * Loads the PKCS#8 key and its certificate, refusing a key whose public half is not the
 * certificate's (a signature nobody could verify) before anything is written.
 */
async function loadKeySigner(a: ReturnType<typeof parseSignArgs>): Promise<Signer> {
  const [key, cert] = await Promise.all([
    readInputFile(a.key!, 'private key'),
    readInputFile(a.cert!, 'certificate'),
  ]);
  for (const p of a.chain) await readInputFile(p, 'chain certificate');
  let matches: boolean;
  try {
    const keySpki = createPublicKey(createPrivateKey(pemOrDer(key, 'PRIVATE KEY'))).export({
      type: 'spki',
      format: 'der',
    });
    const [certDer] = derObjects(cert, ['CERTIFICATE']);
    const certSpki = parseCertificate(certDer!).spki;
    matches = bytesEqual(keySpki, certSpki);
  } catch (cause) {
    throw cardError('INPUT_INVALID', `Cannot read ${a.key} as a PKCS#8 key and ${a.cert} as a certificate.`, {
      cause,
    });
  }
  if (!matches) {
    throw cardError(
      'INPUT_INVALID',
      `The key ${a.key} does not belong to the certificate ${a.cert}; nothing was signed.`,
    );
  }
  return loadPkcs8Signer({ key: a.key!, cert: a.cert!, chain: a.chain, hash: a.hash });
}

/** node:crypto key input from PEM text or DER bytes. */
function pemOrDer(bytes: Uint8Array, label: string) {
  const text = new TextDecoder().decode(bytes.subarray(0, 64));
  return text.includes(`-----BEGIN ${label}`)
    ? new TextDecoder().decode(bytes)
    : { key: Buffer.from(bytes), format: 'der' as const, type: 'pkcs8' as const };
}

/**
 * `shomei augment <signed.p7s|.pdf|.xml|e-Gov folder> --level t|lt|lta --trust <anchor>… [--tsa <url>] [--fetch | --crl <crl>… --ocsp <resp>…]`
 * Raises a CMS/CAdES signature to B-T, B-LT or B-LTA without re-signing (core's augmentCms; a PDF
 * through augmentPdf, a XAdES file through augmentXml, an e-Gov folder through
 * augmentEgovApplication into a new folder): a
 * signature timestamp, the paths' certificates and revocation data, an archive timestamp. Run it again
 * on a B-LTA before the last TSA certificate expires to extend it. Exit 0 written, 1 refused (no fresh
 * revocation data for some certificate: nothing is written), 2 usage or unreadable input.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type AugmentResult, derObjects, httpRevocationSource, tsaTimestamp } from '@shomei/core';
import { augmentCms, augmentEgovApplication, augmentPdf, augmentXml } from '@shomei/core/node';
import { cardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import { type CliCommand, type CommandContext, EXIT, type ExitCode } from './command.js';
import { readDerFiles, readInputFile } from './input-files.js';
import { printJson } from './output.js';
import { besideResolver, isDirectory, looksLikeXml, readFolder } from './xml-files.js';

const LEVELS = { t: 'T', lt: 'LT', lta: 'LTA' } as const;

export function augmentCommand(): CliCommand {
  return {
    path: ['augment'],
    summary:
      'Raise a CMS/CAdES or XAdES signature (or an e-Gov folder) to B-T, B-LT or B-LTA, or a signed PDF to PAdES B-LT/B-LTA.',
    usage:
      'shomei augment (<signed.p7s> | <signed.pdf> | <signed.xml> | <e-Gov folder>) --level t|lt|lta --trust <anchor>… [--intermediate <cert>]… [--tsa <url>] [--fetch] [--crl <crl>]… [--ocsp <response>]… [--content <file>] [--out <file.p7s>] [--json]',
    async run({ args, io, signal }) {
      const a = parseAugmentArgs(args);
      if (await isDirectory(a.signed)) return augmentXmlInput(undefined, a, { io, signal });
      const signed = await readInputFile(a.signed, 'signature');
      if (isPdf(signed)) return augmentPdfFile(signed, a, { io, signal });
      if (looksLikeXml(signed)) return augmentXmlInput(signed, a, { io, signal });
      const result = await augmentCms(
        signed[0] === 0x30 ? signed : derObjects(signed, ['CMS', 'PKCS7'])[0]!,
        {
          ...(await augmentOptions(a, signal)),
          ...(a.content ? { content: await readInputFile(a.content, 'content') } : {}),
        },
      );
      const refused = result.missing.length > 0;
      if (!refused) await io.writeFile(a.out, result.signed);
      report(io, a, result);
      return refused ? EXIT.refused : EXIT.ok;
    },
  };
}

/** What every format's augment takes from the command line: level, trust, evidence, TSA, fetching. */
async function augmentOptions(a: ReturnType<typeof parseAugmentArgs>, signal: AbortSignal | undefined) {
  return {
    level: a.level,
    trustAnchors: await readDerFiles(a.trust, 'trust anchor', ['CERTIFICATE']),
    intermediates: await readDerFiles(a.intermediates, 'intermediate certificate', ['CERTIFICATE']),
    crls: await readDerFiles(a.crls, 'CRL', ['X509 CRL']),
    ocsp: await Promise.all(a.ocsp.map((f) => readInputFile(f, 'OCSP response'))),
    ...(a.tsa ? { timestamp: tsaTimestamp(a.tsa) } : {}),
    ...(a.fetch ? { revocationSource: httpRevocationSource() } : {}),
    ...(signal ? { signal } : {}),
  };
}

/** The outcome of augmenting a CMS or XML signature, as JSON or text. */
function report(
  io: CommandContext['io'],
  a: ReturnType<typeof parseAugmentArgs>,
  result: AugmentResult,
): void {
  const refused = result.missing.length > 0;
  if (a.json) {
    printJson(io, {
      written: refused ? null : a.out,
      level: result.level,
      added: result.added,
      missing: result.missing,
    });
  } else if (refused) {
    io.stderr.write(
      `shomei augment: not written — no fresh revocation data for:\n${result.missing.map((m) => `  ${m}\n`).join('')}Give it with --ocsp/--crl, or let shomei fetch it with --fetch.\n`,
    );
  } else {
    const { certificates, crls, ocsp, timestamps } = result.added;
    io.stdout.write(
      `${a.out}: B-${result.level} (added ${timestamps.length ? `${timestamps.join(', ')}, ` : ''}${certificates} certificate(s), ${ocsp} OCSP response(s), ${crls} CRL(s))\n`,
    );
  }
}

/**
 * XAdES: an XML file (references resolved beside it) or an e-Gov folder, written as a new folder
 * (every file copied, kousei.xml augmented) so the original application stays as it was uploaded.
 */
async function augmentXmlInput(
  xml: Uint8Array | undefined,
  a: ReturnType<typeof parseAugmentArgs>,
  { io, signal }: Pick<CommandContext, 'io' | 'signal'>,
): Promise<ExitCode> {
  const options = await augmentOptions(a, signal);
  if (xml) {
    const result = await augmentXml(xml, { ...options, resolveExternal: besideResolver(a.signed) });
    if (result.missing.length === 0) await io.writeFile(a.out, result.signed);
    report(io, a, result);
    return result.missing.length ? EXIT.refused : EXIT.ok;
  }
  const result = await augmentEgovApplication(await readFolder(a.signed), options);
  if (result.missing.length === 0) {
    await mkdir(a.outFolder, { recursive: true });
    for (const [name, bytes] of result.files) await io.writeFile(join(a.outFolder, name), bytes);
  }
  report(io, { ...a, out: a.outFolder }, result);
  return result.missing.length ? EXIT.refused : EXIT.ok;
}

function parseAugmentArgs(args: string[]) {
  const { values: v, positionals } = parseCommandArgs(
    args,
    {
      level: { type: 'string' },
      trust: { type: 'string', multiple: true, default: [] },
      intermediate: { type: 'string', multiple: true, default: [] },
      tsa: { type: 'string' },
      fetch: { type: 'boolean', default: false },
      crl: { type: 'string', multiple: true, default: [] },
      ocsp: { type: 'string', multiple: true, default: [] },
      content: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    'augment',
  );
  if (positionals.length !== 1)
    throw cardError('USAGE', 'Give exactly one signature file (.p7s, .pdf or .xml) or e-Gov folder.');
  const level = LEVELS[(v.level ?? '').toLowerCase() as keyof typeof LEVELS];
  if (!level) throw cardError('USAGE', '--level must be one of t, lt, lta.');
  if (v.trust.length === 0) throw cardError('USAGE', 'Give at least one --trust anchor certificate.');
  if (v.tsa !== undefined && !/^https?:\/\//i.test(v.tsa))
    throw cardError('USAGE', '--tsa must be an http(s) URL.');
  const signed = positionals[0]!;
  return {
    signed,
    level,
    trust: v.trust,
    intermediates: v.intermediate,
    tsa: v.tsa,
    fetch: v.fetch,
    crls: v.crl,
    ocsp: v.ocsp,
    content: v.content,
    out: v.out ?? defaultOut(signed, level.toLowerCase()),
    /** For an e-Gov folder: the new folder (default `<folder>.<level>`). */
    outFolder: v.out ?? `${signed.replace(/[\\/]+$/, '')}.${level.toLowerCase()}`,
    json: v.json,
  };
}

/** `doc.pdf` → `doc.lta.pdf`, `doc.xml` → `doc.lta.xml`, `doc.p7s` (or any other name) → `doc.lta.p7s`. */
function defaultOut(signed: string, level: string): string {
  const ext = /\.(pdf|xml)$/i.exec(signed)?.[1];
  if (ext) return `${signed.slice(0, -ext.length - 1)}.${level}.${ext}`;
  return `${signed.replace(/\.p7s$/i, '')}.${level}.p7s`;
}

/** A PDF starts with its header (ISO 32000-1 §7.5.2). */
export const isPdf = (b: Uint8Array): boolean =>
  b.length > 5 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46 && b[4] === 0x2d;

/** PAdES: a DSS update (LT), then a document timestamp (LTA); core's augmentPdf. */
async function augmentPdfFile(
  pdf: Uint8Array,
  a: ReturnType<typeof parseAugmentArgs>,
  { io, signal }: Pick<CommandContext, 'io' | 'signal'>,
): Promise<ExitCode> {
  if (a.level === 'T')
    throw cardError(
      'USAGE',
      'A PDF gets its signature timestamp when signed (shomei sign --tsa); use --level lt or lta.',
    );
  if (a.level === 'LTA' && !a.tsa) throw cardError('USAGE', '--level lta on a PDF needs --tsa <url>.');
  const result = await augmentPdf(pdf, { ...(await augmentOptions(a, signal)), level: a.level });
  const refused = result.missing.length > 0;
  if (!refused) await io.writeFile(a.out, result.pdf);
  if (a.json) printJson(io, { written: refused ? null : a.out, level: a.level, missing: result.missing });
  else if (refused)
    io.stderr.write(
      `shomei augment: not written — no fresh revocation data for:\n${result.missing.map((m) => `  ${m}\n`).join('')}Give it with --ocsp/--crl, or let shomei fetch it with --fetch.\n`,
    );
  else io.stdout.write(`${a.out}: PAdES B-${a.level} (${pdf.length} → ${result.pdf.length} bytes)\n`);
  return refused ? EXIT.refused : EXIT.ok;
}

/**
 * `shomei verify <signed.p7s> [--content <file>] --trust <anchor>… …` (design.md §4): CMS SignedData,
 * attached or detached; prints who signed (the JPKI four facts when present), when, the chain,
 * revocation and the verdict. Exit 0 valid, 1 invalid or indeterminate, 2 unreadable input.
 */
import { formatReport, type RevocationMode, reportToJson } from '@shomei/core';
import { fileSource, verifyCms } from '@shomei/core/node';
import { cardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import { runVerifyLongTerm } from './cms-verify-long-term.js';
import type { CliCommand } from './command.js';
import { inputFileSize, readInputFile } from './input-files.js';
import { reportExitCode } from './output.js';
import { isPdfFile, runPdfVerify } from './pdf-verify.js';
import { parseMaxIntermediates } from './pki-path.js';
import { progressBar } from './progress.js';
import { cmsVerifyOptions, type VerifyArgs } from './verify-options.js';
import { runXmlVerify } from './xml-verify.js';

const MODES: readonly RevocationMode[] = ['require', 'prefer', 'off'];

export function verifyCommand(): CliCommand {
  return {
    path: ['verify'],
    summary:
      'Verify a CMS/CAdES signature, an XML one (XMLDSig, XAdES, e-Gov folder) or every signature of a PDF: chain, revocation, JPKI facts.',
    usage:
      'shomei verify (<signed.p7s> [--content <file>] | <signed.xml> | <e-Gov folder or .zip> | <signed.pdf>) --trust <anchor>… [--tsa-trust <anchor>]… [--intermediate <cert>]… [--crl <crl>]… [--revocation require|prefer|off] [--fetch] [--at <ISO-8601>] [--policy <OID>]… [--max-intermediates <n>] [--long-term [--ocsp <response>]…] [--json]',
    async run({ args, io, signal }) {
      if (args.includes('--long-term')) return runVerifyLongTerm({ args, io, signal });
      const a = parseVerifyArgs(args);
      const xml = await runXmlVerify(a, { io, signal });
      if (xml !== undefined) return xml;
      if (!a.content && (await isPdfFile(a.signed))) return runPdfVerify(a, io, signal);
      const signed = await readInputFile(a.signed, 'signature');
      let bar = progressBar('hashing', 0);
      if (a.content) bar = progressBar('hashing', await inputFileSize(a.content, 'content file'));
      const report = await verifyCms(signed, {
        ...(a.content ? { content: fileSource(a.content) } : {}),
        ...(await cmsVerifyOptions(a, signal)),
        onProgress: (n) => bar.update(n),
      });
      bar.done();
      io.stdout.write(a.json ? `${reportToJson(report)}\n` : formatReport(report));
      return reportExitCode(report);
    },
  };
}

function parseVerifyArgs(args: string[]): VerifyArgs {
  const parsed = parseCommandArgs(
    args,
    {
      content: { type: 'string' },
      trust: { type: 'string', multiple: true, default: [] },
      'tsa-trust': { type: 'string', multiple: true, default: [] },
      intermediate: { type: 'string', multiple: true, default: [] },
      crl: { type: 'string', multiple: true, default: [] },
      revocation: { type: 'string', default: 'prefer' },
      fetch: { type: 'boolean', default: false },
      at: { type: 'string' },
      policy: { type: 'string', multiple: true, default: [] },
      'max-intermediates': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    'verify',
  );
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) throw cardError('USAGE', 'Give exactly one signature file (.p7s).');
  if (v.trust.length === 0) throw cardError('USAGE', 'Give at least one --trust anchor certificate.');
  const revocation = v.revocation as RevocationMode;
  if (!MODES.includes(revocation))
    throw cardError('USAGE', `--revocation must be one of ${MODES.join(', ')}.`);
  if (v.at !== undefined && Number.isNaN(Date.parse(v.at))) {
    throw cardError('USAGE', `--at must be an ISO-8601 time, got "${v.at}".`);
  }
  return {
    signed: positionals[0]!,
    content: v.content,
    trust: v.trust,
    tsaTrust: v['tsa-trust'],
    intermediates: v.intermediate,
    crls: v.crl,
    revocation,
    fetch: v.fetch,
    at: v.at,
    policies: v.policy,
    maxIntermediates: parseMaxIntermediates(v['max-intermediates']),
    json: v.json,
  };
}

/**
 * `shomei verify <signed.p7s> [--content <file>] --trust <anchor>… …` (design.md §4): CMS SignedData,
 * attached or detached; prints who signed (the JPKI four facts when present), when, the chain,
 * revocation and the verdict. Exit 0 valid, 1 invalid or indeterminate, 2 unreadable input.
 */
import { stat } from 'node:fs/promises';
import { formatReport, type RevocationMode, reportExitCode, reportToJson } from '@shomei/core';
import { fileSource, useNodeCrypto, verifyCms } from '@shomei/core/node';
import { cardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import { runVerifyLongTerm } from './cms-verify-long-term.js';
import type { CliCommand, ExitCode } from './command.js';
import { readDerFiles, readInputFile } from './input-files.js';
import { progressBar } from './progress.js';

const MODES: readonly RevocationMode[] = ['require', 'prefer', 'off'];

export function verifyCommand(): CliCommand {
  return {
    path: ['verify'],
    summary: 'Verify a CMS/CAdES signature: signature, chain to a trust anchor, revocation, JPKI facts.',
    usage:
      'shomei verify <signed.p7s> [--content <file>] --trust <anchor>… [--intermediate <cert>]… [--crl <crl>]… [--revocation require|prefer|off] [--at <ISO-8601>] [--policy <OID>]… [--long-term [--ocsp <response>]…] [--json]',
    async run({ args, io, signal }) {
      if (args.includes('--long-term')) return runVerifyLongTerm({ args, io, signal });
      const a = parseVerifyArgs(args);
      useNodeCrypto();
      const signed = await readInputFile(a.signed, 'signature');
      let bar = progressBar('hashing', 0);
      if (a.content) {
        try {
          bar = progressBar('hashing', (await stat(a.content)).size);
        } catch (cause) {
          throw cardError('INPUT_INVALID', `Cannot read the content file ${a.content}.`, { cause });
        }
      }
      const report = await verifyCms(signed, {
        ...(a.content ? { content: fileSource(a.content) } : {}),
        trustAnchors: await readDerFiles(a.trust, 'trust anchor', ['CERTIFICATE']),
        intermediates: await readDerFiles(a.intermediates, 'intermediate certificate', ['CERTIFICATE']),
        crls: await Promise.all(a.crls.map((f) => readInputFile(f, 'CRL'))),
        revocation: a.revocation,
        ...(a.at ? { time: new Date(a.at) } : {}),
        ...(a.policies.length > 0 ? { policy: { initialPolicySet: a.policies } } : {}),
        signal,
        onProgress: (n) => bar.update(n),
      });
      bar.done();
      io.stdout.write(a.json ? `${reportToJson(report)}\n` : formatReport(report));
      return reportExitCode(report) as ExitCode;
    },
  };
}

function parseVerifyArgs(args: string[]) {
  const parsed = parseCommandArgs(
    args,
    {
      content: { type: 'string' },
      trust: { type: 'string', multiple: true, default: [] },
      intermediate: { type: 'string', multiple: true, default: [] },
      crl: { type: 'string', multiple: true, default: [] },
      revocation: { type: 'string', default: 'prefer' },
      at: { type: 'string' },
      policy: { type: 'string', multiple: true, default: [] },
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
    intermediates: v.intermediate,
    crls: v.crl,
    revocation,
    at: v.at,
    policies: v.policy,
    json: v.json,
  };
}

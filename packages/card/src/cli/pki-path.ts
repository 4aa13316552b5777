/** `shomei path …` (design.md §4): RFC 5280 §6 validation of a certificate path, as a thin shell over core. */
import type { RevocationMode } from '@shomei/core';
import { cardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import type { CliCommand } from './command.js';
import { readDerFiles, readInputFile } from './input-files.js';
import { runPathCommand } from './path-report.js';

const MODES: readonly RevocationMode[] = ['require', 'prefer', 'off'];

export function pathCommand(): CliCommand {
  return {
    path: ['path'],
    summary: 'Validate a certificate path to a trust anchor (RFC 5280 §6), with revocation.',
    usage:
      'shomei path <leaf> [--intermediate <cert>]… --trust <anchor>… [--crl <crl>]… [--revocation require|prefer|off] [--fetch] [--at <ISO-8601>] [--policy <OID>]… [--require-explicit-policy] [--inhibit-policy-mapping] [--inhibit-any-policy] [--max-intermediates <n>] [--json]',
    async run({ args, io, signal }) {
      const a = parsePathArgs(args);
      const out = await runPathCommand({
        leaf: (await readDerFiles([a.leaf], 'certificate', ['CERTIFICATE']))[0]!,
        intermediates: await readDerFiles(a.intermediates, 'intermediate certificate', ['CERTIFICATE']),
        trust: await readDerFiles(a.trust, 'trust anchor', ['CERTIFICATE']),
        crls: await Promise.all(a.crls.map((f) => readInputFile(f, 'CRL'))),
        revocation: a.revocation,
        ...(a.at ? { at: a.at } : {}),
        policies: a.policies,
        requireExplicitPolicy: a.requireExplicitPolicy,
        inhibitPolicyMapping: a.inhibitPolicyMapping,
        inhibitAnyPolicy: a.inhibitAnyPolicy,
        ...(a.maxIntermediates !== undefined ? { maxIntermediates: a.maxIntermediates } : {}),
        fetch: a.fetch,
        json: a.json,
        signal,
      });
      io.stdout.write(out.stdout);
      return out.exitCode;
    },
  };
}

function parsePathArgs(args: string[]) {
  const parsed = parseCommandArgs(
    args,
    {
      intermediate: { type: 'string', multiple: true, default: [] },
      trust: { type: 'string', multiple: true, default: [] },
      crl: { type: 'string', multiple: true, default: [] },
      revocation: { type: 'string', default: 'prefer' },
      fetch: { type: 'boolean', default: false },
      at: { type: 'string' },
      policy: { type: 'string', multiple: true, default: [] },
      'require-explicit-policy': { type: 'boolean', default: false },
      'inhibit-policy-mapping': { type: 'boolean', default: false },
      'inhibit-any-policy': { type: 'boolean', default: false },
      'max-intermediates': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    'path',
  );
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw cardError('USAGE', 'Give exactly one leaf certificate (see shomei path --help).');
  if (values.trust.length === 0) throw cardError('USAGE', 'Give at least one --trust anchor certificate.');
  const revocation = values.revocation as RevocationMode;
  if (!MODES.includes(revocation))
    throw cardError('USAGE', `--revocation must be one of ${MODES.join(', ')}.`);
  if (values.at !== undefined && Number.isNaN(Date.parse(values.at))) {
    throw cardError('USAGE', `--at must be an ISO-8601 time, got "${values.at}".`);
  }
  return {
    maxIntermediates: parseMaxIntermediates(values['max-intermediates']),
    leaf: positionals[0]!,
    intermediates: values.intermediate,
    trust: values.trust,
    crls: values.crl,
    revocation,
    fetch: values.fetch,
    at: values.at,
    policies: values.policy,
    requireExplicitPolicy: values['require-explicit-policy'],
    inhibitPolicyMapping: values['inhibit-policy-mapping'],
    inhibitAnyPolicy: values['inhibit-any-policy'],
    json: values.json,
  };
}

/** `--max-intermediates <n>`: a non-negative integer. */
export function parseMaxIntermediates(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,3}$/.test(v))
    throw cardError('USAGE', `--max-intermediates must be a number 0–999, got "${v}".`);
  return Number(v);
}

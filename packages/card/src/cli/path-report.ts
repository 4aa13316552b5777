/**
 * `shomei path` without the argv parsing and file reading: validates, then renders the PathResult as
 * text or as the `--json` document (whose `path` entries come from core's one chain mapper,
 * `reportChainElement`, the same as `shomei verify --json`'s `chain`).
 */
import {
  isShomeiError,
  neutralizeText,
  type PathResult,
  type RevocationMode,
  type RevocationStatus,
  reportChainElement,
} from '@shomei/core';
import { validatePath } from '@shomei/core/node';
import { EXIT, type ExitCode } from './command.js';

export interface CommandOutput {
  readonly exitCode: ExitCode;
  readonly stdout: string;
}

export interface PathCommandInput {
  readonly leaf: Uint8Array;
  readonly intermediates?: readonly Uint8Array[];
  readonly trust: readonly Uint8Array[];
  readonly crls?: readonly Uint8Array[];
  readonly revocation?: RevocationMode;
  /** `--at`, ISO-8601. */
  readonly at?: string;
  readonly policies?: readonly string[];
  readonly requireExplicitPolicy?: boolean;
  readonly inhibitPolicyMapping?: boolean;
  readonly inhibitAnyPolicy?: boolean;
  /** `--max-intermediates`: the most intermediate certificates a path may have. */
  readonly maxIntermediates?: number;
  /** `--fetch`: fetch CRLs / OCSP from CDP / AIA. */
  readonly fetch?: boolean;
  readonly json?: boolean;
  readonly signal?: AbortSignal;
}

const revocationText = (r: RevocationStatus): string => {
  if (r.status === 'revoked')
    return `REVOKED (${r.reason ?? 'unspecified'}) at ${r.revokedAt?.toISOString() ?? '?'} [${r.source}]`;
  if (r.status === 'good') return `good [${r.source}]`;
  return `unknown${r.detail ? ` (${r.detail})` : ''}`;
};

/** The JSON document of `shomei path --json`. */
export function pathResultToJson(result: PathResult): Record<string, unknown> {
  return {
    verdict: result.verdict,
    valid: result.valid,
    code: result.code,
    message: result.message,
    path: result.path.map(reportChainElement),
    validPolicies: result.validPolicies,
    failures: result.failures,
    warnings: result.warnings,
  };
}

/** Human-readable report of a path validation; every line goes through `neutralizeText`. */
export function renderPathResult(result: PathResult): string {
  const lines: string[] = [];
  lines.push(`verdict: ${result.verdict.toUpperCase()}${result.valid ? '' : ` (${result.code})`}`);
  if (!result.valid) lines.push(result.message);
  lines.push('path:');
  result.path.forEach((p, i) => {
    lines.push(`  [${i}] ${p.subject}${p.trustAnchor ? '  (trust anchor)' : ''}`);
    lines.push(`      issuer: ${p.issuer}`);
    lines.push(
      `      serial: ${p.serial}  valid ${p.notBefore.toISOString()} .. ${p.notAfter.toISOString()}`,
    );
    if (!p.trustAnchor) lines.push(`      revocation: ${revocationText(p.revocation)}`);
  });
  if (result.validPolicies.length) lines.push(`valid policies: ${result.validPolicies.join(', ')}`);
  for (const f of result.failures) lines.push(`failure: [${f.index}] ${f.code}: ${f.detail}`);
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return `${lines.map(neutralizeText).join('\n')}\n`;
}

const usage = (message: string, json: boolean | undefined): CommandOutput => ({
  exitCode: EXIT.usage,
  stdout: json ? `${JSON.stringify({ error: { code: 'INPUT_INVALID', message } })}\n` : `error: ${message}\n`,
});

/** `shomei path` on bytes: exit 0 valid, 1 invalid or indeterminate, 2 unusable input. */
export async function runPathCommand(input: PathCommandInput): Promise<CommandOutput> {
  if (input.trust.length === 0) return usage('at least one --trust anchor is required', input.json);
  let time: Date | undefined;
  if (input.at !== undefined) {
    time = new Date(input.at);
    if (Number.isNaN(time.getTime())) return usage(`--at is not an ISO-8601 time: ${input.at}`, input.json);
  }
  let result: PathResult;
  try {
    result = await validatePath(input.leaf, {
      trustAnchors: input.trust,
      intermediates: input.intermediates ?? [],
      crls: input.crls ?? [],
      ...(time ? { time } : {}),
      policy: {
        ...(input.policies?.length ? { initialPolicySet: input.policies } : {}),
        explicitPolicyRequired: input.requireExplicitPolicy === true,
        policyMappingInhibited: input.inhibitPolicyMapping === true,
        anyPolicyInhibited: input.inhibitAnyPolicy === true,
      },
      revocation: { mode: input.revocation ?? 'prefer', fetch: input.fetch === true },
      ...(input.maxIntermediates !== undefined ? { maxIntermediates: input.maxIntermediates } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
  } catch (e) {
    if (isShomeiError(e) && e.code !== 'ABORTED') {
      return {
        exitCode: EXIT.usage,
        stdout: input.json
          ? `${JSON.stringify({ error: e.toJSON() })}\n`
          : `error: ${e.code}: ${neutralizeText(e.message)}\n`,
      };
    }
    throw e;
  }
  return {
    exitCode: result.valid ? EXIT.ok : EXIT.refused,
    stdout: input.json ? `${JSON.stringify(pathResultToJson(result), null, 2)}\n` : renderPathResult(result),
  };
}

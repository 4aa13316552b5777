/**
 * Chain and revocation for verifyCms: delegated to `validatePath` (RFC 5280 §6 lives in path/ only),
 * and its PathResult mapped onto the report's `chain`, `chain` check and `revocation` check.
 */
import { jpkiDocumentSignerCheck } from '../jpki/profile.js';
import type { CertificateInput, PathFailure, PathResult, ValidatePathOptions } from '../path/types.js';
import { reportChainElement } from '../report/chain.js';
import type { ReportChainElement, ReportCheck, Verdict } from '../report/types.js';
import type { Certificate } from '../x509/certificate.js';

/** `validatePath`'s signature; injectable so that tests and callers can supply their own. */
export type PathValidator = (
  leaf: CertificateInput,
  options: ValidatePathOptions,
) => Promise<PathResult> | PathResult;

export interface ChainOutcome {
  chain: ReportChainElement[];
  checks: { check: ReportCheck; severity: Verdict }[];
}

// Module-level on purpose: keyed by the identity of a PathResult (which validatePath never changes
// after returning it), holding a pure function of it, weakly — so it adds no lifetime and cannot
// answer for other data. A PathResultCache hands the same result to many verifications.
const outcomes = new WeakMap<PathResult, ChainOutcome>();

/** ` (subject)` of path element `i`, for a failure's detail; empty for a failure of no element. */
function subjectAt(result: PathResult, i: number): string {
  return i >= 0 && result.path[i] ? ` (${result.path[i]!.subject})` : '';
}

/** Maps a PathResult to the `chain` and `revocation` checks (each failing with the path's own code). */
export function chainChecks(result: PathResult): ChainOutcome {
  // A cached PathResult (PathResultCache) maps to the same outcome: compute it once.
  let outcome = outcomes.get(result);
  if (!outcome) {
    outcome = mapResult(result);
    outcomes.set(result, outcome);
  }
  return outcome;
}

function mapResult(result: PathResult): ChainOutcome {
  const chain = result.path.map(reportChainElement);
  const failures: readonly PathFailure[] = result.failures.length
    ? result.failures
    : result.valid
      ? []
      : [{ index: -1, code: result.code, stage: 'certificate', detail: result.message }];
  // The stage each failure carries says which check it belongs to.
  const structural = failures.filter((f) => f.stage !== 'revocation');
  const revocation = failures.filter((f) => f.stage === 'revocation');
  const severity: Verdict = result.verdict === 'valid' ? 'indeterminate' : result.verdict;
  const checks: ChainOutcome['checks'] = [];
  const s = structural[0];
  checks.push(
    s
      ? {
          check: {
            name: 'chain',
            ok: false,
            code: s.code,
            detail: `${s.detail}${subjectAt(result, s.index)}`,
          },
          severity,
        }
      : {
          check: {
            name: 'chain',
            ok: true,
            detail: `${result.path.length} certificates up to ${result.path.at(-1)?.subject ?? 'a trust anchor'}`,
          },
          severity: 'valid',
        },
  );
  const r = revocation[0];
  const revoked = result.path.findIndex((e) => e.revocation.status === 'revoked');
  if (revoked >= 0) {
    checks.push({
      check: {
        name: 'revocation',
        ok: false,
        code: 'CERT_REVOKED',
        detail: `revoked${subjectAt(result, revoked)}`,
      },
      severity: 'invalid',
    });
  } else if (r) {
    checks.push({
      check: {
        name: 'revocation',
        ok: false,
        code: r.code,
        detail: `${r.detail}${subjectAt(result, r.index)}`,
      },
      severity,
    });
  } else {
    const checked = result.path.filter((e) => !e.trustAnchor);
    const good = checked.filter((e) => e.revocation.status === 'good').length;
    const detail =
      checked.length === 0
        ? 'no certificate to check'
        : good === checked.length
          ? `${good} of ${checked.length} certificates good`
          : `${good} of ${checked.length} certificates good; ${result.warnings.join('; ') || 'others not checked'}`;
    checks.push({ check: { name: 'revocation', ok: true, detail }, severity: 'valid' });
  }
  return { chain, checks };
}

/**
 * RFC 5280 §4.2.1.3: a key that signs documents needs digitalSignature or nonRepudiation
 * (contentCommitment), and a JPKI user-authentication key signs no documents (spec §11). One check
 * for every format whose signer is an X.509 certificate.
 */
export function signingKeyUsageCheck(cert: Certificate): { check: ReportCheck; severity: Verdict } {
  // The JPKI profile (spec §11) names what each key is for, beyond its keyUsage bits.
  const profile = jpkiDocumentSignerCheck(cert);
  if (profile) return { check: profile, severity: 'invalid' };
  const ku = cert.keyUsage;
  if (!ku || ku.digitalSignature || ku.nonRepudiation)
    return {
      check: {
        name: 'keyUsage',
        ok: true,
        detail: ku ? (ku.nonRepudiation ? 'nonRepudiation' : 'digitalSignature') : 'no keyUsage extension',
      },
      severity: 'valid',
    };
  return {
    check: {
      name: 'keyUsage',
      ok: false,
      code: 'CMS_KEY_USAGE',
      detail: 'keyUsage allows neither digitalSignature nor nonRepudiation',
    },
    severity: 'invalid',
  };
}

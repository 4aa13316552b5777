/**
 * Path building from an unordered pool (RFC 4158 in spirit): a depth-first search from the leaf
 * towards any trust anchor, preferring issuers whose SKI matches the child's AKI, that are valid at
 * the validation time, and anchors over intermediates. Loops (a certificate, or the same name and
 * key, twice in one path) are cut, and every search is bounded (style.md: budgets on every search).
 */
import { bytesEqual } from '../der/bytes.js';
import type { Certificate } from '../x509/certificate.js';
import { namesMatch } from '../x509/name.js';

export interface BuildBudget {
  /** Candidate paths that may still be produced. */
  paths: number;
  /** Extension steps that may still be taken. */
  steps: number;
}

export interface CertificatePool {
  readonly anchors: readonly Certificate[];
  readonly intermediates: readonly Certificate[];
}

const sameKeyAndName = (a: Certificate, b: Certificate) =>
  bytesEqual(a.spki, b.spki) && namesMatch(a.subject, b.subject);

export const isAnchor = (pool: CertificatePool, c: Certificate): boolean =>
  pool.anchors.some((a) => a === c || bytesEqual(a.der, c.der));

/** Candidate issuers of `child`, best first. */
function issuersOf(
  child: Certificate,
  pool: CertificatePool,
  time: Date,
): { cert: Certificate; anchor: boolean }[] {
  const out: { cert: Certificate; anchor: boolean; score: number }[] = [];
  const aki = child.authorityKeyIdentifier?.keyIdentifier;
  const consider = (cert: Certificate, anchor: boolean) => {
    if (!namesMatch(cert.subject, child.issuer)) return;
    let score = anchor ? 4 : 0;
    if (aki && cert.subjectKeyIdentifier) {
      if (bytesEqual(aki, cert.subjectKeyIdentifier)) score += 8;
      else score -= 8;
    }
    if (time >= cert.notBefore && time <= cert.notAfter) score += 2;
    out.push({ cert, anchor, score });
  };
  for (const a of pool.anchors) consider(a, true);
  for (const c of pool.intermediates) if (!isAnchor(pool, c)) consider(c, false);
  return out.sort((x, y) => y.score - x.score);
}

/**
 * Yields complete candidate paths (leaf first, anchor last), best guesses first. `partial` receives
 * the longest dead-end path seen, for the PATH_NOT_FOUND report.
 */
export function* buildPaths(
  leaf: Certificate,
  pool: CertificatePool,
  time: Date,
  maxDepth: number,
  budget: BuildBudget,
  partial: { longest: Certificate[] },
): Generator<Certificate[]> {
  if (isAnchor(pool, leaf)) {
    yield [leaf];
    return;
  }
  const path: Certificate[] = [leaf];
  function* extend(): Generator<Certificate[]> {
    if (budget.paths <= 0 || budget.steps <= 0) return;
    budget.steps--;
    const current = path[path.length - 1]!;
    const candidates = issuersOf(current, pool, time);
    if (candidates.length === 0 && path.length > partial.longest.length) partial.longest = [...path];
    for (const { cert, anchor } of candidates) {
      if (budget.paths <= 0) return;
      // Loop detection: the same certificate, or the same name and key, already in this path.
      if (path.some((p) => p === cert || sameKeyAndName(p, cert))) continue;
      if (path.length + 1 > maxDepth) {
        if (path.length > partial.longest.length) partial.longest = [...path];
        continue;
      }
      path.push(cert);
      if (anchor) {
        budget.paths--;
        yield [...path];
      } else {
        yield* extend();
      }
      path.pop();
    }
  }
  yield* extend();
}

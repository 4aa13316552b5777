/**
 * Path building from an unordered pool (RFC 4158 in spirit): a depth-first search from the leaf
 * towards any trust anchor, preferring issuers whose SKI matches the child's AKI, that are valid at
 * the validation time, and anchors over intermediates. Loops (a certificate, or the same name and
 * key, twice in one path) are cut, and every search is bounded (style.md: budgets on every search).
 *
 * The pool is indexed once by subject name, so each step looks up only the certificates whose
 * subject matches the child's issuer instead of scanning and sorting the whole pool.
 */
import { bytesEqual } from '../der/bytes.js';
import type { Certificate } from '../x509/certificate.js';
import { type Name, nameIndexKey, namesMatch } from '../x509/name.js';
import type { WorkBudget } from './budget.js';

export interface CertificatePool {
  readonly anchors: readonly Certificate[];
  readonly intermediates: readonly Certificate[];
}

interface Candidate {
  readonly cert: Certificate;
  readonly anchor: boolean;
}

const sameKeyAndName = (a: Certificate, b: Certificate) =>
  bytesEqual(a.spki, b.spki) && namesMatch(a.subject, b.subject);

/** Loop detection: the same certificate, or the same name and key, already in `path`. */
function inPath(path: readonly Certificate[], cert: Certificate): boolean {
  for (const p of path) if (p === cert || sameKeyAndName(p, cert)) return true;
  return false;
}

/**
 * Pools up to this size are scanned with `namesMatch` (a few comparisons, no name keys to build for
 * every new certificate); larger ones are indexed by subject name, so no step scans the whole pool.
 */
const SCAN_LIMIT = 16;

/** The pool indexed by subject name (RFC 5280 §7.1 matching), built once per validation. */
export class IssuerIndex {
  /** Large pools: candidates by name key. */
  readonly #bySubject = new Map<string, Candidate[]>();
  /** Small pools: every candidate, anchors first, in pool order. */
  readonly #all: Candidate[] | undefined;
  readonly #sorted = new Map<Certificate, readonly Candidate[]>();
  readonly #time: Date;

  constructor(pool: CertificatePool, time: Date) {
    this.#time = time;
    if (pool.anchors.length + pool.intermediates.length <= SCAN_LIMIT) this.#all = [];
    for (const a of pool.anchors) this.#add({ cert: a, anchor: true });
    for (const c of pool.intermediates) if (!this.isAnchor(c)) this.#add({ cert: c, anchor: false });
  }

  #add(c: Candidate): void {
    const all = this.#all;
    if (all) {
      // Equal DER means the same subject: the same de-duplication as within one name bucket.
      if (!all.some((x) => x.cert === c.cert || bytesEqual(x.cert.der, c.cert.der))) all.push(c);
      return;
    }
    const key = nameIndexKey(c.cert.subject);
    const bucket = this.#bySubject.get(key);
    if (!bucket) this.#bySubject.set(key, [c]);
    else if (!bucket.some((x) => x.cert === c.cert || bytesEqual(x.cert.der, c.cert.der))) bucket.push(c);
  }

  /** The candidates whose subject may match `name` (to be confirmed with `namesMatch`). */
  #bucket(name: Name): readonly Candidate[] | undefined {
    return this.#all ?? this.#bySubject.get(nameIndexKey(name));
  }

  isAnchor(c: Certificate): boolean {
    // Every anchor is in the bucket of its subject (equal DER, equal subject, equal key), so a
    // certificate whose subject has no bucket is no anchor.
    const bucket = this.#bucket(c.subject);
    if (!bucket) return false;
    for (const x of bucket) if (x.anchor && (x.cert === c || bytesEqual(x.cert.der, c.der))) return true;
    return false;
  }

  /** Candidate issuers of `child`, best first (computed once per child). */
  issuersOf(child: Certificate): readonly Candidate[] {
    const hit = this.#sorted.get(child);
    if (hit) return hit;
    const bucket = this.#bucket(child.issuer) ?? [];
    const aki = child.authorityKeyIdentifier?.keyIdentifier;
    const time = this.#time;
    // One candidate (the usual case): nothing to rank.
    if (bucket.length === 1) {
      const only = namesMatch(bucket[0]!.cert.subject, child.issuer) ? bucket : [];
      this.#sorted.set(child, only);
      return only;
    }
    const scored: { c: Candidate; score: number }[] = [];
    for (const c of bucket) {
      if (!namesMatch(c.cert.subject, child.issuer)) continue;
      let score = c.anchor ? 4 : 0;
      if (aki && c.cert.subjectKeyIdentifier) score += bytesEqual(aki, c.cert.subjectKeyIdentifier) ? 8 : -8;
      if (time >= c.cert.notBefore && time <= c.cert.notAfter) score += 2;
      scored.push({ c, score });
    }
    // A stable sort, so equal scores keep pool order (anchors first, then intermediates as given).
    if (scored.length > 1) scored.sort((x, y) => y.score - x.score);
    const ordered = scored.map((x) => x.c);
    this.#sorted.set(child, ordered);
    return ordered;
  }
}

/** The search state of one `buildPaths` run (a module-level generator: no closure per validation). */
interface Search {
  readonly index: IssuerIndex;
  readonly maxDepth: number;
  readonly budget: WorkBudget;
  readonly partial: { longest: Certificate[] };
  /** The path being extended, leaf first. */
  readonly path: Certificate[];
}

function* extend(s: Search): Generator<Certificate[]> {
  const { budget, path, partial } = s;
  if (budget.left('paths') <= 0 || !budget.spend('buildSteps')) return;
  const current = path[path.length - 1]!;
  const candidates = s.index.issuersOf(current);
  if (candidates.length === 0 && path.length > partial.longest.length) partial.longest = [...path];
  for (const { cert, anchor } of candidates) {
    if (budget.left('paths') <= 0) return;
    // Loop detection: the same certificate, or the same name and key, already in this path.
    if (inPath(path, cert)) continue;
    if (path.length + 1 > s.maxDepth) {
      if (path.length > partial.longest.length) partial.longest = [...path];
      continue;
    }
    path.push(cert);
    if (anchor) {
      budget.spend('paths');
      yield [...path];
    } else {
      yield* extend(s);
    }
    path.pop();
  }
}

/**
 * Yields complete candidate paths (leaf first, anchor last), best guesses first. `partial` receives
 * the longest dead-end path seen, for the PATH_NOT_FOUND report.
 */
export function* buildPaths(
  leaf: Certificate,
  index: IssuerIndex,
  maxDepth: number,
  budget: WorkBudget,
  partial: { longest: Certificate[] },
): Generator<Certificate[]> {
  if (index.isAnchor(leaf)) {
    yield [leaf];
    return;
  }
  yield* extend({ index, maxDepth, budget, partial, path: [leaf] });
}

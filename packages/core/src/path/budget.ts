/**
 * One work budget per validation (style.md: budgets on every search). It is threaded through path
 * building, RFC 5280 §6.1 processing (signatures, name constraints, the policy tree) and the
 * validation of CRL and OCSP signers, so that no combination of hostile inputs can make the total
 * work grow beyond the limits below, however it is split between the parts.
 */
import type { SignaturePolicy } from '../x509/verify.js';
import type { PathBudget } from './types.js';

export type BudgetKind = 'signatures' | 'paths' | 'buildSteps' | 'nameComparisons' | 'policyNodes';

/**
 * Default limits (docs/path-validation-strictness.md, "Budgets"). rustls-webpki allows 100 signature
 * checks, 200,000 build calls and 250,000 name-constraint comparisons per verification; shomei keeps
 * the same order for comparisons and tighter limits for the search, because its pools are small
 * (a JPKI chain has one or two CAs). A real policy tree has policies × path length nodes, a few
 * hundred at most; 10,000 leaves ample room and stays a few megabytes.
 */
export const DEFAULT_BUDGET: Readonly<Required<PathBudget>> = {
  signatures: 64,
  paths: 64,
  depth: 16,
  buildSteps: 1024,
  nameComparisons: 250_000,
  policyNodes: 10_000,
};

const WHAT: Record<BudgetKind, string> = {
  signatures: 'signature verifications',
  paths: 'candidate paths',
  buildSteps: 'path-building steps',
  nameComparisons: 'name-constraint comparisons',
  policyNodes: 'policy tree nodes',
};

export class WorkBudget {
  readonly #left: Record<BudgetKind, number>;
  readonly limits: Readonly<Required<PathBudget>>;
  /** The first kind of work that ran out, if any. */
  exhausted: BudgetKind | undefined;

  /** The algorithm policy of this validation (checked before any cache: a cached verdict is no licence). */
  readonly policy: SignaturePolicy;

  constructor(limits: PathBudget = {}, policy: SignaturePolicy = {}) {
    this.policy = policy;
    // A caller who narrows only `paths` narrows the search with it (16 steps per path, the default ratio).
    const buildSteps = limits.buildSteps ?? (limits.paths !== undefined ? limits.paths * 16 : undefined);
    // No limit given (the common case): the defaults as they are, without copying.
    this.limits = isEmpty(limits)
      ? DEFAULT_BUDGET
      : { ...DEFAULT_BUDGET, ...stripUndefined({ ...limits, buildSteps }) };
    const l = this.limits;
    this.#left = {
      signatures: l.signatures,
      paths: l.paths,
      buildSteps: l.buildSteps,
      nameComparisons: l.nameComparisons,
      policyNodes: l.policyNodes,
    };
  }

  /** Spends `n` units of `kind`; false (and `exhausted` set) when fewer remain. */
  spend(kind: BudgetKind, n = 1): boolean {
    if (this.#left[kind] < n) {
      this.#left[kind] = 0;
      this.exhausted ??= kind;
      return false;
    }
    this.#left[kind] -= n;
    return true;
  }

  left(kind: BudgetKind): number {
    return this.#left[kind];
  }

  /** A sentence for a PATH_BUDGET_EXCEEDED failure. */
  describe(kind: BudgetKind = this.exhausted ?? 'buildSteps'): string {
    const limit = this.limits[kind];
    return `the budget of ${limit.toLocaleString('en')} ${WHAT[kind]} ran out`;
  }
}

function isEmpty(o: PathBudget): boolean {
  for (const k in o) if ((o as Record<string, unknown>)[k] !== undefined) return false;
  return true;
}

function stripUndefined(o: PathBudget): PathBudget {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number') out[k] = v;
  return out;
}

/** Thrown inside a computation (the policy tree) to stop it; turned into a failure by the caller. */
export class BudgetExhausted extends Error {
  constructor(readonly kind: BudgetKind) {
    super(`budget exhausted: ${kind}`);
  }
}

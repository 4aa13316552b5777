/**
 * `validatePath` (design.md §4): builds candidate paths from the pool, runs RFC 5280 §6.1 on each
 * until one passes, checks revocation on the chosen path under the revocation policy, and reports the
 * most useful failure when none passes (ranked, as rustls-webpki and pyca do).
 */
import { derObjects } from '../der/pem.js';
import { CORE_ERRORS, coreError, isShomeiError, throwIfAborted } from '../errors.js';
import {
  checkRevocation,
  ensureOcspReadable,
  type RevocationContext,
  type RevocationResult,
  revocationOff,
} from '../revocation/check.js';
import { CrlIndex } from '../revocation/crl-index.js';
import type { RevocationOptions, RevocationStatus } from '../revocation/types.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import { ContentMemo, contextSlot, defaultContext, type ShomeiContext } from '../x509/context.js';
import type { ValidationProfile } from '../x509/profile.js';
import type { SignaturePolicy } from '../x509/verify.js';
import { WorkBudget } from './budget.js';
import { buildPaths, IssuerIndex } from './build.js';
import { processPath } from './process.js';
import { byRank, pathScore } from './rank.js';
import type { CertificateInput, PathElement, PathFailure, PathResult, ValidatePathOptions } from './types.js';

const toCert = (c: CertificateInput): Certificate => (c instanceof Uint8Array ? parseCertificate(c) : c);

function toCerts(list: readonly CertificateInput[] | undefined): Certificate[] {
  const out: Certificate[] = [];
  for (const c of list ?? []) {
    if (c instanceof Uint8Array)
      for (const der of derObjects(c, ['CERTIFICATE'])) out.push(parseCertificate(der));
    else out.push(c);
  }
  return out;
}

/**
 * CRLs given as bytes, indexed once per context and found again by content (a private copy is
 * indexed, so a caller overwriting its buffer later changes nothing here). A CrlIndex given directly
 * is used as is: build one yourself to index a large CRL without the copy.
 */
const PARSED_CRLS = contextSlot<ContentMemo<CrlIndex[]>>('parsed CRLs');
function toCrls(list: ValidatePathOptions['crls'], context: ShomeiContext): CrlIndex[] {
  const out: CrlIndex[] = [];
  const memo = context.slot(PARSED_CRLS, () => new ContentMemo(64));
  for (const c of list ?? []) {
    if (c instanceof CrlIndex) out.push(c);
    else out.push(...memo.get(c, (copy) => derObjects(copy, ['X509 CRL']).map((d) => CrlIndex.from(d))));
  }
  return out;
}

/** The failure of a candidate path that is longer than `maxIntermediates` allows (not processed further). */
function tooLong(path: readonly Certificate[], max: number) {
  const failures: PathFailure[] = [
    {
      index: -1,
      code: 'PATH_TOO_LONG',
      stage: 'build',
      detail: `the path has ${path.length - 2} intermediate certificate(s); maxIntermediates is ${max}`,
    },
  ];
  return { failures, validPolicies: [], budgetExhausted: false };
}

const notChecked = (detail: string): RevocationStatus => ({ status: 'unknown', source: null, detail });

function element(cert: Certificate, trustAnchor: boolean, revocation: RevocationStatus): PathElement {
  return {
    certificate: cert,
    subject: cert.subject.text,
    issuer: cert.issuer.text,
    serial: cert.serialHex,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    trustAnchor,
    revocation,
  };
}

function invalid(
  verdict: 'invalid' | 'indeterminate',
  path: readonly Certificate[],
  failures: PathFailure[],
  validPolicies: string[],
  warnings: string[],
  statuses?: readonly RevocationStatus[],
  anchored = true,
): PathResult {
  const first = failures[0]!;
  const base = CORE_ERRORS[first.code].message;
  const who =
    first.index >= 0 && path[first.index]
      ? ` Certificate ${first.index} ("${path[first.index]!.subject.text}"): ${first.detail}.`
      : ` ${first.detail}.`;
  return {
    valid: false,
    verdict,
    code: first.code,
    message: `${base}${who}`,
    path: path.map((c, i) =>
      element(
        c,
        anchored && i === path.length - 1,
        statuses?.[i] ?? notChecked('not checked: the path is not valid'),
      ),
    ),
    validPolicies,
    failures,
    warnings,
  };
}

function revocationOptions(
  r: ValidatePathOptions['revocation'],
): Required<Pick<RevocationOptions, 'mode'>> & RevocationOptions {
  if (r === undefined) return { mode: 'prefer' };
  if (typeof r === 'string') return { mode: r };
  return { ...r, mode: r.mode ?? 'prefer' };
}

/** Validates the certification path of `leaf` (RFC 5280 §6) and its revocation status. */
export function validatePath(leafInput: CertificateInput, options: ValidatePathOptions): Promise<PathResult> {
  return validateAtDepth(leafInput, options, 0, new WorkBudget(options.budget, options.algorithms ?? {}));
}

/**
 * How deep CRL-signer validation may recurse with revocation checking on (§6.3.3 (f): the CRL
 * signer's own path is validated, its revocation included); deeper signers are checked without it so
 * a CRL signer that vouches for itself cannot loop.
 */
const MAX_SIGNER_DEPTH = 2;

async function validateAtDepth(
  leafInput: CertificateInput,
  options: ValidatePathOptions,
  depth: number,
  /** Shared with the validation of CRL and OCSP signers below this one. */
  budget: WorkBudget,
): Promise<PathResult> {
  const { signal } = options;
  throwIfAborted(signal);
  const time = options.time ?? new Date();
  const policy = options.policy ?? {};
  const revocation = revocationOptions(options.revocation);
  const context = options.context ?? defaultContext;
  let leaf: Certificate;
  let anchors: Certificate[];
  let intermediates: Certificate[];
  let crls: CrlIndex[];
  try {
    leaf = toCert(leafInput);
    anchors = toCerts(options.trustAnchors);
    intermediates = toCerts(options.intermediates);
    crls = revocation.mode === 'off' ? [] : toCrls(options.crls, context);
    if (revocation.mode !== 'off') ensureOcspReadable(options.ocsp ?? [], context);
  } catch (cause) {
    if (isShomeiError(cause)) throw cause;
    throw coreError('INPUT_INVALID', 'An input of validatePath could not be read.', { cause });
  }
  if (anchors.length === 0) {
    const f: PathFailure = {
      index: -1,
      code: 'PATH_NO_TRUST_ANCHOR',
      stage: 'build',
      detail: 'no trust anchor was given',
    };
    return invalid('invalid', [leaf], [f], [], [], undefined, false);
  }
  const index = new IssuerIndex({ anchors, intermediates }, time);
  const maxDepth = budget.limits.depth;
  const maxIntermediates = options.maxIntermediates;
  const partial = { longest: [leaf] as Certificate[] };

  let best:
    | { path: Certificate[]; failures: PathFailure[]; validPolicies: string[]; score: number }
    | undefined;
  let tried = 0;
  let revokedOrIndeterminate: PathResult | undefined;
  for (const path of buildPaths(leaf, index, maxDepth, budget, partial)) {
    throwIfAborted(signal);
    tried++;
    const r =
      maxIntermediates !== undefined && path.length - 2 > maxIntermediates
        ? tooLong(path, maxIntermediates)
        : await processPath(path, {
            time,
            policy,
            budget,
            profile: options.profile ?? 'strict',
            trustAnchorMode: options.trustAnchorMode ?? 'certificate',
            allowCaLeaf: options.allowCaLeaf ?? false,
            context,
          });
    if (r.failures.length === 0) {
      // A structurally valid path whose revocation check fails: another path (a cross certificate,
      // a re-keyed CA) may still be good, so keep searching and report this one if none is.
      // Revocation off: its result is known without a RevocationContext (nothing to parse or verify).
      const rev =
        revocation.mode === 'off'
          ? revocationOff(path)
          : await checkRevocation(
              path,
              new PathRevocation(
                options,
                depth,
                budget,
                crls,
                time,
                revocation,
                [...intermediates, ...anchors],
                context,
              ),
            );
      const finished = finishPath(path, r.validPolicies, rev);
      if (finished.valid) return finished;
      revokedOrIndeterminate ??= finished;
      continue;
    }
    const score = pathScore(r.failures);
    if (!best || score < best.score)
      best = { path, failures: r.failures, validPolicies: r.validPolicies, score };
    if (r.budgetExhausted) break;
  }
  if (revokedOrIndeterminate) return revokedOrIndeterminate;
  if (best) {
    return invalid('invalid', best.path, best.failures, best.validPolicies, [
      `${tried} candidate path(s) tried`,
    ]);
  }
  const chain = partial.longest;
  const top = chain[chain.length - 1]!;
  const exhausted = budget.left('paths') <= 0 || budget.left('buildSteps') <= 0;
  const f: PathFailure = exhausted
    ? {
        index: -1,
        code: 'PATH_BUDGET_EXCEEDED',
        stage: 'build',
        detail: budget.describe(budget.left('paths') <= 0 ? 'paths' : 'buildSteps'),
      }
    : {
        index: chain.length - 1,
        code: 'PATH_NOT_FOUND',
        stage: 'build',
        detail: `no issuer "${top.issuer.text}" among ${anchors.length} trust anchor(s) and ${intermediates.length} intermediate(s); tried ${chain.map((c) => `"${c.subject.text}"`).join(' → ')}`,
      };
  return invalid('invalid', chain, [f], [], [], undefined, false);
}

/**
 * The revocation inputs of one path; `validateSigner` is a method (no closure per validation) that
 * validates a CRL or OCSP signer's own path within the same budget.
 */
class PathRevocation implements RevocationContext {
  readonly ocsp: readonly Uint8Array[];
  readonly signal: AbortSignal | undefined;
  readonly algorithms: SignaturePolicy;
  readonly profile: ValidationProfile;
  readonly #options: ValidatePathOptions;
  readonly #depth: number;
  readonly #budget: WorkBudget;

  constructor(
    pathOptions: ValidatePathOptions,
    depth: number,
    budget: WorkBudget,
    readonly crls: readonly CrlIndex[],
    readonly time: Date,
    readonly options: RevocationContext['options'],
    readonly pool: readonly Certificate[],
    readonly context: ShomeiContext,
  ) {
    this.#options = pathOptions;
    this.#depth = depth;
    this.#budget = budget;
    this.ocsp = pathOptions.ocsp ?? [];
    this.signal = pathOptions.signal;
    this.algorithms = pathOptions.algorithms ?? {};
    this.profile = pathOptions.profile ?? 'strict';
  }

  async validateSigner(signer: Certificate): Promise<boolean> {
    const depth = this.#depth;
    // A CRL issuer or OCSP responder may be the CA itself, so a CA leaf is expected here.
    const signerOptions: ValidatePathOptions = {
      ...this.#options,
      policy: {},
      allowCaLeaf: true,
      ...(depth + 1 >= MAX_SIGNER_DEPTH ? { revocation: 'off' as const } : {}),
    };
    return (await validateAtDepth(signer, signerOptions, depth + 1, this.#budget)).valid;
  }
}

/** The result a structurally valid path gets from its revocation check. */
function finishPath(path: Certificate[], validPolicies: string[], rev: RevocationResult): PathResult {
  const statuses = [...rev.statuses, notChecked('trust anchor')];
  if (rev.failures.length) {
    const verdict = rev.failures.some((f) => f.code === 'CERT_REVOKED') ? 'invalid' : 'indeterminate';
    const ordered = byRank(rev.failures.map((f) => ({ ...f, stage: 'revocation' as const })));
    return invalid(verdict, path, ordered, validPolicies, rev.warnings, statuses);
  }
  return {
    valid: true,
    verdict: 'valid',
    code: 'OK',
    message: `The path to "${path[path.length - 1]!.subject.text}" is valid.`,
    path: path.map((c, i) => element(c, i === path.length - 1, statuses[i]!)),
    validPolicies,
    failures: [],
    warnings: rev.warnings,
  };
}

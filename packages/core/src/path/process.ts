/**
 * RFC 5280 §6.1 basic path validation over one candidate path, as one readable loop: each check is a
 * small named step citing its rule. The path is leaf first, trust anchor last; RFC certificate i
 * (1 = issued by the anchor, n = leaf) is `path[n - i]`. Failures are collected, each naming the
 * certificate (index into `path`) and the check; processing stops at the first certificate whose
 * signature does not verify, since nothing it asserts can be trusted (and its extensions, the policy
 * tree above all, can be made arbitrarily expensive).
 */
import { type Certificate, KNOWN_CERTIFICATE_EXTENSIONS } from '../x509/certificate.js';
import { defaultContext, type ShomeiContext } from '../x509/context.js';
import type { NameConstraints } from '../x509/extensions.js';
import { namesMatch } from '../x509/name.js';
import { ANY_POLICY } from '../x509/oids.js';
import { BudgetExhausted, type WorkBudget } from './budget.js';
import { checkNameConstraints, constrainedNames, nameConstraintsProblem } from './name-constraints.js';
import { PolicyTree } from './policy-tree.js';
import { checkProfile, isSelfSigned } from './profile.js';
import { checkCertificateSignature } from './signature-cache.js';
import type {
  PathErrorCode,
  PathFailure,
  PathStage,
  PolicyOptions,
  TrustAnchorMode,
  ValidationProfile,
} from './types.js';

export interface ProcessResult {
  readonly failures: PathFailure[];
  readonly validPolicies: string[];
  /** True when a budget ran out before the path was fully processed. */
  readonly budgetExhausted: boolean;
}

export interface ProcessOptions {
  readonly time: Date;
  readonly policy: PolicyOptions;
  readonly budget: WorkBudget;
  readonly profile?: ValidationProfile;
  readonly trustAnchorMode?: TrustAnchorMode;
  readonly allowCaLeaf?: boolean;
  /** Default: `defaultContext`. */
  readonly context?: ShomeiContext;
}

/** Records a failure; `stage` is `certificate` unless the failure means no usable path (`build`). */
type Fail = (index: number, code: PathErrorCode, detail: string, stage?: PathStage) => void;

/** True when both key identifiers are present and differ: `issuer` holds another key than the one `cert` names. */
function otherKey(cert: Certificate, issuer: Certificate): boolean {
  const named = cert.authorityKeyIdentifier?.keyIdentifier;
  const held = issuer.subjectKeyIdentifier;
  if (!named || !held) return false;
  return named.length !== held.length || named.some((b, i) => b !== held[i]);
}

export async function processPath(
  path: readonly Certificate[],
  options: ProcessOptions,
): Promise<ProcessResult> {
  const { time, policy, budget } = options;
  const profile = options.profile ?? 'strict';
  const failures: PathFailure[] = [];
  const fail = failureRecorder(failures);
  const anchor = path[path.length - 1]!;
  const n = path.length - 1;
  const initialPolicySet = policy.initialPolicySet?.length ? policy.initialPolicySet : [ANY_POLICY];
  try {
    // §6.1.2 initialisation.
    // The valid_policy_tree is built on the first certificate that has certificatePolicies: a path
    // without policies (the common case) makes it NULL at once and never allocates it.
    let tree: PolicyTree | undefined;
    let treeNull = false;
    const constraints: NameConstraints[] = [];
    let explicitPolicy = policy.explicitPolicyRequired ? 0 : n + 1;
    let inhibitAnyPolicy = policy.anyPolicyInhibited ? 0 : n + 1;
    let policyMapping = policy.policyMappingInhibited ? 0 : n + 1;
    let workingIssuer = anchor.subject;
    let maxPathLength = n;
    let budgetExhausted = false;
    if (n > 0 && (options.trustAnchorMode ?? 'certificate') === 'certificate') {
      // RFC 5937 / §6.1.1 (d): a trust anchor given as a certificate brings its constraints.
      checkAnchor(anchor, n, time, fail);
      // A certificate anchor is a CA certificate like any other: the profile applies to it too (its
      // own signature is not checked, so a self-issued anchor counts as self-signed).
      for (const v of checkProfile(anchor, { selfSigned: anchor.selfIssued }, profile))
        fail(n, v.code, v.detail);
      if (anchor.nameConstraints) {
        const problem = nameConstraintsProblem(anchor.nameConstraints);
        if (problem) fail(n, 'NAME_CONSTRAINTS_MALFORMED', problem);
        else constraints.push(anchor.nameConstraints);
      }
      const pl = anchor.basicConstraints?.pathLenConstraint;
      if (pl !== undefined && pl < maxPathLength) maxPathLength = pl;
    }

    // working_public_key for certificate i is always the subject key of certificate i-1 (we do not
    // inherit DSA parameters), so every signature can be checked up front, in parallel.
    const signatures = path
      .slice(0, n)
      .map((c, k) => checkCertificateSignature(c, path[k + 1]!, options.context ?? defaultContext, budget));
    for (const s of signatures) s.catch(() => undefined);
    for (let i = 1; i <= n; i++) {
      const idx = n - i;
      const cert = path[idx]!;
      const isLeaf = i === n;

      // §6.1.3 (a)(1): the signature verifies with working_public_key (verifications were started
      // together above, so WebCrypto can run them concurrently).
      const sig = await signatures[idx]!;
      if (sig !== 'valid') {
        // Nothing else in an unverified certificate is worth processing (see the module comment).
        if (sig === 'invalid' && otherKey(cert, path[idx + 1]!))
          // The candidate has the issuer's name but its key identifier is not the one the certificate
          // names (RFC 5280 §4.2.1.1): not a forged signature, just not this certificate's issuer.
          fail(
            idx,
            'PATH_NOT_FOUND',
            `no trusted issuer found for "${cert.subject.text}" (a certificate with the issuer's name "${cert.issuer.text}" but another key was seen)`,
            'build',
          );
        else if (sig === 'invalid')
          fail(
            idx,
            'SIGNATURE_INVALID',
            `signature of "${cert.subject.text}" does not verify with its issuer's key`,
          );
        else if (sig === 'weak')
          fail(
            idx,
            'SIGNATURE_ALGORITHM_WEAK',
            `signature algorithm ${cert.signatureAlgorithm.oid} uses a hash the algorithm policy refuses`,
          );
        else if (sig === 'unsupported')
          fail(
            idx,
            'SIGNATURE_ALGORITHM_UNSUPPORTED',
            `signature algorithm ${cert.signatureAlgorithm.oid} is not supported`,
          );
        else {
          budgetExhausted = true;
          fail(idx, 'PATH_BUDGET_EXCEEDED', budget.describe('signatures'), 'build');
        }
        return { failures, validPolicies: [], budgetExhausted };
      }

      // §6.1.3 (a)(2): validity period includes the validation time.
      if (time < cert.notBefore)
        fail(idx, 'CERT_NOT_YET_VALID', `not valid before ${cert.notBefore.toISOString()}`);
      if (time > cert.notAfter) fail(idx, 'CERT_EXPIRED', `expired at ${cert.notAfter.toISOString()}`);

      // §6.1.3 (a)(4): issuer name equals working_issuer_name.
      if (!namesMatch(cert.issuer, workingIssuer))
        fail(idx, 'NAME_CHAINING', `issuer "${cert.issuer.text}" does not match "${workingIssuer.text}"`);

      // §6.1.3 (b)–(c): name constraints, except for self-issued intermediates.
      if (constraints.length > 0 && (isLeaf || !cert.selfIssued)) {
        const names = constrainedNames(cert);
        for (const nc of constraints) {
          const violation = checkNameConstraints(names, nc, budget);
          if (violation) {
            fail(idx, violation.code, violation.detail);
            if (violation.code === 'PATH_BUDGET_EXCEEDED')
              return { failures, validPolicies: [], budgetExhausted: true };
            break;
          }
        }
      }

      // §6.1.3 (d)–(e): certificate policies.
      if (!treeNull) {
        if (cert.certificatePolicies) {
          const anyAllowed = inhibitAnyPolicy > 0 || (!isLeaf && cert.selfIssued);
          tree ??= new PolicyTree(budget);
          tree.processCertificatePolicies(
            i,
            cert.certificatePolicies.map((p) => p.policyId),
            anyAllowed,
          );
          treeNull = tree.isNull(i);
        } else {
          tree?.clear();
          treeNull = true;
        }
      }
      // §6.1.3 (f): explicit_policy > 0 or a non-NULL tree.
      if (explicitPolicy === 0 && treeNull)
        fail(idx, 'POLICY_REQUIRED', 'an explicit policy is required but no acceptable policy remains');

      if (isLeaf) {
        // The certificate profile (RFC 5280 §4) and the CA-as-end-entity rule.
        profileChecks(path, idx, profile, fail);
        if (cert.basicConstraints?.ca && !options.allowCaLeaf)
          fail(
            idx,
            'CERT_CA_AS_LEAF',
            `"${cert.subject.text}" is a CA certificate in the end-entity position`,
          );
        break;
      }

      // §6.1.4 preparation for certificate i+1.
      if (cert.policyMappings) {
        // (a): mapping to or from anyPolicy is forbidden.
        const bad = cert.policyMappings.find(
          (m) => m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY,
        );
        if (bad) fail(idx, 'POLICY_MAPPING_INVALID', 'policyMappings maps to or from anyPolicy');
        // (b)
        if (!treeNull) {
          // A non-NULL tree after certificate 1 exists: (d) built it.
          tree!.applyMappings(i, cert.policyMappings, policyMapping > 0);
          treeNull = tree!.isNull(i);
        }
      }
      // (c)–(f): working_issuer_name (the working key is the next certificate's issuer key, see above).
      workingIssuer = cert.subject;
      // (g): name constraints; a malformed subtree cannot be applied, so the path fails.
      if (cert.nameConstraints) {
        const problem = nameConstraintsProblem(cert.nameConstraints);
        if (problem) fail(idx, 'NAME_CONSTRAINTS_MALFORMED', problem);
        else constraints.push(cert.nameConstraints);
      }
      // (h): counters decrease for non-self-issued certificates.
      if (!cert.selfIssued) {
        if (explicitPolicy > 0) explicitPolicy--;
        if (policyMapping > 0) policyMapping--;
        if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
      }
      // (i): policyConstraints.
      const pc = cert.policyConstraints;
      if (pc?.requireExplicitPolicy !== undefined && pc.requireExplicitPolicy < explicitPolicy)
        explicitPolicy = pc.requireExplicitPolicy;
      if (pc?.inhibitPolicyMapping !== undefined && pc.inhibitPolicyMapping < policyMapping)
        policyMapping = pc.inhibitPolicyMapping;
      // (j): inhibitAnyPolicy.
      if (cert.inhibitAnyPolicy !== undefined && cert.inhibitAnyPolicy < inhibitAnyPolicy)
        inhibitAnyPolicy = cert.inhibitAnyPolicy;
      // (k): must be a CA.
      if (!cert.basicConstraints?.ca)
        fail(idx, 'BASIC_CONSTRAINTS', `"${cert.subject.text}" issues a certificate but is not a CA`);
      // (l): path length, counted over non-self-issued certificates.
      if (!cert.selfIssued) {
        if (maxPathLength <= 0)
          fail(idx, 'PATH_LENGTH_EXCEEDED', `"${cert.subject.text}" exceeds a pathLenConstraint above it`);
        else maxPathLength--;
      }
      // (m)
      const pl = cert.basicConstraints?.pathLenConstraint;
      if (pl !== undefined && pl < maxPathLength) maxPathLength = pl;
      // (n): keyCertSign.
      if (cert.keyUsage && !cert.keyUsage.keyCertSign)
        fail(idx, 'KEY_USAGE', `"${cert.subject.text}" keyUsage lacks keyCertSign`);
      // (o): unknown critical extensions.
      checkCritical(cert, idx, fail);
      profileChecks(path, idx, profile, fail);
    }

    // §6.1.5 wrap-up.
    const leaf = path[0]!;
    if (n > 0) {
      // (a)
      if (explicitPolicy > 0) explicitPolicy--;
      // (b): requireExplicitPolicy of 0 in the leaf.
      if (leaf.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0;
      // (f): unknown critical extensions of the leaf.
      checkCritical(leaf, 0, fail);
    }
    // (g): intersection with user-initial-policy-set.
    const validPolicies =
      treeNull || n === 0 || !tree
        ? n === 0
          ? [...initialPolicySet]
          : []
        : tree.intersect(n, initialPolicySet);
    if (
      n > 0 &&
      explicitPolicy === 0 &&
      validPolicies.length === 0 &&
      !failures.some((f) => f.code === 'POLICY_REQUIRED')
    )
      fail(-1, 'POLICY_REQUIRED', 'no valid policy remains after intersecting with the initial policy set');
    return { failures, validPolicies, budgetExhausted };
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
    fail(-1, 'PATH_BUDGET_EXCEEDED', budget.describe(e.kind), 'build');
    return { failures, validPolicies: [], budgetExhausted: true };
  }
}

/** The `Fail` that records into `failures` (made by a call, so no named closure per path). */
function failureRecorder(failures: PathFailure[]): Fail {
  return (index, code, detail, stage = 'certificate') => {
    failures.push({ index, code, stage, detail });
  };
}

/** The certificate profile (RFC 5280 §4) of `path[idx]`, self-signed judged by the issuer found. */
function profileChecks(
  path: readonly Certificate[],
  idx: number,
  profile: ValidationProfile,
  fail: Fail,
): void {
  const cert = path[idx]!;
  for (const v of checkProfile(cert, { selfSigned: isSelfSigned(cert, path[idx + 1]!) }, profile))
    fail(idx, v.code, v.detail);
}

/**
 * A trust anchor used as a certificate must be able to act as a CA at the validation time: critical
 * basicConstraints with cA=TRUE (§4.2.1.9), keyCertSign when keyUsage is present (§4.2.1.3), no
 * unknown critical extension (§4.2), and a validity period that includes the time.
 */
function checkAnchor(anchor: Certificate, idx: number, time: Date, fail: Fail): void {
  const bc = anchor.extensions.find((e) => e.oid === '2.5.29.19');
  if (!bc || !anchor.basicConstraints?.ca)
    fail(idx, 'TRUST_ANCHOR_NOT_CA', `trust anchor "${anchor.subject.text}" has no basicConstraints cA=TRUE`);
  else if (!bc.critical)
    fail(
      idx,
      'TRUST_ANCHOR_NOT_CA',
      `trust anchor "${anchor.subject.text}" has a non-critical basicConstraints`,
    );
  else if (anchor.keyUsage && !anchor.keyUsage.keyCertSign)
    fail(idx, 'TRUST_ANCHOR_NOT_CA', `trust anchor "${anchor.subject.text}" keyUsage lacks keyCertSign`);
  if (time < anchor.notBefore)
    fail(idx, 'CERT_NOT_YET_VALID', `trust anchor not valid before ${anchor.notBefore.toISOString()}`);
  if (time > anchor.notAfter)
    fail(idx, 'CERT_EXPIRED', `trust anchor expired at ${anchor.notAfter.toISOString()}`);
  checkCritical(anchor, idx, fail);
}

function checkCritical(cert: Certificate, idx: number, fail: Fail): void {
  for (const e of cert.extensions) {
    if (e.critical && !KNOWN_CERTIFICATE_EXTENSIONS.has(e.oid)) {
      fail(
        idx,
        'UNKNOWN_CRITICAL_EXTENSION',
        `"${cert.subject.text}" has unknown critical extension ${e.oid}`,
      );
    }
  }
}

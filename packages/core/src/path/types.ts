/**
 * The `validatePath` contract (design.md §4): options in, a `PathResult` out. verifyCms fills its
 * ValidationReport `chain[]` from `PathResult.path` (leaf first), including `revocation`.
 */
import type { CrlIndex } from '../revocation/crl-index.js';
import type {
  RevocationErrorCode,
  RevocationMode,
  RevocationOptions,
  RevocationStatus,
} from '../revocation/types.js';
import type { Certificate } from '../x509/certificate.js';
import type { ShomeiContext } from '../x509/context.js';
import type { ValidationProfile } from '../x509/profile.js';

/** A certificate given as DER bytes or already parsed. */
export type CertificateInput = Uint8Array | Certificate;

/** RFC 5280 §6.1.1 (c)–(f): the user inputs to policy processing. */
export interface PolicyOptions {
  /** user-initial-policy-set; default `[anyPolicy]` (2.5.29.32.0). */
  readonly initialPolicySet?: readonly string[];
  /** initial-explicit-policy. Default false. */
  readonly explicitPolicyRequired?: boolean;
  /** initial-policy-mapping-inhibit. Default false. */
  readonly policyMappingInhibited?: boolean;
  /** initial-any-policy-inhibit. Default false. */
  readonly anyPolicyInhibited?: boolean;
}

/**
 * Work budgets for one validation, shared by path building, §6.1 processing and the validation of
 * CRL/OCSP signers (a hostile pool, name-constraint set or policy tree must not make the work
 * explode). Defaults and their origin: docs/path-validation-strictness.md.
 */
export interface PathBudget {
  /** Maximum signature verifications. Default 64. */
  readonly signatures?: number;
  /** Maximum candidate paths tried. Default 64. */
  readonly paths?: number;
  /** Maximum certificates in a path, anchor included. Default 16. */
  readonly depth?: number;
  /** Maximum path-building steps (issuer look-ups). Default 1024. */
  readonly buildSteps?: number;
  /** Maximum name-constraint comparisons (one name against one subtree). Default 250,000. */
  readonly nameComparisons?: number;
  /** Maximum policy tree nodes created. Default 10,000. */
  readonly policyNodes?: number;
}

export type { ValidationProfile } from '../x509/profile.js';

/**
 * How a trust anchor given as a certificate is used. `certificate` (default): the anchor must be a
 * CA (critical basicConstraints cA=TRUE, keyCertSign when keyUsage is present), valid at the
 * validation time, without unknown critical extensions, and its nameConstraints and pathLenConstraint
 * apply to the path below it (RFC 5280 §6.1.1 (d) permits it; RFC 5937). `name-and-key`: only the
 * anchor's subject name and public key are used, the RFC 5280 §6.1.1 (d) minimum.
 */
export type TrustAnchorMode = 'certificate' | 'name-and-key';

export interface ValidatePathOptions {
  /** Trusted roots (self-signed or not; how their certificate is used: `trustAnchorMode`). */
  readonly trustAnchors: readonly CertificateInput[];
  /** Unordered pool of candidate intermediates (may include cross certificates and noise). */
  readonly intermediates?: readonly CertificateInput[];
  /** CRLs (DER or PEM bytes, or an already built index). Full and delta CRLs may be mixed. */
  readonly crls?: readonly (Uint8Array | CrlIndex)[];
  /** DER OCSPResponse messages obtained out of band (e.g. stapled or embedded in a signature). */
  readonly ocsp?: readonly Uint8Array[];
  /** Validation time. Default: now. */
  readonly time?: Date;
  readonly policy?: PolicyOptions;
  /** A mode, or full revocation options. Default `'prefer'`. */
  readonly revocation?: RevocationMode | RevocationOptions;
  readonly budget?: PathBudget;
  /**
   * Algorithm policy for certificate, CRL and OCSP signatures: SHA-1 is refused unless `allowSha1`
   * (legacy archives), MD5 always.
   */
  readonly algorithms?: { readonly allowSha1?: boolean };
  /** Certificate profile checks. Default `'strict'`. */
  readonly profile?: ValidationProfile;
  /** How certificate trust anchors are used. Default `'certificate'`. */
  readonly trustAnchorMode?: TrustAnchorMode;
  /**
   * Maximum number of intermediate certificates between the leaf and the trust anchor (a longer path
   * fails with PATH_TOO_LONG). Default: no limit below `budget.depth`.
   */
  readonly maxIntermediates?: number;
  /**
   * Accept a CA certificate (basicConstraints cA=TRUE) as the leaf. Default false: an end-entity
   * verifier that accepts a CA certificate as the signer lets a CA's key stand in for a person.
   */
  readonly allowCaLeaf?: boolean;
  /**
   * The crypto backend and the caches this validation may use and fill (signature verdicts, parsed
   * CRLs and OCSP responses, fetched revocation data). Default: `defaultContext` (WebCrypto).
   */
  readonly context?: ShomeiContext;
  readonly signal?: AbortSignal;
}

export interface PathElement {
  readonly certificate: Certificate;
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The trust anchor (last element) is not checked for revocation: its status is `unknown` / `not checked`. */
  readonly trustAnchor: boolean;
  readonly revocation: RevocationStatus;
}

/** Codes of path building: no path, or no path within the limits. */
export type PathBuildErrorCode =
  | 'PATH_NOT_FOUND'
  | 'PATH_NO_TRUST_ANCHOR'
  | 'PATH_TOO_LONG'
  | 'PATH_BUDGET_EXCEEDED';

/** Codes of RFC 5280 §6.1 processing of one candidate path, the certificate profile included. */
export type CertificateErrorCode =
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_ALGORITHM_WEAK'
  | 'SIGNATURE_ALGORITHM_UNSUPPORTED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_EXPIRED'
  | 'CERT_CA_AS_LEAF'
  | 'NAME_CHAINING'
  | 'NAME_CONSTRAINTS'
  | 'NAME_CONSTRAINTS_MALFORMED'
  | 'NAME_CONSTRAINTS_UNSUPPORTED'
  | 'POLICY_REQUIRED'
  | 'POLICY_MAPPING_INVALID'
  | 'BASIC_CONSTRAINTS'
  | 'PATH_LENGTH_EXCEEDED'
  | 'KEY_USAGE'
  | 'TRUST_ANCHOR_NOT_CA'
  | 'UNKNOWN_CRITICAL_EXTENSION'
  | 'CERT_DUPLICATE_EXTENSION'
  | 'CERT_SAN_MALFORMED'
  | 'CERT_SERIAL_INVALID'
  | 'CERT_AKI_MISSING'
  | 'CERT_AKI_CRITICAL'
  | 'CERT_SKI_MISSING'
  | 'CERT_SKI_CRITICAL'
  | 'CERT_CA_SUBJECT_EMPTY'
  | 'CERT_KEY_CERT_SIGN_NOT_CA'
  | 'CERT_EKU_EMPTY'
  | 'CERT_POLICY_CONSTRAINTS_NOT_CRITICAL'
  | 'CERT_NAME_CONSTRAINTS_NOT_CA'
  | 'CERT_ISSUER_EMPTY'
  | 'CERT_VALIDITY_ENCODING'
  | 'CERT_BASIC_CONSTRAINTS_NOT_CRITICAL'
  | 'CERT_PATH_LEN_NOT_CA'
  | 'CERT_CA_KEY_USAGE_MISSING'
  | 'CERT_KEY_USAGE_EMPTY'
  | 'CERT_NAME_CONSTRAINTS_NOT_CRITICAL'
  | 'CERT_SAN_NOT_CRITICAL'
  | 'CERT_AIA_CRITICAL';

/** Every code a path failure can carry (each one in CORE_ERRORS, and ranked in validate-path.ts). */
export type PathErrorCode = PathBuildErrorCode | CertificateErrorCode | RevocationErrorCode;

/**
 * Which part of validation a failure comes from: `build` (no path within the pool and the limits),
 * `certificate` (RFC 5280 §6.1 processing and the certificate profile, on a built path) or
 * `revocation` (§6.3 / RFC 6960 on a path that passed §6.1).
 */
export type PathStage = 'build' | 'certificate' | 'revocation';

export interface PathFailure {
  /** Index into `path` (0 = leaf); -1 for failures that concern no single certificate. */
  readonly index: number;
  readonly code: PathErrorCode;
  readonly stage: PathStage;
  readonly detail: string;
}

export type PathVerdict = 'valid' | 'invalid' | 'indeterminate';

interface PathResultBase {
  readonly verdict: PathVerdict;
  /** Leaf first, trust anchor last; the best path found (possibly partial when none was found). */
  readonly path: readonly PathElement[];
  /** authorities-constrained-policy-set ∩ user-initial-policy-set (RFC 5280 §6.1.6 (g)); `[anyPolicy]` when unconstrained. */
  readonly validPolicies: readonly string[];
  readonly failures: readonly PathFailure[];
  /** Non-fatal notes, e.g. a certificate whose revocation was not checked. */
  readonly warnings: readonly string[];
}

export type PathResult =
  | (PathResultBase & {
      readonly valid: true;
      readonly verdict: 'valid';
      readonly code: 'OK';
      readonly message: string;
    })
  | (PathResultBase & {
      readonly valid: false;
      readonly verdict: 'invalid' | 'indeterminate';
      readonly code: PathErrorCode;
      readonly message: string;
    });

/**
 * The revocation vocabulary: the policy a caller chooses and the status reported per certificate.
 * Path validation consumes these; nothing here depends on path validation.
 */
import type { RevocationFetchCache } from './fetch.js';

/**
 * Revocation policy (design.md §4):
 * - `require`: every certificate after the anchor needs a conclusive status, else indeterminate;
 * - `prefer` (default): use every available source; no source → `unknown` with a warning (verdict may
 *   stay valid); a source that fails (unreachable, stale, badly signed) → indeterminate;
 * - `off`: not checked, reported as such.
 */
export type RevocationMode = 'require' | 'prefer' | 'off';

export type RevocationSourceKind = 'ocsp' | 'crl';

export interface RevocationOptions {
  readonly mode?: RevocationMode;
  /** Order in which sources are consulted. Default `['ocsp', 'crl']` (OCSP first, CRL fallback). */
  readonly order?: readonly RevocationSourceKind[];
  /** Fetch CRLs from cRLDistributionPoints and query OCSP responders from AIA (opt-in). Default false. */
  readonly fetch?: boolean;
  /** Per-request timeout for fetching, in milliseconds. Default 10 000. */
  readonly fetchTimeoutMs?: number;
  /** Maximum bytes accepted from one fetch. Default 64 MiB for CRLs, 1 MiB for OCSP. */
  readonly maxFetchBytes?: number;
  /**
   * How long an OCSP response without nextUpdate counts as current after its thisUpdate, in ms.
   * Default 24 hours.
   */
  readonly ocspMaxAgeMs?: number;
  /**
   * Where fetched CRLs and OCSP responses are kept between validations: your own
   * `new RevocationFetchCache()`, `null` for none, or (absent) the context's own cache.
   */
  readonly fetchCache?: RevocationFetchCache | null;
}

export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

/** Revocation status of one certificate, in the shape of the ValidationReport's `chain[].revocation`. */
export interface RevocationStatus {
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly source: 'crl' | 'ocsp' | null;
  readonly reason?: RevocationReason;
  readonly revokedAt?: Date;
  /** Why the status is unknown (`not checked`, `no source`, the failing source's error …). */
  readonly detail?: string;
}

/** Why a CRL or OCSP source could not be used (a `failed` SourceOutcome). */
export type RevocationSourceErrorCode =
  | 'CRL_EXPIRED'
  | 'CRL_NOT_YET_VALID'
  | 'CRL_NUMBER_MISSING'
  | 'CRL_NUMBER_CRITICAL'
  | 'CRL_SIGNATURE_INVALID'
  | 'CRL_UNKNOWN_CRITICAL_EXTENSION'
  | 'CRL_FETCH_FAILED'
  | 'OCSP_STATUS'
  | 'OCSP_CERT_MISMATCH'
  | 'OCSP_SIGNATURE_INVALID'
  | 'OCSP_RESPONDER_UNAUTHORIZED'
  | 'OCSP_STALE'
  | 'OCSP_NONCE_MISMATCH'
  | 'OCSP_MALFORMED'
  | 'OCSP_FETCH_FAILED'
  | 'SIGNATURE_ALGORITHM_WEAK'
  | 'REVOCATION_UNKNOWN';

/** The codes a revocation failure of a path carries: a revoked certificate or an unusable source. */
export type RevocationErrorCode = 'CERT_REVOKED' | RevocationSourceErrorCode;

/** A revocation problem with one certificate of a path (path validation reports it as a failure). */
export interface RevocationFailure {
  /** Index into the path (0 = leaf); -1 for failures that concern no single certificate. */
  readonly index: number;
  readonly code: RevocationErrorCode;
  readonly detail: string;
}

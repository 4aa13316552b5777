/**
 * Which failure to report when no candidate path passes, as rustls-webpki and pyca rank theirs: lower
 * is more specific, so more useful to the person reading it. One entry per PathErrorCode — a typed
 * Record, so a code added to the union does not compile until it is ranked here.
 */
import type { PathErrorCode, PathFailure } from './types.js';

/** A failure of a real check on a path whose signatures all verify: the most telling kind. */
const CHECK = 10;

export const FAILURE_RANK: Readonly<Record<PathErrorCode, number>> = {
  // A revoked certificate says everything: the path is built, checked, and withdrawn.
  CERT_REVOKED: 0,

  // RFC 5280 §6.1 processing and the certificate profile.
  CERT_NOT_YET_VALID: CHECK,
  CERT_EXPIRED: CHECK,
  CERT_CA_AS_LEAF: CHECK,
  NAME_CHAINING: CHECK,
  NAME_CONSTRAINTS: CHECK,
  NAME_CONSTRAINTS_MALFORMED: CHECK,
  NAME_CONSTRAINTS_UNSUPPORTED: CHECK,
  POLICY_REQUIRED: CHECK,
  POLICY_MAPPING_INVALID: CHECK,
  BASIC_CONSTRAINTS: CHECK,
  PATH_LENGTH_EXCEEDED: CHECK,
  KEY_USAGE: CHECK,
  TRUST_ANCHOR_NOT_CA: CHECK,
  UNKNOWN_CRITICAL_EXTENSION: CHECK,
  SIGNATURE_ALGORITHM_WEAK: CHECK,
  CERT_DUPLICATE_EXTENSION: CHECK,
  CERT_SAN_MALFORMED: CHECK,
  CERT_SERIAL_INVALID: CHECK,
  CERT_AKI_MISSING: CHECK,
  CERT_AKI_CRITICAL: CHECK,
  CERT_SKI_MISSING: CHECK,
  CERT_SKI_CRITICAL: CHECK,
  CERT_CA_SUBJECT_EMPTY: CHECK,
  CERT_KEY_CERT_SIGN_NOT_CA: CHECK,
  CERT_EKU_EMPTY: CHECK,
  CERT_POLICY_CONSTRAINTS_NOT_CRITICAL: CHECK,
  CERT_NAME_CONSTRAINTS_NOT_CA: CHECK,
  CERT_ISSUER_EMPTY: CHECK,
  CERT_VALIDITY_ENCODING: CHECK,
  CERT_BASIC_CONSTRAINTS_NOT_CRITICAL: CHECK,
  CERT_PATH_LEN_NOT_CA: CHECK,
  CERT_CA_KEY_USAGE_MISSING: CHECK,
  CERT_KEY_USAGE_EMPTY: CHECK,
  CERT_NAME_CONSTRAINTS_NOT_CRITICAL: CHECK,
  CERT_SAN_NOT_CRITICAL: CHECK,
  CERT_AIA_CRITICAL: CHECK,

  // Revocation sources that could not be used (the path itself passed §6.1).
  CRL_EXPIRED: CHECK,
  CRL_NOT_YET_VALID: CHECK,
  CRL_NUMBER_MISSING: CHECK,
  CRL_NUMBER_CRITICAL: CHECK,
  CRL_SIGNATURE_INVALID: CHECK,
  CRL_UNKNOWN_CRITICAL_EXTENSION: CHECK,
  CRL_FETCH_FAILED: CHECK,
  OCSP_STATUS: CHECK,
  OCSP_CERT_MISMATCH: CHECK,
  OCSP_SIGNATURE_INVALID: CHECK,
  OCSP_RESPONDER_UNAUTHORIZED: CHECK,
  OCSP_STALE: CHECK,
  OCSP_NONCE_MISMATCH: CHECK,
  OCSP_MALFORMED: CHECK,
  OCSP_FETCH_FAILED: CHECK,
  REVOCATION_UNKNOWN: CHECK,

  // A path with a bad signature usually went through the wrong candidate issuer, so its errors say
  // less than those of a path whose signatures all verify.
  SIGNATURE_ALGORITHM_UNSUPPORTED: 40,
  SIGNATURE_INVALID: 50,
  // Another candidate that fails a real check says more than one that was only too long.
  PATH_TOO_LONG: 80,
  PATH_BUDGET_EXCEEDED: 90,
  PATH_NO_TRUST_ANCHOR: 100,
  PATH_NOT_FOUND: 100,
};

/** The score of a candidate path's failures: its most specific failure first, then fewer failures. */
export const pathScore = (failures: readonly PathFailure[]): number =>
  Math.min(...failures.map((f) => FAILURE_RANK[f.code])) * 100 + failures.length;

/** Failures, most specific first (a stable sort: equal ranks keep their order). */
export const byRank = (failures: readonly PathFailure[]): PathFailure[] =>
  [...failures].sort((a, b) => FAILURE_RANK[a.code] - FAILURE_RANK[b.code]);

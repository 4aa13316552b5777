/**
 * What long-term validation reports, whatever the signature format (CAdES now; XAdES and PAdES plug
 * into the same types): the proof of existence that fixed the time, every timestamp with its TSA
 * chain, which CRL or OCSP response answered for each certificate and when it was issued, and the
 * conclusion with the ETSI EN 319 102-1 §5.1.3 (Table 5) indication and sub-indication.
 */
import type { ReportCheck, ReportJpkiIdentity, Verdict } from './types.js';

/** ETSI EN 319 102-1 §5.1.3: the main status indication. */
export type LtvIndication = 'TOTAL-PASSED' | 'TOTAL-FAILED' | 'INDETERMINATE';

/**
 * The ETSI EN 319 102-1 Table 5 sub-indications shomei produces (their names, verbatim, so reports can
 * be compared with other validators). `code` in a LongTermReport is one of these, or
 * `XML_TIMESTAMP_UNSUPPORTED`, shomei's own: a XAdES `XMLTimeStamp` (a time-stamp in XML, for which no
 * standard format exists) that could not be validated and so proves nothing; Table 5 has no
 * sub-indication for a time-stamp format a validator does not implement.
 */
export type LtvReason =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'NOT_YET_VALID'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'REVOKED_NO_POE'
  | 'REVOKED_CA_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'TRY_LATER'
  | 'SIGNED_DATA_NOT_FOUND'
  | 'XML_TIMESTAMP_UNSUPPORTED';

/** Table 5: which main indication each sub-indication belongs to. */
export const LTV_INDICATION: Readonly<Record<LtvReason, Exclude<LtvIndication, 'TOTAL-PASSED'>>> = {
  FORMAT_FAILURE: 'TOTAL-FAILED',
  HASH_FAILURE: 'TOTAL-FAILED',
  SIG_CRYPTO_FAILURE: 'TOTAL-FAILED',
  REVOKED: 'TOTAL-FAILED',
  NOT_YET_VALID: 'TOTAL-FAILED',
  SIG_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  CHAIN_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  CERTIFICATE_CHAIN_GENERAL_FAILURE: 'INDETERMINATE',
  CRYPTO_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  CRYPTO_CONSTRAINTS_FAILURE_NO_POE: 'INDETERMINATE',
  NO_SIGNING_CERTIFICATE_FOUND: 'INDETERMINATE',
  NO_CERTIFICATE_CHAIN_FOUND: 'INDETERMINATE',
  REVOKED_NO_POE: 'INDETERMINATE',
  REVOKED_CA_NO_POE: 'INDETERMINATE',
  OUT_OF_BOUNDS_NO_POE: 'INDETERMINATE',
  TRY_LATER: 'INDETERMINATE',
  SIGNED_DATA_NOT_FOUND: 'INDETERMINATE',
  XML_TIMESTAMP_UNSUPPORTED: 'INDETERMINATE',
};

/** The kinds of proof of existence (EN 319 102-1 §5.6.2.3 POE) shomei understands. */
export type PoeKind =
  /** CAdES signature-time-stamp, XAdES SignatureTimeStamp: covers the signature value. */
  | 'signature-timestamp'
  /** CAdES archive-time-stamp-v3, XAdES ArchiveTimeStamp: covers the signature and its evidence. */
  | 'archive-timestamp'
  /** PAdES document timestamp: covers the whole PDF revision before it (signature and DSS). */
  | 'document-timestamp'
  /** No timestamp could be used: the validation time itself. */
  | 'validation-time';

/** One revocation answer about one certificate, as used in the report. */
export interface RevocationEvidence {
  readonly source: 'ocsp' | 'crl';
  /** The OCSP responder (ResponderID or its certificate's subject) or the CRL issuer. */
  readonly issuer: string;
  /** OCSP SingleResponse thisUpdate, or CRL thisUpdate. */
  readonly issuedAt: string;
  readonly nextUpdate?: string;
  readonly status: 'good' | 'revoked';
  /** When the certificate was revoked, also when that is after the time being proven (then status is good). */
  readonly revokedAt?: string;
  readonly reason?: string;
  /** Issued at or after the time being proven, so it says something about that time (EN 319 102-1 §5.2.5). */
  readonly fresh: boolean;
}

export interface EvidenceCertificate {
  readonly subject: string;
  readonly issuer: string;
  /** Lower-case hex. */
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly trustAnchor: boolean;
  /** The answer used for this certificate (absent for the trust anchor and when none applied). */
  readonly revocation?: RevocationEvidence;
}

export interface TimestampEvidence {
  readonly kind: Exclude<PoeKind, 'validation-time'>;
  /** genTime. */
  readonly time: string;
  readonly authority: string;
  readonly hashAlgorithm: string;
  /** The TSA chain, TSA first. */
  readonly chain: readonly EvidenceCertificate[];
  /**
   * The time at which this token itself is proven to exist: the genTime of the next trusted timestamp
   * covering it, or the validation time when none does.
   */
  readonly provenAt: string;
  readonly ok: boolean;
  readonly code?: LtvReason;
  readonly detail?: string;
}

export interface ProofOfExistence {
  readonly kind: PoeKind;
  /** The best-signature-time (EN 319 102-1 §5.6.2.1 b). */
  readonly time: string;
}

/** The long-term validation report of one signature. */
export interface LongTermReport {
  readonly verdict: Verdict;
  readonly indication: LtvIndication;
  /** The ETSI sub-indication when not TOTAL-PASSED. */
  readonly code?: LtvReason;
  readonly message: string;
  /** The AdES level the signature carries: B (no timestamp), T, LT (validation material), LTA. */
  readonly level: 'B' | 'T' | 'LT' | 'LTA';
  readonly signer: { readonly subject: string; readonly jpki?: ReportJpkiIdentity };
  readonly digestAlgorithm?: string;
  readonly signatureAlgorithm?: string;
  /** The signer's own claim (signing-time attribute), never used as proof. */
  readonly claimedSigningTime?: string;
  /** The earliest trustworthy proof of existence: the time at which the signature was judged. */
  readonly proofOfExistence: ProofOfExistence;
  /** The signer's chain at that time, signer first, with the revocation answer used for each. */
  readonly chain: readonly EvidenceCertificate[];
  /** Every timestamp found, newest first, with whether it could be trusted and why not. */
  readonly timestamps: readonly TimestampEvidence[];
  /** The signature's own checks (signature value, content digest, attributes), judged at that time. */
  readonly checks: readonly ReportCheck[];
  readonly warnings: readonly string[];
  /** Every signer's report when the signature has several; the top level is the worst. */
  readonly signers?: readonly LongTermReport[];
}

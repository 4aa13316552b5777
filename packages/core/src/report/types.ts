/**
 * ValidationReport: the JSON document portals show and the CLI prints with --json (design.md §4).
 * Dates are ISO-8601 strings so that `JSON.stringify(report)` is the contract shape as is.
 * Fields beyond the design (`jpki.*Substitute`, `timestamp`, `signers`) only add information.
 */

export type Verdict = 'valid' | 'invalid' | 'indeterminate';

/** The named checks a signer goes through, in report order. */
export type CheckName =
  | 'format'
  | 'signerCertificate'
  | 'algorithm'
  | 'signature'
  | 'messageDigest'
  | 'contentType'
  | 'signingCertificate'
  | 'keyUsage'
  | 'chain'
  | 'revocation'
  | 'timestamp';

export interface ReportCheck {
  readonly name: CheckName;
  readonly ok: boolean;
  readonly code?: string;
  readonly detail?: string;
}

export interface ReportRevocation {
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly source: 'crl' | 'ocsp' | null;
  readonly reason?: string;
  readonly revokedAt?: string;
  /** Why the status is unknown (not checked, no source, the failing source's error). */
  readonly detail?: string;
}

export interface ReportChainElement {
  readonly subject: string;
  readonly issuer: string;
  /** Lower-case hex. */
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** The trust anchor the path ends at (not checked for revocation). Absent in long-term reports. */
  readonly trustAnchor?: boolean;
  readonly revocation: ReportRevocation;
}

/** The holder's facts from a JPKI signing certificate (spec/jpki-card.md §11). */
export interface ReportJpkiIdentity {
  readonly name: string;
  readonly address: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly nameSubstitute?: string;
  readonly addressSubstitute?: string;
}

export interface ReportTimestamp {
  /** genTime of the RFC 3161 token. */
  readonly time: string;
  /** Subject of the TSA certificate, when it was found. */
  readonly authority?: string;
}

/** The report of one signer (the top-level report is one of these plus `signers`). */
export interface SignerReport {
  readonly verdict: Verdict;
  readonly code?: string;
  readonly message?: string;
  readonly signer: { readonly subject: string; readonly jpki?: ReportJpkiIdentity };
  readonly signingTime?: string;
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
  readonly chain: readonly ReportChainElement[];
  /**
   * Present once a chain was built: false when a certificate below the trust anchor has no
   * revocation status (not checked), so the signature is valid but whether the certificate is still
   * in force is unknown. Portals must not show it as checked.
   */
  readonly revocationChecked?: boolean;
  readonly checks: readonly ReportCheck[];
  readonly timestamp?: ReportTimestamp;
}

export interface ValidationReport extends SignerReport {
  /** The long-term validation evidence, when verifyCms ran in long-term mode (`longTerm`). */
  readonly longTerm?: import('./long-term.js').LongTermReport;
  /**
   * Every signer's own report when the SignedData has more than one. The top-level fields then
   * describe the signer that decided the verdict (the first with the worst verdict).
   */
  readonly signers?: readonly SignerReport[];
}

/**
 * What the card asks of an issuing authority at issuance: certify a public key generated inside the
 * card. The `Authority` implements it, and so does the card's default in-memory issuer.
 */
import type { HolderProfile } from './holder.js';

export type CertificateKind = 'sign' | 'auth';

export interface CertificateRequest {
  kind: CertificateKind;
  /** SubjectPublicKeyInfo DER of the card's key. */
  publicKey: Uint8Array;
  holder: HolderProfile;
}

export interface IssuedCertificate {
  /** End-entity certificate (DER). */
  certificate: Uint8Array;
  /** The issuing CA's certificate (DER), written to EF 0002 / 000B. */
  caCertificate: Uint8Array;
}

export interface CertificateIssuer {
  issue(request: CertificateRequest): Promise<IssuedCertificate>;
}

/**
 * What the card asks of an issuing authority at issuance: certify a public key generated inside the
 * card. The built-in test CA (authority/test-ca.ts) implements it; the full Authority will too.
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

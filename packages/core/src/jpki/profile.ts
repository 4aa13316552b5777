/**
 * The JPKI certificate profile as data (spec/jpki-card.md §11): what each kind of JPKI certificate
 * carries and what it is for. The simulator's issuer builds its certificates from these rows, and
 * verification checks a document signer against them, so the profile is written down once.
 * Fields marked [U] in spec §11 (end-entity key usage bits) are the reported profile, not a J-LIS text.
 */
import type { Certificate } from '../x509/certificate.js';
import type { KeyUsageName } from '../x509/extensions.js';
import { JPKI_POLICY_OID, type JpkiSanField } from './oids.js';

export type JpkiCertificateKind = 'sign' | 'auth' | 'ca';

export interface JpkiCertificateProfile {
  readonly kind: JpkiCertificateKind;
  /** certificatePolicies policyId (end entities); CAs carry none. */
  readonly policy?: string;
  /** keyUsage bits, marked critical (RFC 5280 §4.2.1.3). */
  readonly keyUsage: readonly KeyUsageName[];
  /** basicConstraints cA (critical on CAs). */
  readonly ca: boolean;
  /** The SAN otherName facts the certificate carries (only the signing certificate has personal data). */
  readonly holderFacts: readonly JpkiSanField[];
  /** What the key may sign: documents (署名用), a login challenge (利用者証明用), certificates and CRLs. */
  readonly signs: 'documents' | 'authentication' | 'certificates';
  /** The CA's organizationalUnit for this purpose (spec §11 [C]). */
  readonly caUnit?: string;
}

/** A holder's certificate: it always names its policy and the CA unit that issues it. */
export interface JpkiEndEntityProfile extends JpkiCertificateProfile {
  readonly kind: 'sign' | 'auth';
  readonly policy: string;
  readonly caUnit: string;
}

export const JPKI_CERTIFICATE_PROFILE: {
  readonly sign: JpkiEndEntityProfile;
  readonly auth: JpkiEndEntityProfile;
  readonly ca: JpkiCertificateProfile;
} = {
  sign: {
    kind: 'sign',
    policy: JPKI_POLICY_OID.sign,
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    ca: false,
    holderFacts: ['name', 'nameSubstitute', 'sex', 'birthDate', 'address', 'addressSubstitute'],
    signs: 'documents',
    caUnit: 'JPKI for digital signature',
  },
  auth: {
    kind: 'auth',
    policy: JPKI_POLICY_OID.auth,
    keyUsage: ['digitalSignature'],
    ca: false,
    holderFacts: [],
    signs: 'authentication',
    caUnit: 'JPKI for user authentication',
  },
  ca: {
    kind: 'ca',
    keyUsage: ['keyCertSign', 'cRLSign'],
    ca: true,
    holderFacts: [],
    signs: 'certificates',
  },
};

/** The JPKI kind of an end-entity certificate, from its certificate policy; undefined for any other certificate. */
export function jpkiCertificateKind(cert: Certificate): 'sign' | 'auth' | undefined {
  for (const p of cert.certificatePolicies ?? []) {
    if (p.policyId === JPKI_CERTIFICATE_PROFILE.sign.policy) return 'sign';
    if (p.policyId === JPKI_CERTIFICATE_PROFILE.auth.policy) return 'auth';
  }
  return undefined;
}

/** A failed profile check, in the shape of a report check on the signer's key usage. */
export interface JpkiProfileFailure {
  readonly name: 'keyUsage';
  readonly ok: false;
  readonly code: 'JPKI_AUTH_KEY_SIGNATURE';
  readonly detail: string;
}

/**
 * spec §11: the user-authentication key (利用者証明用) signs login challenges only; its certificate has
 * no personal data and its policy does not cover documents. A document signature made with it is
 * refused with `JPKI_AUTH_KEY_SIGNATURE`. Returns undefined for any certificate that is not a JPKI
 * authentication certificate (other PKIs are not judged by the JPKI profile).
 */
export function jpkiDocumentSignerCheck(cert: Certificate): JpkiProfileFailure | undefined {
  if (jpkiCertificateKind(cert) !== 'auth') return undefined;
  return {
    name: 'keyUsage',
    ok: false,
    code: 'JPKI_AUTH_KEY_SIGNATURE',
    detail: 'the document was signed with the JPKI user-authentication key, which is for login only',
  };
}

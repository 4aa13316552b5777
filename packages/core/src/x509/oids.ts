/** Object identifiers of RFC 5280; algorithm OIDs are views of the algorithm table (algorithms.ts). */
import { digestAlgorithm, KEY_ALGORITHM, namedCurve, signatureAlgorithmFor } from './algorithms.js';

/** Certificate and CRL extensions (RFC 5280 §4.2, §5.2, §5.3). */
export const EXT_OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCRL: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
} as const;

export const ANY_POLICY = '2.5.29.32.0';
export const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

export const KP_OID = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

export const AD_OID = {
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
} as const;

/** Signature, key, digest and curve OIDs by short name: a view of the algorithm table (algorithms.ts). */
export const ALG_OID = {
  rsaEncryption: KEY_ALGORITHM.rsaEncryption,
  sha1WithRSA: signatureAlgorithmFor('RSA', 'SHA-1').oid,
  sha256WithRSA: signatureAlgorithmFor('RSA', 'SHA-256').oid,
  sha384WithRSA: signatureAlgorithmFor('RSA', 'SHA-384').oid,
  sha512WithRSA: signatureAlgorithmFor('RSA', 'SHA-512').oid,
  rsassaPss: KEY_ALGORITHM.rsassaPss,
  ecPublicKey: KEY_ALGORITHM.ecPublicKey,
  ecdsaWithSHA256: signatureAlgorithmFor('EC', 'SHA-256').oid,
  ecdsaWithSHA384: signatureAlgorithmFor('EC', 'SHA-384').oid,
  ecdsaWithSHA512: signatureAlgorithmFor('EC', 'SHA-512').oid,
  sha1: digestAlgorithm('SHA-1').oid,
  sha256: digestAlgorithm('SHA-256').oid,
  sha384: digestAlgorithm('SHA-384').oid,
  sha512: digestAlgorithm('SHA-512').oid,
  p256: namedCurve('P-256').oid,
  p384: namedCurve('P-384').oid,
  p521: namedCurve('P-521').oid,
} as const;

/** Attribute types of distinguished names with their RFC 4514 §3 short names. */
export const ATTRIBUTE_SHORT_NAME: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export const EMAIL_ADDRESS_OID = '1.2.840.113549.1.9.1';

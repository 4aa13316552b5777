/** Object identifiers used by CMS and CAdES (RFC 5652, RFC 5035, RFC 3161, RFC 8017, RFC 5758). */

export const CMS_OID = {
  /** RFC 5652 §4 */
  data: '1.2.840.113549.1.7.1',
  /** RFC 5652 §5 */
  signedData: '1.2.840.113549.1.7.2',
  /** RFC 3161 §2.4.2: TSTInfo as encapsulated content of a timestamp token */
  tstInfo: '1.2.840.113549.1.9.16.1.4',
} as const;

export const ATTRIBUTE_OID = {
  /** RFC 5652 §11.1 */
  contentType: '1.2.840.113549.1.9.3',
  /** RFC 5652 §11.2 */
  messageDigest: '1.2.840.113549.1.9.4',
  /** RFC 5652 §11.3 */
  signingTime: '1.2.840.113549.1.9.5',
  /** RFC 2634 §5.4 (ESS signing-certificate, SHA-1 only) */
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  /** RFC 5035 §3 (ESS signing-certificate-v2) */
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  /** RFC 3161 Appendix A: the signature timestamp token, an unsigned attribute (CAdES-T) */
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

export const DIGEST_OID = {
  md5: '1.2.840.113549.2.5',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

export const SIGNATURE_OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  md5WithRSAEncryption: '1.2.840.113549.1.1.4',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
} as const;

/** Named curves (RFC 5480 §2.1.1.1). */
export const CURVE_OID = {
  'P-256': '1.2.840.10045.3.1.7',
  'P-384': '1.3.132.0.34',
  'P-521': '1.3.132.0.35',
} as const;

/** Object identifiers used by CMS and CAdES (RFC 5652, RFC 5035, RFC 3161, RFC 8017, RFC 5758). */
import {
  type DigestName,
  digestAlgorithm,
  KEY_ALGORITHM,
  namedCurve,
  SIGNATURE_ALGORITHMS,
} from '../x509/algorithms.js';

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

const digestOid = (name: DigestName): string => digestAlgorithm(name).oid;
const signatureOid = (name: string): string => SIGNATURE_ALGORITHMS.find((a) => a.name === name)!.oid;

/** Digest OIDs by short name: a view of the algorithm table (x509/algorithms.ts). */
export const DIGEST_OID = {
  md5: digestOid('MD5'),
  sha1: digestOid('SHA-1'),
  sha256: digestOid('SHA-256'),
  sha384: digestOid('SHA-384'),
  sha512: digestOid('SHA-512'),
} as const;

/** Signature and key OIDs by their ASN.1 names: a view of the algorithm table. */
export const SIGNATURE_OID = {
  rsaEncryption: KEY_ALGORITHM.rsaEncryption,
  md5WithRSAEncryption: signatureOid('md5WithRSAEncryption'),
  sha1WithRSAEncryption: signatureOid('sha1WithRSAEncryption'),
  sha256WithRSAEncryption: signatureOid('sha256WithRSAEncryption'),
  sha384WithRSAEncryption: signatureOid('sha384WithRSAEncryption'),
  sha512WithRSAEncryption: signatureOid('sha512WithRSAEncryption'),
  rsassaPss: KEY_ALGORITHM.rsassaPss,
  ecPublicKey: KEY_ALGORITHM.ecPublicKey,
  ecdsaWithSha1: signatureOid('ecdsa-with-SHA1'),
  ecdsaWithSha256: signatureOid('ecdsa-with-SHA256'),
  ecdsaWithSha384: signatureOid('ecdsa-with-SHA384'),
  ecdsaWithSha512: signatureOid('ecdsa-with-SHA512'),
} as const;

/** Named curves (RFC 5480 §2.1.1.1): a view of the algorithm table. */
export const CURVE_OID = {
  'P-256': namedCurve('P-256').oid,
  'P-384': namedCurve('P-384').oid,
  'P-521': namedCurve('P-521').oid,
} as const;

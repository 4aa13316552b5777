/**
 * Digest and signature algorithm tables: OID ⇄ name, and the DER AlgorithmIdentifiers shomei writes.
 * Kept as data so that signing, verifying and the algorithm policy read one table.
 */
import { DER_NULL, encodeOid, encodeTlv } from '../der/writer.js';
import type { HashAlgorithmName } from '../signer.js';
import { DIGEST_OID, SIGNATURE_OID } from './oids.js';

/** Digest algorithms shomei recognises; `MD5` is known only so that policy can name it when rejecting. */
export type DigestName = HashAlgorithmName | 'MD5';

export const DIGEST_BY_OID: Readonly<Record<string, DigestName>> = {
  [DIGEST_OID.md5]: 'MD5',
  [DIGEST_OID.sha1]: 'SHA-1',
  [DIGEST_OID.sha256]: 'SHA-256',
  [DIGEST_OID.sha384]: 'SHA-384',
  [DIGEST_OID.sha512]: 'SHA-512',
};

export const DIGEST_OID_BY_NAME: Readonly<Record<DigestName, string>> = {
  MD5: DIGEST_OID.md5,
  'SHA-1': DIGEST_OID.sha1,
  'SHA-256': DIGEST_OID.sha256,
  'SHA-384': DIGEST_OID.sha384,
  'SHA-512': DIGEST_OID.sha512,
};

export const DIGEST_LENGTH: Readonly<Record<DigestName, number>> = {
  MD5: 16,
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
};

/** What a SignerInfo's signatureAlgorithm says: the key type and, when the OID fixes it, the hash. */
export interface SignatureAlgorithmInfo {
  readonly key: 'RSA' | 'EC';
  readonly hash?: DigestName;
  readonly name: string;
}

export const SIGNATURE_BY_OID: Readonly<Record<string, SignatureAlgorithmInfo>> = {
  // RFC 5652 §12.2 / RFC 3370 §3.2: rsaEncryption here means "PKCS#1 v1.5 with the digestAlgorithm".
  [SIGNATURE_OID.rsaEncryption]: { key: 'RSA', name: 'rsaEncryption' },
  [SIGNATURE_OID.md5WithRSAEncryption]: { key: 'RSA', hash: 'MD5', name: 'md5WithRSAEncryption' },
  [SIGNATURE_OID.sha1WithRSAEncryption]: { key: 'RSA', hash: 'SHA-1', name: 'sha1WithRSAEncryption' },
  [SIGNATURE_OID.sha256WithRSAEncryption]: { key: 'RSA', hash: 'SHA-256', name: 'sha256WithRSAEncryption' },
  [SIGNATURE_OID.sha384WithRSAEncryption]: { key: 'RSA', hash: 'SHA-384', name: 'sha384WithRSAEncryption' },
  [SIGNATURE_OID.sha512WithRSAEncryption]: { key: 'RSA', hash: 'SHA-512', name: 'sha512WithRSAEncryption' },
  [SIGNATURE_OID.ecdsaWithSha1]: { key: 'EC', hash: 'SHA-1', name: 'ecdsa-with-SHA1' },
  [SIGNATURE_OID.ecdsaWithSha256]: { key: 'EC', hash: 'SHA-256', name: 'ecdsa-with-SHA256' },
  [SIGNATURE_OID.ecdsaWithSha384]: { key: 'EC', hash: 'SHA-384', name: 'ecdsa-with-SHA384' },
  [SIGNATURE_OID.ecdsaWithSha512]: { key: 'EC', hash: 'SHA-512', name: 'ecdsa-with-SHA512' },
};

const RSA_SIG_OID: Readonly<Record<HashAlgorithmName, string>> = {
  'SHA-1': SIGNATURE_OID.sha1WithRSAEncryption,
  'SHA-256': SIGNATURE_OID.sha256WithRSAEncryption,
  'SHA-384': SIGNATURE_OID.sha384WithRSAEncryption,
  'SHA-512': SIGNATURE_OID.sha512WithRSAEncryption,
};

const ECDSA_SIG_OID: Readonly<Record<HashAlgorithmName, string>> = {
  'SHA-1': SIGNATURE_OID.ecdsaWithSha1,
  'SHA-256': SIGNATURE_OID.ecdsaWithSha256,
  'SHA-384': SIGNATURE_OID.ecdsaWithSha384,
  'SHA-512': SIGNATURE_OID.ecdsaWithSha512,
};

/** AlgorithmIdentifier for a digest. RFC 5754 §2: parameters absent (accepting NULL when reading). */
export function digestAlgorithmIdentifier(hash: HashAlgorithmName): Uint8Array {
  return encodeTlv(0x30, encodeOid(DIGEST_OID_BY_NAME[hash]));
}

/**
 * AlgorithmIdentifier for the SignerInfo signatureAlgorithm. RFC 4055 §5: sha*WithRSAEncryption
 * carries NULL parameters; RFC 5758 §3.2: ecdsa-with-SHA* has absent parameters.
 */
export function signatureAlgorithmIdentifier(key: 'RSA' | 'EC', hash: HashAlgorithmName): Uint8Array {
  return key === 'RSA'
    ? encodeTlv(0x30, encodeOid(RSA_SIG_OID[hash]), DER_NULL)
    : encodeTlv(0x30, encodeOid(ECDSA_SIG_OID[hash]));
}

export function signatureAlgorithmName(key: 'RSA' | 'EC', hash: DigestName): string {
  const h = hash.replace('-', '');
  return key === 'RSA' ? `${h.toLowerCase()}WithRSAEncryption` : `ecdsa-with-${h}`;
}

/**
 * CMS views of the one algorithm table (x509/algorithms.ts): OID ⇄ name lookups and the DER
 * AlgorithmIdentifiers shomei writes in SignerInfos and timestamp requests.
 */
import { DER_NULL, encodeOid, encodeTlv } from '../der/writer.js';
import type { HashAlgorithmName } from '../signer.js';
import {
  DIGEST_ALGORITHMS,
  type DigestName,
  digestAlgorithm,
  type KeyType,
  SIGNATURE_ALGORITHMS,
  signatureAlgorithmFor,
} from '../x509/algorithms.js';

export type { DigestName } from '../x509/algorithms.js';

export const DIGEST_BY_OID: Readonly<Record<string, DigestName>> = Object.fromEntries(
  DIGEST_ALGORITHMS.map((d) => [d.oid, d.name]),
);

export const DIGEST_OID_BY_NAME: Readonly<Record<DigestName, string>> = Object.fromEntries(
  DIGEST_ALGORITHMS.map((d) => [d.name, d.oid]),
) as Record<DigestName, string>;

export const DIGEST_LENGTH: Readonly<Record<DigestName, number>> = Object.fromEntries(
  DIGEST_ALGORITHMS.map((d) => [d.name, d.length]),
) as Record<DigestName, number>;

/** What a SignerInfo's signatureAlgorithm says: the key type and, when the OID fixes it, the hash. */
export interface SignatureAlgorithmInfo {
  readonly key: KeyType;
  readonly hash?: DigestName;
  readonly name: string;
}

// RSASSA-PSS is verified for certificates, CRLs and OCSP (x509/verify.ts); as a SignerInfo algorithm it is
// refused with CMS_ALGORITHM_UNSUPPORTED (JPKI cards and the signers of core sign PKCS#1 v1.5 or ECDSA).
export const SIGNATURE_BY_OID: Readonly<Record<string, SignatureAlgorithmInfo>> = Object.fromEntries(
  SIGNATURE_ALGORITHMS.filter((s) => s.kind !== 'pss' && (s.hash || s.name === 'rsaEncryption')).map((s) => [
    s.oid,
    { key: s.key, name: s.name, ...(s.hash ? { hash: s.hash } : {}) },
  ]),
);

/** AlgorithmIdentifier for a digest. RFC 5754 §2: parameters absent (accepting NULL when reading). */
export function digestAlgorithmIdentifier(hash: HashAlgorithmName): Uint8Array {
  return encodeTlv(0x30, encodeOid(digestAlgorithm(hash).oid));
}

/**
 * AlgorithmIdentifier for the SignerInfo signatureAlgorithm, with the parameters the table gives:
 * NULL for sha*WithRSAEncryption (RFC 4055 §5), absent for ecdsa-with-SHA* (RFC 5758 §3.2).
 */
export function signatureAlgorithmIdentifier(key: KeyType, hash: HashAlgorithmName): Uint8Array {
  const row = signatureAlgorithmFor(key, hash);
  return row.parameters === 'null'
    ? encodeTlv(0x30, encodeOid(row.oid), DER_NULL)
    : encodeTlv(0x30, encodeOid(row.oid));
}

/** The report name of a key type with a hash (`sha256WithRSAEncryption`, `ecdsa-with-SHA384`). */
export function signatureAlgorithmName(key: KeyType, hash: DigestName): string {
  return (
    SIGNATURE_ALGORITHMS.find((s) => s.key === key && s.hash === hash && s.kind !== 'pss')?.name ??
    `${key}-${hash}`
  );
}

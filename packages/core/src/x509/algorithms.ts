/**
 * The one algorithm table of core: every digest, signature algorithm, public-key type and named
 * curve shomei reads or writes, with its identifiers in each format (ASN.1 OID, XML Signature URI,
 * JOSE name) and the facts that parsing, signing, verifying and the algorithm policy need. Each
 * format's lookups (cms/algorithms.ts, xml/algorithms.ts, the oid constants) are views of these rows,
 * so an identifier is written down once.
 *
 * Sources: RFC 8017 App. A.2.4 and RFC 5754 §2 (digest OIDs), RFC 4055 §5 and §3.1 (RSA and
 * RSASSA-PSS), RFC 5758 §3.2 (ECDSA), RFC 5480 §2.1.1.1 (curves), XML Signature 1.1 §6 and RFC 6931
 * (URIs), RFC 7518 §3.1 (JOSE "alg" names).
 */
import { coreError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';

/** Digest algorithms shomei recognises; `MD5` is known only so that policy can name it when rejecting. */
export type DigestName = HashAlgorithmName | 'MD5';

/** How much a digest is trusted: `broken` never, `legacy` only when the policy allows SHA-1, `strong` always. */
export type DigestStrength = 'broken' | 'legacy' | 'strong';

export interface DigestAlgorithm {
  readonly name: DigestName;
  readonly oid: string;
  /** Output length in bytes. */
  readonly length: number;
  readonly strength: DigestStrength;
  /** XML Signature DigestMethod URI (XML Signature 1.1 §6.2, RFC 6931 §2.1.3). */
  readonly xmlUri?: string;
  /** The name node:crypto and OpenSSL use. */
  readonly nodeName: string;
}

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = [
  { name: 'MD5', oid: '1.2.840.113549.2.5', length: 16, strength: 'broken', nodeName: 'md5' },
  {
    name: 'SHA-1',
    oid: '1.3.14.3.2.26',
    length: 20,
    strength: 'legacy',
    xmlUri: 'http://www.w3.org/2000/09/xmldsig#sha1',
    nodeName: 'sha1',
  },
  {
    name: 'SHA-256',
    oid: '2.16.840.1.101.3.4.2.1',
    length: 32,
    strength: 'strong',
    xmlUri: 'http://www.w3.org/2001/04/xmlenc#sha256',
    nodeName: 'sha256',
  },
  {
    name: 'SHA-384',
    oid: '2.16.840.1.101.3.4.2.2',
    length: 48,
    strength: 'strong',
    xmlUri: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
    nodeName: 'sha384',
  },
  {
    name: 'SHA-512',
    oid: '2.16.840.1.101.3.4.2.3',
    length: 64,
    strength: 'strong',
    xmlUri: 'http://www.w3.org/2001/04/xmlenc#sha512',
    nodeName: 'sha512',
  },
];

/** Public-key types: the SubjectPublicKeyInfo algorithm OIDs (RFC 3279 §2.3, RFC 4055 §1.2, RFC 5480 §2.1.1). */
export const KEY_ALGORITHM = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
} as const;

/** The key family a signature needs: RSA (PKCS#1 v1.5 or PSS) or EC (ECDSA). */
export type KeyType = 'RSA' | 'EC';

/** How a signature is checked: the padding or curve family and the hash (RSASSA-PSS adds its salt). */
export type SignatureScheme =
  | { readonly kind: 'rsa'; readonly hash: HashAlgorithmName }
  | { readonly kind: 'pss'; readonly hash: HashAlgorithmName; readonly saltLength: number }
  | { readonly kind: 'ecdsa'; readonly hash: HashAlgorithmName };

export interface SignatureAlgorithm {
  readonly oid: string;
  /** The ASN.1 name (RFC 4055, RFC 5758), used in reports. */
  readonly name: string;
  readonly key: KeyType;
  readonly kind: 'rsa' | 'pss' | 'ecdsa';
  /**
   * The hash the OID fixes; absent for rsaEncryption as a CMS signatureAlgorithm (RFC 3370 §3.2: the
   * digestAlgorithm names it) and for RSASSA-PSS (its parameters name it).
   */
  readonly hash?: DigestName;
  /** AlgorithmIdentifier parameters: NULL (RFC 4055 §5), absent (RFC 5758 §3.2) or RSASSA-PSS-params. */
  readonly parameters: 'null' | 'absent' | 'pss';
  /** XML Signature SignatureMethod URI (XML Signature 1.1 §6.4, RFC 6931 §2.3). */
  readonly xmlUri?: string;
  /** JOSE "alg" (RFC 7518 §3.1). */
  readonly jose?: string;
  /** Refused whatever the policy (MD2, MD5). */
  readonly broken?: true;
}

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const MORE = 'http://www.w3.org/2001/04/xmldsig-more#';

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = [
  // RFC 5652 §12.2 / RFC 3370 §3.2: rsaEncryption as a signature algorithm is PKCS#1 v1.5 with the digestAlgorithm.
  { oid: KEY_ALGORITHM.rsaEncryption, name: 'rsaEncryption', key: 'RSA', kind: 'rsa', parameters: 'null' },
  { oid: KEY_ALGORITHM.rsassaPss, name: 'RSASSA-PSS', key: 'RSA', kind: 'pss', parameters: 'pss' },
  {
    oid: '1.2.840.113549.1.1.2',
    name: 'md2WithRSAEncryption',
    key: 'RSA',
    kind: 'rsa',
    parameters: 'null',
    broken: true,
  },
  {
    oid: '1.2.840.113549.1.1.4',
    name: 'md5WithRSAEncryption',
    key: 'RSA',
    kind: 'rsa',
    hash: 'MD5',
    parameters: 'null',
    broken: true,
  },
  {
    oid: '1.2.840.113549.1.1.5',
    name: 'sha1WithRSAEncryption',
    key: 'RSA',
    kind: 'rsa',
    hash: 'SHA-1',
    parameters: 'null',
    xmlUri: `${DSIG}rsa-sha1`,
  },
  {
    oid: '1.2.840.113549.1.1.11',
    name: 'sha256WithRSAEncryption',
    key: 'RSA',
    kind: 'rsa',
    hash: 'SHA-256',
    parameters: 'null',
    xmlUri: `${MORE}rsa-sha256`,
    jose: 'RS256',
  },
  {
    oid: '1.2.840.113549.1.1.12',
    name: 'sha384WithRSAEncryption',
    key: 'RSA',
    kind: 'rsa',
    hash: 'SHA-384',
    parameters: 'null',
    xmlUri: `${MORE}rsa-sha384`,
    jose: 'RS384',
  },
  {
    oid: '1.2.840.113549.1.1.13',
    name: 'sha512WithRSAEncryption',
    key: 'RSA',
    kind: 'rsa',
    hash: 'SHA-512',
    parameters: 'null',
    xmlUri: `${MORE}rsa-sha512`,
    jose: 'RS512',
  },
  {
    oid: '1.2.840.10045.4.1',
    name: 'ecdsa-with-SHA1',
    key: 'EC',
    kind: 'ecdsa',
    hash: 'SHA-1',
    parameters: 'absent',
    xmlUri: `${MORE}ecdsa-sha1`,
  },
  {
    oid: '1.2.840.10045.4.3.2',
    name: 'ecdsa-with-SHA256',
    key: 'EC',
    kind: 'ecdsa',
    hash: 'SHA-256',
    parameters: 'absent',
    xmlUri: `${MORE}ecdsa-sha256`,
    jose: 'ES256',
  },
  {
    oid: '1.2.840.10045.4.3.3',
    name: 'ecdsa-with-SHA384',
    key: 'EC',
    kind: 'ecdsa',
    hash: 'SHA-384',
    parameters: 'absent',
    xmlUri: `${MORE}ecdsa-sha384`,
    jose: 'ES384',
  },
  {
    oid: '1.2.840.10045.4.3.4',
    name: 'ecdsa-with-SHA512',
    key: 'EC',
    kind: 'ecdsa',
    hash: 'SHA-512',
    parameters: 'absent',
    xmlUri: `${MORE}ecdsa-sha512`,
    jose: 'ES512',
  },
];

export interface NamedCurve {
  /** The WebCrypto / JOSE "crv" name. */
  readonly name: 'P-256' | 'P-384' | 'P-521';
  readonly oid: string;
  /** Bytes of one coordinate (and of r and s in an IEEE P1363 signature). */
  readonly size: number;
}

export const NAMED_CURVES: readonly NamedCurve[] = [
  { name: 'P-256', oid: '1.2.840.10045.3.1.7', size: 32 },
  { name: 'P-384', oid: '1.3.132.0.34', size: 48 },
  { name: 'P-521', oid: '1.3.132.0.35', size: 66 },
];

function index<T, K extends string>(rows: readonly T[], key: (row: T) => K | undefined): ReadonlyMap<K, T> {
  const map = new Map<K, T>();
  for (const row of rows) {
    const k = key(row);
    if (k !== undefined) map.set(k, row);
  }
  return map;
}

const DIGEST_BY_OID_MAP = index(DIGEST_ALGORITHMS, (d) => d.oid);
const DIGEST_BY_NAME_MAP = index(DIGEST_ALGORITHMS, (d) => d.name);
const DIGEST_BY_XML_MAP = index(DIGEST_ALGORITHMS, (d) => d.xmlUri);
const SIGNATURE_BY_OID_MAP = index(SIGNATURE_ALGORITHMS, (s) => s.oid);
const SIGNATURE_BY_XML_MAP = index(SIGNATURE_ALGORITHMS, (s) => s.xmlUri);
// The OID written for a key type and a hash: the row that fixes both (not rsaEncryption, not PSS).
const SIGNATURE_BY_KEY_HASH = index(SIGNATURE_ALGORITHMS, (s) =>
  s.hash && s.kind !== 'pss' ? `${s.key}/${s.hash}` : undefined,
);
const CURVE_BY_OID_MAP = index(NAMED_CURVES, (c) => c.oid);
const CURVE_BY_NAME_MAP = index(NAMED_CURVES, (c) => c.name);

export const digestByOid = (oid: string): DigestAlgorithm | undefined => DIGEST_BY_OID_MAP.get(oid);
export const digestByXmlUri = (uri: string): DigestAlgorithm | undefined => DIGEST_BY_XML_MAP.get(uri);
export const signatureByOid = (oid: string): SignatureAlgorithm | undefined => SIGNATURE_BY_OID_MAP.get(oid);
export const signatureByXmlUri = (uri: string): SignatureAlgorithm | undefined =>
  SIGNATURE_BY_XML_MAP.get(uri);
export const curveByOid = (oid: string): NamedCurve | undefined => CURVE_BY_OID_MAP.get(oid);

export function digestAlgorithm(name: DigestName): DigestAlgorithm {
  return DIGEST_BY_NAME_MAP.get(name)!;
}

export function namedCurve(name: NamedCurve['name']): NamedCurve {
  return CURVE_BY_NAME_MAP.get(name)!;
}

/** The algorithm row a signer writes for `key` and `hash` (sha*WithRSAEncryption, ecdsa-with-SHA*). */
export function signatureAlgorithmFor(key: KeyType, hash: DigestName): SignatureAlgorithm {
  const row = SIGNATURE_BY_KEY_HASH.get(`${key}/${hash}`);
  if (!row) throw coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', `No ${key} signature algorithm with ${hash}.`);
  return row;
}

/** The key type of a SubjectPublicKeyInfo algorithm OID, or undefined for one shomei does not verify with. */
export function keyTypeOf(keyOid: string): KeyType | undefined {
  if (keyOid === KEY_ALGORITHM.rsaEncryption) return 'RSA';
  if (keyOid === KEY_ALGORITHM.ecPublicKey) return 'EC';
  return undefined;
}

/** Whether `hash` is a digest shomei hashes with (the SHA family); MD5 is only ever named. */
export function isHashAlgorithmName(value: unknown): value is HashAlgorithmName {
  return typeof value === 'string' && value !== 'MD5' && DIGEST_BY_NAME_MAP.has(value as DigestName);
}

/**
 * Whether `name` is a digest of `strong` strength (the SHA-2 family): what document timestamps and
 * long-term evidence are required to use, whatever the SHA-1 policy.
 */
export function isStrongDigest(name: string): name is HashAlgorithmName {
  return DIGEST_BY_NAME_MAP.get(name as DigestName)?.strength === 'strong';
}

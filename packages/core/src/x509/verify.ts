/**
 * The one signature check of core: the algorithm policy first (weak hashes), then the key type, then
 * the context's backend (WebCrypto by default, design.md §5), with WebCrypto deciding when the
 * backend cannot load a key.
 */
import { children, contentsOf, readOid, readRoot, readSmallInteger } from '../der/reader.js';
import { coreError } from '../errors.js';
import type { AlgorithmIdentifier } from './certificate.js';
import { defaultContext, type ShomeiContext } from './context.js';
import { readSpkiInfo, type SpkiInfo } from './crypto-backend.js';
import { ALG_OID } from './oids.js';

type Hash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** How a signature is checked: the padding or curve family and the hash. */
export type SignatureScheme = Scheme;

type Scheme =
  | { kind: 'rsa'; hash: Hash }
  | { kind: 'pss'; hash: Hash; saltLength: number }
  | { kind: 'ecdsa'; hash: Hash };

const HASH_BY_OID: Readonly<Record<string, Hash>> = {
  [ALG_OID.sha1]: 'SHA-1',
  [ALG_OID.sha256]: 'SHA-256',
  [ALG_OID.sha384]: 'SHA-384',
  [ALG_OID.sha512]: 'SHA-512',
};

const SCHEMES: Readonly<Record<string, Scheme>> = {
  [ALG_OID.sha1WithRSA]: { kind: 'rsa', hash: 'SHA-1' },
  [ALG_OID.sha256WithRSA]: { kind: 'rsa', hash: 'SHA-256' },
  [ALG_OID.sha384WithRSA]: { kind: 'rsa', hash: 'SHA-384' },
  [ALG_OID.sha512WithRSA]: { kind: 'rsa', hash: 'SHA-512' },
  [ALG_OID.ecdsaWithSHA256]: { kind: 'ecdsa', hash: 'SHA-256' },
  [ALG_OID.ecdsaWithSHA384]: { kind: 'ecdsa', hash: 'SHA-384' },
  [ALG_OID.ecdsaWithSHA512]: { kind: 'ecdsa', hash: 'SHA-512' },
};

const unsupported = (detail: string) =>
  coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', `Unsupported signature algorithm: ${detail}.`);

/** RSASSA-PSS-params (RFC 4055 §3.1): hash and salt length; MGF1 must use the same hash. */
function pssScheme(params: Uint8Array | undefined): Scheme {
  let hash: Hash = 'SHA-1';
  let saltLength = 20;
  if (params) {
    const r = readRoot(params);
    for (const c of children(params, r)) {
      const [inner] = children(params, c);
      if (!inner) continue;
      if (c.tag === 0xa0) {
        const [o] = children(params, inner);
        const h = o && HASH_BY_OID[readOid(params, o)];
        if (!h) throw unsupported('RSASSA-PSS hash');
        hash = h;
      } else if (c.tag === 0xa2) saltLength = readSmallInteger(params, inner);
    }
  }
  return { kind: 'pss', hash, saltLength };
}

export function signatureScheme(alg: AlgorithmIdentifier): Scheme {
  const known = SCHEMES[alg.oid];
  if (known) return known;
  if (alg.oid === ALG_OID.rsassaPss) return pssScheme(alg.params);
  const s = SCHEMES[alg.oid];
  if (!s) throw unsupported(alg.oid);
  return s;
}

/** The algorithm policy for certificate, CRL, OCSP and timestamp signatures. */
export interface SignaturePolicy {
  /** Accept SHA-1 based signatures (legacy archives). Default false. MD5 and MD2 are never accepted. */
  readonly allowSha1?: boolean;
}

// md2WithRSAEncryption, md5WithRSAEncryption: broken, refused whatever the policy.
const BROKEN = new Set(['1.2.840.113549.1.1.2', '1.2.840.113549.1.1.4']);
// ecdsa-with-SHA1 (RSA PKCS#1 and PSS with SHA-1 are found through their scheme; DSA is unsupported).
const SHA1_ONLY = new Set(['1.2.840.10045.4.1']);

/**
 * The weak hash an algorithm signs with, when it is refused under `policy` (SHA-1 unless allowed,
 * MD5/MD2 always; RSASSA-PSS without parameters defaults to SHA-1, RFC 4055 §3.1); undefined if fine.
 */
export function weakSignatureHash(
  algorithm: AlgorithmIdentifier,
  policy: SignaturePolicy = {},
): 'MD5' | 'SHA-1' | undefined {
  if (BROKEN.has(algorithm.oid)) return 'MD5';
  let sha1 = SHA1_ONLY.has(algorithm.oid);
  if (!sha1) {
    try {
      sha1 = signatureScheme(algorithm).hash === 'SHA-1';
    } catch {
      return undefined;
    }
  }
  return sha1 && !policy.allowSha1 ? 'SHA-1' : undefined;
}

/**
 * Verifies `signature` over `data` with the key in `spki` under `algorithm`. Returns false for a
 * signature that does not verify (including a malformed one); throws `SIGNATURE_ALGORITHM_WEAK` when
 * the policy refuses the hash (SHA-1 by default, MD5 always) and `SIGNATURE_ALGORITHM_UNSUPPORTED`
 * when the algorithm or key type is not supported or the key does not fit the algorithm.
 */
export async function verifySignature(
  spki: Uint8Array,
  algorithm: AlgorithmIdentifier,
  signature: Uint8Array,
  data: Uint8Array,
  policy: SignaturePolicy = {},
  context: ShomeiContext = defaultContext,
): Promise<boolean> {
  const weak = weakSignatureHash(algorithm, policy);
  if (weak) {
    throw coreError(
      'SIGNATURE_ALGORITHM_WEAK',
      `The signature uses ${weak} (${algorithm.oid}), which the algorithm policy refuses.`,
      { details: { algorithm: algorithm.oid } },
    );
  }
  return verifySchemeSignature(spki, signatureScheme(algorithm), signature, data, algorithm.oid, context);
}

/**
 * Verifies with an explicit scheme (CMS names the hash and the key type separately from any
 * signature-algorithm OID), on the context's backend.
 */
export async function verifySchemeSignature(
  spki: Uint8Array,
  scheme: SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  algorithmName: string = `${scheme.kind}-${scheme.hash}`,
  context: ShomeiContext = defaultContext,
): Promise<boolean> {
  let info: SpkiInfo;
  try {
    info = readSpkiInfo(spki);
  } catch (cause) {
    throw coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', 'The public key cannot be read.', { cause });
  }
  const expectedKey = scheme.kind === 'ecdsa' ? ALG_OID.ecPublicKey : ALG_OID.rsaEncryption;
  if (info.keyOid !== expectedKey && !(scheme.kind === 'pss' && info.keyOid === ALG_OID.rsassaPss)) {
    throw unsupported(`${algorithmName} with a ${info.keyOid} key`);
  }
  const verdict = await context.crypto.verify(spki, scheme, signature, data);
  if (verdict !== undefined) return verdict;
  return (await context.fallbackCrypto.verify(spki, scheme, signature, data)) ?? false;
}

/** The bits of contentsOf re-exported for callers that need the raw key. */
export const spkiKeyBytes = (spki: Uint8Array): Uint8Array => {
  const r = readRoot(spki);
  const [, bits] = children(spki, r);
  return contentsOf(spki, bits!).subarray(1);
};

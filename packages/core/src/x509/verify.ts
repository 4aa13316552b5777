/**
 * Signature verification with the platform's WebCrypto (design.md §5: `globalThis.crypto.subtle`;
 * @peculiar/webcrypto only where none exists). Imported keys are cached by SPKI bytes and hash, so a
 * CA key is imported once however many certificates, CRLs and OCSP responses it signed.
 */
import { toHex } from '../der/bytes.js';
import { children, contentsOf, readOid, readRoot, readSmallInteger } from '../der/reader.js';
import { coreError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import {
  curveByOid,
  digestByOid,
  KEY_ALGORITHM,
  type NamedCurve,
  type SignatureScheme,
  signatureByOid,
} from './algorithms.js';
import type { AlgorithmIdentifier } from './certificate.js';
import { ecdsaDerToRaw } from './ecdsa-signature.js';

type Scheme = SignatureScheme;

export type { SignatureScheme } from './algorithms.js';

const unsupported = (detail: string) =>
  coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', `Unsupported signature algorithm: ${detail}.`);

/** RSASSA-PSS-params (RFC 4055 §3.1): hash and salt length; MGF1 must use the same hash. */
function pssScheme(params: Uint8Array | undefined): Scheme {
  let hash: HashAlgorithmName = 'SHA-1';
  let saltLength = 20;
  if (params) {
    const r = readRoot(params);
    for (const c of children(params, r)) {
      const [inner] = children(params, c);
      if (!inner) continue;
      if (c.tag === 0xa0) {
        const [o] = children(params, inner);
        const h = o && digestByOid(readOid(params, o));
        if (!h || h.strength === 'broken') throw unsupported('RSASSA-PSS hash');
        hash = h.name as HashAlgorithmName;
      } else if (c.tag === 0xa2) saltLength = readSmallInteger(params, inner);
    }
  }
  return { kind: 'pss', hash, saltLength };
}

/** The scheme of a signatureAlgorithm that fixes its hash (RFC 5280 §4.1.1.2) or RSASSA-PSS with its parameters. */
export function signatureScheme(alg: AlgorithmIdentifier): Scheme {
  const row = signatureByOid(alg.oid);
  if (row?.kind === 'pss') return pssScheme(alg.params);
  if (!row?.hash || row.broken) throw unsupported(alg.oid);
  const hash = row.hash as HashAlgorithmName;
  return row.kind === 'ecdsa' ? { kind: 'ecdsa', hash } : { kind: 'rsa', hash };
}

interface SpkiInfo {
  keyOid: string;
  curve?: NamedCurve;
}

const spkiInfoCache = new WeakMap<Uint8Array, SpkiInfo>();

function spkiInfo(spki: Uint8Array): SpkiInfo {
  const known = spkiInfoCache.get(spki);
  if (known) return known;
  const info = readSpkiInfo(spki);
  spkiInfoCache.set(spki, info);
  return info;
}

function readSpkiInfo(spki: Uint8Array): SpkiInfo {
  const r = readRoot(spki);
  const [algT] = children(spki, r);
  if (!algT) throw coreError('DER_MALFORMED', 'SubjectPublicKeyInfo without algorithm.');
  const [o, p] = children(spki, algT);
  const keyOid = readOid(spki, o!);
  if (keyOid === KEY_ALGORITHM.ecPublicKey) {
    const curve = p && p.tag === 0x06 ? curveByOid(readOid(spki, p)) : undefined;
    if (!curve) throw unsupported('EC curve');
    return { keyOid, curve };
  }
  return { keyOid };
}

const keyCache = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_LIMIT = 512;

function importKey(spki: Uint8Array, scheme: Scheme, info: SpkiInfo): Promise<CryptoKey> {
  const id = `${scheme.kind}:${scheme.hash}:${toHex(spki)}`;
  let p = keyCache.get(id);
  if (!p) {
    const algorithm =
      scheme.kind === 'ecdsa'
        ? { name: 'ECDSA', namedCurve: info.curve!.name }
        : { name: scheme.kind === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash: scheme.hash };
    p = globalThis.crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, algorithm, false, [
      'verify',
    ]);
    p.catch(() => keyCache.delete(id));
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(id, p);
  }
  return p;
}

/** DER Ecdsa-Sig-Value → IEEE P1363 r‖s as WebCrypto expects; undefined when malformed (a bad signature). */
function ecdsaRaw(sig: Uint8Array, size: number): Uint8Array | undefined {
  try {
    return ecdsaDerToRaw(sig, size);
  } catch {
    return undefined;
  }
}

/** A pluggable verifier (e.g. node:crypto via `useNodeCrypto()` from `@shomei/core/node`). */
export interface SignatureBackend {
  /** Returns the verdict, or undefined to fall back to WebCrypto for this call. */
  verify(
    spki: Uint8Array,
    scheme: { kind: 'rsa' | 'pss' | 'ecdsa'; hash: string; saltLength?: number },
    signature: Uint8Array,
    data: Uint8Array,
  ): Promise<boolean | undefined>;
}

let backend: SignatureBackend | undefined;

/** Installs (or with undefined removes) a signature backend used before WebCrypto. */
export function setSignatureBackend(b: SignatureBackend | undefined): void {
  backend = b;
}

/** The algorithm policy for certificate, CRL, OCSP and timestamp signatures. */
export interface SignaturePolicy {
  /** Accept SHA-1 based signatures (legacy archives). Default false. MD5 and MD2 are never accepted. */
  readonly allowSha1?: boolean;
}

/**
 * The weak hash an algorithm signs with, when it is refused under `policy` (SHA-1 unless allowed,
 * MD5/MD2 always; RSASSA-PSS without parameters defaults to SHA-1, RFC 4055 §3.1); undefined if fine.
 */
export function weakSignatureHash(
  algorithm: AlgorithmIdentifier,
  policy: SignaturePolicy = {},
): 'MD5' | 'SHA-1' | undefined {
  const row = signatureByOid(algorithm.oid);
  if (row?.broken) return 'MD5';
  let sha1 = row?.hash === 'SHA-1';
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
 * The one signature check of core. Verifies `signature` over `data` with the key in `spki` under
 * `algorithm`: an AlgorithmIdentifier that fixes its hash (certificates, CRLs, OCSP, timestamps;
 * RFC 5280 §4.1.1.2), or an explicit scheme where the format names the hash and the key type
 * apart from any signature OID (a CMS SignerInfo, RFC 5652 §5.3; an XML SignatureMethod).
 *
 * Returns false for a signature that does not verify (including a malformed one); throws
 * `SIGNATURE_ALGORITHM_WEAK` when `policy` refuses the hash (SHA-1 by default, MD5 always) and
 * `SIGNATURE_ALGORITHM_UNSUPPORTED` when the algorithm or key type is not supported or the key does
 * not fit the algorithm. The backend installed by `useNodeCrypto()` is used first, then WebCrypto.
 */
export async function verifySignature(
  spki: Uint8Array,
  algorithm: AlgorithmIdentifier | SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  policy: SignaturePolicy = {},
): Promise<boolean> {
  if (!('oid' in algorithm)) {
    if (algorithm.hash === 'SHA-1' && !policy.allowSha1) {
      throw coreError(
        'SIGNATURE_ALGORITHM_WEAK',
        `The signature uses SHA-1 (${algorithm.kind}), which the algorithm policy refuses.`,
        { details: { algorithm: `${algorithm.kind}-${algorithm.hash}` } },
      );
    }
    return verifyWithScheme(spki, algorithm, signature, data, `${algorithm.kind}-${algorithm.hash}`);
  }
  const weak = weakSignatureHash(algorithm, policy);
  if (weak) {
    throw coreError(
      'SIGNATURE_ALGORITHM_WEAK',
      `The signature uses ${weak} (${algorithm.oid}), which the algorithm policy refuses.`,
      { details: { algorithm: algorithm.oid } },
    );
  }
  return verifyWithScheme(spki, signatureScheme(algorithm), signature, data, algorithm.oid);
}

/**
 * @deprecated Use `verifySignature(spki, scheme, signature, data, policy)`. Kept for callers of the
 * earlier API; it applies no hash policy (the caller's own policy check ran before it).
 */
export function verifySchemeSignature(
  spki: Uint8Array,
  scheme: SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  algorithmName: string = `${scheme.kind}-${scheme.hash}`,
): Promise<boolean> {
  return verifyWithScheme(spki, scheme, signature, data, algorithmName);
}

async function verifyWithScheme(
  spki: Uint8Array,
  scheme: SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  algorithmName: string,
): Promise<boolean> {
  let info: SpkiInfo;
  try {
    info = spkiInfo(spki);
  } catch (cause) {
    throw coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', 'The public key cannot be read.', { cause });
  }
  const expectedKey = scheme.kind === 'ecdsa' ? KEY_ALGORITHM.ecPublicKey : KEY_ALGORITHM.rsaEncryption;
  if (info.keyOid !== expectedKey && !(scheme.kind === 'pss' && info.keyOid === KEY_ALGORITHM.rsassaPss)) {
    throw unsupported(`${algorithmName} with a ${info.keyOid} key`);
  }
  if (backend) {
    const verdict = await backend.verify(spki, scheme, signature, data);
    if (verdict !== undefined) return verdict;
  }
  let key: CryptoKey;
  try {
    key = await importKey(spki, scheme, info);
  } catch (cause) {
    throw coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', 'The public key cannot be imported.', { cause });
  }
  let sig: Uint8Array | undefined = signature;
  let params: RsaPssParams | EcdsaParams | string;
  if (scheme.kind === 'ecdsa') {
    sig = ecdsaRaw(signature, info.curve!.size);
    if (!sig) return false;
    params = { name: 'ECDSA', hash: scheme.hash };
  } else if (scheme.kind === 'pss') params = { name: 'RSA-PSS', saltLength: scheme.saltLength };
  else params = 'RSASSA-PKCS1-v1_5';
  return globalThis.crypto.subtle.verify(
    params,
    key,
    sig as Uint8Array<ArrayBuffer>,
    data as Uint8Array<ArrayBuffer>,
  );
}

/** The bits of contentsOf re-exported for callers that need the raw key. */
export const spkiKeyBytes = (spki: Uint8Array): Uint8Array => {
  const r = readRoot(spki);
  const [, bits] = children(spki, r);
  return contentsOf(spki, bits!).subarray(1);
};

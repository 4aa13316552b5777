/**
 * Signature verification with the platform WebCrypto (design.md §5: ~13,000/s sequential against
 * ~6,000/s for @peculiar/webcrypto). Imported keys are cached per parsed certificate and hash, since
 * parsed certificates are themselves cached by their bytes.
 */

import { readOid, readRoot } from '../der/reader.js';
import { coreError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import type { Certificate } from '../x509/certificate.js';
import { ecdsaDerToRaw } from './ecdsa.js';
import { subtleCrypto } from './hasher.js';
import { CURVE_OID, SIGNATURE_OID } from './oids.js';

interface VerifyKey {
  readonly key: CryptoKey;
  readonly params: AlgorithmIdentifier | EcdsaParams;
  /** For ECDSA: the byte length of r and s. */
  readonly ecSize?: number;
}

const EC_SIZE: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

const cache = new WeakMap<Certificate, Map<string, Promise<VerifyKey>>>();

async function importKey(cert: Certificate, hash: HashAlgorithmName): Promise<VerifyKey> {
  const subtle = subtleCrypto();
  const spki = cert.spki as Uint8Array<ArrayBuffer>;
  const alg = cert.publicKeyAlgorithm.oid;
  if (alg === SIGNATURE_OID.rsaEncryption) {
    const key = await subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
    return { key, params: { name: 'RSASSA-PKCS1-v1_5' } };
  }
  if (alg === SIGNATURE_OID.ecPublicKey && cert.publicKeyAlgorithm.params) {
    const p = cert.publicKeyAlgorithm.params;
    const curveOid = readOid(p, readRoot(p));
    const curve = Object.entries(CURVE_OID).find(([, v]) => v === curveOid)?.[0];
    if (curve) {
      const key = await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: curve }, false, [
        'verify',
      ]);
      return { key, params: { name: 'ECDSA', hash }, ecSize: EC_SIZE[curve]! };
    }
  }
  throw coreError(
    'CMS_ALGORITHM_UNSUPPORTED',
    `The signer's public key (${alg}) is not supported: shomei verifies RSA and ECDSA P-256/384/521.`,
  );
}

/** The WebCrypto key for a certificate and hash, imported once. */
export function verifyKey(cert: Certificate, hash: HashAlgorithmName): Promise<VerifyKey> {
  let byHash = cache.get(cert);
  if (!byHash) {
    byHash = new Map();
    cache.set(cert, byHash);
  }
  let p = byHash.get(hash);
  if (!p) {
    p = importKey(cert, hash);
    byHash.set(hash, p);
    // A failed import must not stay cached.
    p.catch(() => byHash.delete(hash));
  }
  return p;
}

/** Checks a SignerInfo signature: true when `signature` over `data` verifies with the certificate's key. */
export type SignatureVerifier = (
  cert: Certificate,
  hash: HashAlgorithmName,
  signature: Uint8Array,
  data: Uint8Array,
) => Promise<boolean> | boolean;

/** True when `signature` over `data` verifies with the certificate's key (WebCrypto). */
export async function verifySignature(
  cert: Certificate,
  hash: HashAlgorithmName,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const k = await verifyKey(cert, hash);
  let sig = signature;
  if (k.ecSize) {
    try {
      sig = ecdsaDerToRaw(signature, k.ecSize);
    } catch {
      return false;
    }
  }
  return subtleCrypto().verify(
    k.params,
    k.key,
    sig as Uint8Array<ArrayBuffer>,
    data as Uint8Array<ArrayBuffer>,
  );
}

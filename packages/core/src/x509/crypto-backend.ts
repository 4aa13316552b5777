/**
 * Signature backends: how a signature is checked once the algorithm policy has accepted it. The
 * default is the platform's WebCrypto (design.md §5: `globalThis.crypto.subtle`); `@shomei/core/node`
 * offers node:crypto. A backend owns its imported-key cache, so a context's keys go with it.
 */
import { bytesEqual } from '../der/bytes.js';
import { children, readOid, readRoot } from '../der/reader.js';
import { coreError } from '../errors.js';
import { curveByOid, KEY_ALGORITHM } from './algorithms.js';
import { contentKey } from './content-key.js';
import { ecdsaDerToRaw } from './ecdsa-signature.js';

/** The scheme a backend is asked to check: padding or curve family, hash, PSS salt length. */
export interface BackendScheme {
  readonly kind: 'rsa' | 'pss' | 'ecdsa';
  readonly hash: string;
  readonly saltLength?: number;
}

/** A pluggable signature checker (WebCrypto by default; node:crypto from `@shomei/core/node`). */
export interface SignatureBackend {
  /**
   * The verdict for `signature` over `data` with the key in `spki`, or undefined when this backend
   * cannot load the key (the context's WebCrypto backend then decides).
   */
  verify(
    spki: Uint8Array,
    scheme: BackendScheme,
    signature: Uint8Array,
    data: Uint8Array,
  ): Promise<boolean | undefined>;
  /** Drops cached keys (ShomeiContext.clear). */
  clear?(): void;
}

export interface SpkiInfo {
  readonly keyOid: string;
  readonly curve?: { readonly name: string; readonly size: number };
}

/** The key algorithm (and named curve) of a SubjectPublicKeyInfo. */
export function readSpkiInfo(spki: Uint8Array): SpkiInfo {
  const r = readRoot(spki);
  const [algT] = children(spki, r);
  if (!algT) throw coreError('DER_MALFORMED', 'SubjectPublicKeyInfo without algorithm.');
  const [o, p] = children(spki, algT);
  const keyOid = readOid(spki, o!);
  if (keyOid === KEY_ALGORITHM.ecPublicKey) {
    const curve = p && p.tag === 0x06 ? curveByOid(readOid(spki, p)) : undefined;
    if (!curve)
      throw coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', 'Unsupported signature algorithm: EC curve.');
    return { keyOid, curve };
  }
  return { keyOid };
}

const KEY_CACHE_LIMIT = 512;

interface ImportedKey {
  /** The private copy of the SPKI the key was imported from. */
  readonly spki: Uint8Array;
  readonly imported: Promise<{ key: CryptoKey; curveSize: number }>;
}

async function importCopy(
  copy: Uint8Array<ArrayBuffer>,
  scheme: BackendScheme,
): Promise<{ key: CryptoKey; curveSize: number }> {
  const info = readSpkiInfo(copy);
  const algorithm =
    scheme.kind === 'ecdsa'
      ? { name: 'ECDSA', namedCurve: info.curve!.name }
      : { name: scheme.kind === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash: scheme.hash };
  const key = await globalThis.crypto.subtle.importKey('spki', copy, algorithm, false, ['verify']);
  return { key, curveSize: info.curve?.size ?? 0 };
}

/**
 * A WebCrypto backend with its own cache of imported keys, by SPKI bytes and scheme, so a CA key is
 * imported once however many certificates, CRLs and OCSP responses it signed.
 */
export function webCryptoBackend(): SignatureBackend {
  // Found by a cheap content key (no hex of the whole SPKI per verify), a hit confirmed against the
  // private copy the key was imported from.
  const keys = new Map<string, ImportedKey>();
  const importKey = (spki: Uint8Array, scheme: BackendScheme) => {
    const id = `${scheme.kind}:${scheme.hash}:${contentKey(spki)}`;
    const hit = keys.get(id);
    if (hit && bytesEqual(hit.spki, spki)) return hit.imported;
    const copy = new Uint8Array(spki);
    const entry: ImportedKey = { spki: copy, imported: importCopy(copy, scheme) };
    entry.imported.catch(() => {
      if (keys.get(id) === entry) keys.delete(id);
    });
    if (!hit && keys.size >= KEY_CACHE_LIMIT) keys.delete(keys.keys().next().value as string);
    keys.set(id, entry);
    return entry.imported;
  };
  return {
    async verify(spki, scheme, signature, data) {
      let imported: { key: CryptoKey; curveSize: number };
      try {
        imported = await importKey(spki, scheme);
      } catch (cause) {
        throw coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', 'The public key cannot be imported.', { cause });
      }
      let sig: Uint8Array = signature;
      let params: RsaPssParams | EcdsaParams | string;
      if (scheme.kind === 'ecdsa') {
        // DER Ecdsa-Sig-Value → IEEE P1363 r‖s as WebCrypto expects; malformed is a bad signature.
        try {
          sig = ecdsaDerToRaw(signature, imported.curveSize);
        } catch {
          return false;
        }
        params = { name: 'ECDSA', hash: scheme.hash };
      } else if (scheme.kind === 'pss') params = { name: 'RSA-PSS', saltLength: scheme.saltLength ?? 20 };
      else params = 'RSASSA-PKCS1-v1_5';
      return globalThis.crypto.subtle.verify(
        params,
        imported.key,
        sig as Uint8Array<ArrayBuffer>,
        data as Uint8Array<ArrayBuffer>,
      );
    },
    clear() {
      keys.clear();
    },
  };
}

/**
 * Incremental hashing in constant memory. WebCrypto has no streaming digest, so the browser-safe
 * default uses @noble/hashes for streams; `@shomei/core/node` supplies a `node:crypto` factory, which
 * runs at OpenSSL speed.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { coreError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';

export interface IncrementalHash {
  /** Feeds a chunk. The chunk may be reused by the caller as soon as this returns. */
  update(chunk: Uint8Array): void;
  digest(): Promise<Uint8Array> | Uint8Array;
}

export type HashFactory = ((hash: HashAlgorithmName) => IncrementalHash) & {
  /** Optional one-shot digest for bytes already in memory (skips the incremental state). */
  digestOnce?: (hash: HashAlgorithmName, bytes: Uint8Array) => Uint8Array;
};

const NOBLE = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;

/** Pure-TypeScript incremental SHA-1/SHA-2, usable everywhere. */
export const portableHashFactory: HashFactory = (hash) => {
  const h = NOBLE[hash]?.create();
  if (!h) throw coreError('CMS_ALGORITHM_UNSUPPORTED', `Hash ${String(hash)} is not supported.`);
  return {
    update: (chunk) => {
      h.update(chunk);
    },
    digest: () => h.digest(),
  };
};

/** The platform WebCrypto, or an actionable error when the runtime has none. */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw coreError(
      'CRYPTO_UNAVAILABLE',
      'This runtime has no WebCrypto (globalThis.crypto.subtle): use Node 20+, a modern browser, or a secure (https) page.',
    );
  }
  return subtle;
}

/** One-shot digest of bytes already in memory (WebCrypto: native speed, no copy into JS state). */
export async function digestBytes(hash: HashAlgorithmName, bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtleCrypto().digest(hash, bytes as Uint8Array<ArrayBuffer>));
}

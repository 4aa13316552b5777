/**
 * Digests for references. Small inputs (most references, SignedInfo) are hashed synchronously in
 * TypeScript: a WebCrypto digest costs a thread-pool round trip that dwarfs hashing a few KiB.
 * Large inputs go to WebCrypto (native speed), or to the caller's hasher (node:crypto from
 * `@shomei/core/node`).
 */
import { digestBytes, type HashFactory, portableHashFactory } from '../cms/hasher.js';
import type { HashAlgorithmName } from '../signer.js';

const SMALL = 1 << 16;

export async function xmlDigest(
  hash: HashAlgorithmName,
  bytes: Uint8Array,
  hasher?: HashFactory,
): Promise<Uint8Array> {
  if (hasher?.digestOnce) return hasher.digestOnce(hash, bytes);
  if (bytes.length <= SMALL) {
    const h = portableHashFactory(hash);
    h.update(bytes);
    return h.digest();
  }
  return digestBytes(hash, bytes);
}

/** Helpers on bytes shared by augmentation and validation. */
import { type ContentInput, contentChunks } from '../cms/content.js';
import { digestBytes, type HashFactory } from '../cms/hasher.js';
import { concatBytes } from '../der/writer.js';
import type { HashAlgorithmName } from '../signer.js';

/** The whole content in memory (the archive timestamp hashes it once more beside the signature). */
export async function readContent(input: ContentInput): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  const parts: Uint8Array[] = [];
  for await (const c of contentChunks(input)) parts.push(c);
  return concatBytes(...parts);
}

/**
 * A one-shot digest with the caller's hasher when there is one (the Node entry's is synchronous
 * node:crypto), else WebCrypto: the hash index and imprints hash many small items per validation,
 * where a thread-pool round trip per item costs more than the hashing.
 */
export async function digestWith(
  hasher: HashFactory | undefined,
  hash: HashAlgorithmName,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  if (!hasher) return digestBytes(hash, bytes);
  if (hasher.digestOnce) return hasher.digestOnce(hash, bytes);
  const h = hasher(hash);
  h.update(bytes);
  return h.digest();
}

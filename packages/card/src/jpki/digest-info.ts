/**
 * The DigestInfo COMPUTE DIGITAL SIGNATURE takes (the card adds the PKCS#1 v1.5 padding, spec §3.1,
 * §3.2): core's encoder, behind the card API's argument checks.
 */
import {
  digestAlgorithm,
  digestInfo as encodeDigestInfo,
  type HashAlgorithmName,
  isHashAlgorithmName,
} from '@shomei/core';
import { cardError } from '../errors.js';

export { isHashAlgorithmName };

/** Digest length in bytes, from core's algorithm table. */
export const digestLength = (hash: HashAlgorithmName): number => digestAlgorithm(hash).length;

export function digestInfo(hash: HashAlgorithmName, digest: Uint8Array): Uint8Array {
  if (!isHashAlgorithmName(hash)) {
    throw cardError('INPUT_INVALID', 'The hash must be one of SHA-1, SHA-256, SHA-384, SHA-512.');
  }
  if (!(digest instanceof Uint8Array) || digest.length !== digestLength(hash)) {
    throw cardError('INPUT_INVALID', `A ${hash} digest has ${digestLength(hash)} bytes.`);
  }
  return encodeDigestInfo(hash, digest);
}

/** Hashes with the platform's WebCrypto (Node ≥ 20 and browsers). */
export async function hashData(hash: HashAlgorithmName, data: Uint8Array): Promise<Uint8Array> {
  if (!isHashAlgorithmName(hash)) {
    throw cardError('INPUT_INVALID', 'The hash must be one of SHA-1, SHA-256, SHA-384, SHA-512.');
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest(hash, data as Uint8Array<ArrayBuffer>));
}

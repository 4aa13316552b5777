/**
 * The DigestInfo COMPUTE DIGITAL SIGNATURE takes (the card adds the PKCS#1 v1.5 padding, spec §3.1,
 * §3.2): core's encoder, behind the card API's argument checks.
 */
import { digestInfo as encodeDigestInfo, type HashAlgorithmName } from '@shomei/core';
import { cardError } from '../errors.js';

export const DIGEST_LENGTH: Readonly<Record<HashAlgorithmName, number>> = {
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
};

export function isHashAlgorithmName(value: unknown): value is HashAlgorithmName {
  return typeof value === 'string' && Object.hasOwn(DIGEST_LENGTH, value);
}

export function digestInfo(hash: HashAlgorithmName, digest: Uint8Array): Uint8Array {
  if (!isHashAlgorithmName(hash)) {
    throw cardError('INPUT_INVALID', 'The hash must be one of SHA-1, SHA-256, SHA-384, SHA-512.');
  }
  if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_LENGTH[hash]) {
    throw cardError('INPUT_INVALID', `A ${hash} digest has ${DIGEST_LENGTH[hash]} bytes.`);
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

/** What `JpkiCard.sign` accepts, turned into the DER DigestInfo the card signs (spec §3.2). */
import type { HashAlgorithmName } from '@shomei/core';
import { cardError } from '../errors.js';
import { DIGEST_LENGTH, digestInfo, hashData, isHashAlgorithmName } from './digest-info.js';

export type SignInput =
  | { digest: Uint8Array; hash: HashAlgorithmName }
  | { data: Uint8Array; hash?: HashAlgorithmName };

/** A digest is checked synchronously (errors before anything is queued); data is hashed asynchronously. */
export function prepareDigestInfo(input: SignInput): Uint8Array | Promise<Uint8Array> {
  if (typeof input !== 'object' || input === null) {
    throw cardError('INPUT_INVALID', 'sign() takes { digest, hash } or { data, hash? }.');
  }
  if ('digest' in input) return digestInfo(input.hash, input.digest);
  if ('data' in input && input.data instanceof Uint8Array) {
    const hash = input.hash ?? 'SHA-256';
    if (!isHashAlgorithmName(hash)) {
      throw cardError('INPUT_INVALID', 'The hash must be one of SHA-1, SHA-256, SHA-384, SHA-512.');
    }
    return hashData(hash, input.data).then((digest) => digestInfo(hash, digest));
  }
  throw cardError('INPUT_INVALID', 'sign() takes { digest, hash } or { data, hash? }.');
}

/** Accepts only DigestInfos of the hashes in spec §3.2 (what the card is known to sign). */
export function checkDigestInfo(info: Uint8Array): HashAlgorithmName {
  if (info instanceof Uint8Array) {
    for (const hash of Object.keys(DIGEST_LENGTH) as HashAlgorithmName[]) {
      if (!isHashAlgorithmName(hash)) continue;
      const expected = digestInfo(hash, new Uint8Array(DIGEST_LENGTH[hash]));
      const prefix = expected.length - DIGEST_LENGTH[hash];
      if (info.length === expected.length && expected.subarray(0, prefix).every((b, i) => info[i] === b)) {
        return hash;
      }
    }
  }
  throw cardError(
    'INPUT_INVALID',
    'The input is not a DER DigestInfo for SHA-1, SHA-256, SHA-384 or SHA-512 (RFC 8017 §9.2).',
  );
}

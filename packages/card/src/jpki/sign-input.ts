/** What `JpkiCard.sign` accepts, turned into the DER DigestInfo the card signs (spec §3.2). */
import type { HashAlgorithmName } from '@shomei/core';
import { cardError } from '../errors.js';
import { digestInfo, digestLength, hashData, isHashAlgorithmName } from './digest-info.js';

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

const SIGNABLE: readonly HashAlgorithmName[] = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];

/** Whether `info` is a DER DigestInfo (RFC 8017 §9.2) of `hash`: its fixed prefix and the digest length. */
function isDigestInfoOf(info: Uint8Array, hash: HashAlgorithmName): boolean {
  const length = digestLength(hash);
  const expected = digestInfo(hash, new Uint8Array(length));
  const prefix = expected.length - length;
  return info.length === expected.length && expected.subarray(0, prefix).every((b, i) => info[i] === b);
}

/**
 * Accepts only DigestInfos of the hashes in spec §3.2 (what the card is known to sign). The hash is
 * the one the caller names (core's Signer passes it with every call); the bytes are checked against
 * it. Without a named hash (a caller of the card API that has only the DigestInfo) it is recognised
 * from the prefix.
 */
export function checkDigestInfo(info: Uint8Array, hash?: HashAlgorithmName): HashAlgorithmName {
  if (hash !== undefined) {
    if (!isHashAlgorithmName(hash)) {
      throw cardError('INPUT_INVALID', 'The hash must be one of SHA-1, SHA-256, SHA-384, SHA-512.');
    }
    if (info instanceof Uint8Array && isDigestInfoOf(info, hash)) return hash;
    throw cardError(
      'INPUT_INVALID',
      `The input is not a DER DigestInfo of a ${hash} digest (RFC 8017 §9.2).`,
    );
  }
  if (info instanceof Uint8Array) {
    const found = SIGNABLE.find((h) => isDigestInfoOf(info, h));
    if (found) return found;
  }
  throw cardError(
    'INPUT_INVALID',
    'The input is not a DER DigestInfo for SHA-1, SHA-256, SHA-384 or SHA-512 (RFC 8017 §9.2).',
  );
}

/**
 * DER DigestInfo (RFC 8017 §9.2 note 1): the fixed prefix for each hash, then the digest. This is what
 * COMPUTE DIGITAL SIGNATURE takes; the card adds the PKCS#1 v1.5 padding (spec §3.1, §3.2).
 */
import { fromHex, type HashAlgorithmName } from '@shomei/core';
import { cardError } from '../errors.js';

// spec §3.2 (standard PKCS#1 values, RFC 8017 §9.2 note 1).
const PREFIXES: Readonly<Record<HashAlgorithmName, Uint8Array>> = {
  'SHA-1': fromHex('3021300906052b0e03021a05000414'),
  'SHA-256': fromHex('3031300d060960864801650304020105000420'),
  'SHA-384': fromHex('3041300d060960864801650304020205000430'),
  'SHA-512': fromHex('3051300d060960864801650304020305000440'),
};

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
  const prefix = PREFIXES[hash];
  const out = new Uint8Array(prefix.length + digest.length);
  out.set(prefix);
  out.set(digest, prefix.length);
  return out;
}

/** Hashes with the platform's WebCrypto (Node ≥ 20 and browsers). */
export async function hashData(hash: HashAlgorithmName, data: Uint8Array): Promise<Uint8Array> {
  if (!isHashAlgorithmName(hash)) {
    throw cardError('INPUT_INVALID', 'The hash must be one of SHA-1, SHA-256, SHA-384, SHA-512.');
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest(hash, data as Uint8Array<ArrayBuffer>));
}

/**
 * DigestInfo (RFC 8017 §9.2 step 2): what a PKCS#1 v1.5 signature wraps, and what a JPKI card's
 * COMPUTE DIGITAL SIGNATURE expects as its data field (spec/jpki-card.md §3.1, §3.2).
 */

import { DER_NULL, encodeOid, encodeTlv } from '../der/writer.js';
import { coreError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import { DIGEST_LENGTH, DIGEST_OID_BY_NAME } from './algorithms.js';

/**
 * DER `DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }`.
 * The algorithm parameters are NULL, as RFC 8017 §9.2 Note 1 lists them (and as the card traces show).
 */
export function digestInfo(hash: HashAlgorithmName, digest: Uint8Array): Uint8Array {
  const expected = DIGEST_LENGTH[hash];
  if (digest.length !== expected) {
    throw coreError(
      'INPUT_INVALID',
      `A ${hash} digest is ${expected} bytes, got ${digest.length}: pass the hash value, not the data.`,
    );
  }
  return encodeTlv(
    0x30,
    encodeTlv(0x30, encodeOid(DIGEST_OID_BY_NAME[hash]), DER_NULL),
    encodeTlv(0x04, digest),
  );
}

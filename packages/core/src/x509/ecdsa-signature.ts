/**
 * ECDSA signature encodings: WebCrypto speaks IEEE P1363 (r‖s), CMS carries
 * `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 5753 §7.2, RFC 3279 §2.2.3).
 */
import { children, expectTag, readIntegerBytes, readRoot, Tag } from '../der/reader.js';
import { encodeTlv, encodeUnsignedInteger } from '../der/writer.js';
import { coreError } from '../errors.js';

export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw coreError('SIGNER_FAILED', 'The ECDSA signer returned a signature that is not r‖s.');
  }
  const half = raw.length / 2;
  return encodeTlv(
    0x30,
    encodeUnsignedInteger(raw.subarray(0, half)),
    encodeUnsignedInteger(raw.subarray(half)),
  );
}

/** DER Ecdsa-Sig-Value → r‖s with each half `size` bytes (the curve's order length). */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  const seq = expectTag(readRoot(der), Tag.SEQUENCE, 'Ecdsa-Sig-Value');
  const parts = children(der, seq);
  if (parts.length !== 2) throw coreError('DER_MALFORMED', 'Ecdsa-Sig-Value must hold r and s.');
  const out = new Uint8Array(2 * size);
  parts.forEach((tlv, i) => {
    let v = readIntegerBytes(der, tlv);
    if ((v[0]! & 0x80) !== 0) throw coreError('DER_MALFORMED', 'ECDSA r or s is negative.');
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw coreError('DER_MALFORMED', 'ECDSA r or s is too large.');
    out.set(v, (i + 1) * size - v.length);
  });
  return out;
}

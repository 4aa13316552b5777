/** base64url without padding (RFC 4648 §5), the encoding of nonces and login tokens. */
import { fromBase64, toBase64 } from '../der/bytes.js';
import { coreError } from '../errors.js';

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict: only the base64url alphabet, no padding, no whitespace. */
export function fromBase64Url(text: string): Uint8Array {
  if (typeof text !== 'string' || !BASE64URL.test(text) || text.length % 4 === 1) {
    throw coreError('INPUT_INVALID', 'Not valid base64url text.');
  }
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return fromBase64(padded);
}

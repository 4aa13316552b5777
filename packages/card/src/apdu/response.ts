/** Response APDUs: data ‖ SW1 SW2 (ISO/IEC 7816-4 §5.1). */
import { cardError } from '../errors.js';

export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw1: number;
  readonly sw2: number;
  /** SW1 << 8 | SW2 */
  readonly sw: number;
}

export function decodeResponse(bytes: Uint8Array): ResponseApdu {
  if (!(bytes instanceof Uint8Array) || bytes.length < 2) {
    throw cardError(
      'RESPONSE_MALFORMED',
      `The card's response has ${bytes instanceof Uint8Array ? bytes.length : 'no'} bytes; at least the 2 status bytes are required.`,
    );
  }
  const sw1 = bytes[bytes.length - 2]!;
  const sw2 = bytes[bytes.length - 1]!;
  return { data: bytes.slice(0, -2), sw1, sw2, sw: (sw1 << 8) | sw2 };
}

export function encodeResponse(response: { data?: Uint8Array; sw: number }): Uint8Array {
  const data = response.data ?? new Uint8Array(0);
  if (!Number.isInteger(response.sw) || response.sw < 0 || response.sw > 0xffff) {
    throw cardError('APDU_INVALID', `Status word must be 0000..FFFF, got ${String(response.sw)}.`);
  }
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = response.sw >> 8;
  out[data.length + 1] = response.sw & 0xff;
  return out;
}

export const swHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');

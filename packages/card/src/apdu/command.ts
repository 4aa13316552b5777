/**
 * Command APDUs, ISO/IEC 7816-4 §5.1 (cases 1–4, short and extended length) with the byte-level
 * case detection of ISO/IEC 7816-3 §12.1.3. Every field is validated; bad input is a typed error
 * (`APDU_INVALID` when building, `APDU_MALFORMED` when parsing bytes).
 */
import { cardError } from '../errors.js';

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (Nc = data.length, 1..65535). Absent or empty means no Lc field. */
  readonly data?: Uint8Array;
  /** Maximum expected response length Ne, 1..65536 (256 and 65536 are encoded as 00 / 00 00). Absent: no Le. */
  readonly le?: number;
  /** Force extended length fields even when short ones would do. */
  readonly extended?: boolean;
}

export type ApduCase = 1 | 2 | 3 | 4;

export const MAX_SHORT_NC = 255;
export const MAX_SHORT_NE = 256;
export const MAX_EXTENDED_NC = 65535;
export const MAX_EXTENDED_NE = 65536;

const isByte = (x: unknown): x is number =>
  Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0xff;

/** ISO 7816-4 §5.4.1: CLA 'FF' is invalid; §5.4.2: INS '6X' and '9X' are invalid. */
function checkHeader(cla: number, ins: number, fail: (why: string) => never): void {
  if (cla === 0xff) fail("CLA 'FF' is reserved (invalid)");
  if ((ins & 0xf0) === 0x60 || (ins & 0xf0) === 0x90)
    fail(`INS '${hex2(ins)}' is invalid (6X and 9X are reserved)`);
}

const hex2 = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');

export function apduCase(apdu: CommandApdu): ApduCase {
  const hasData = (apdu.data?.length ?? 0) > 0;
  const hasLe = apdu.le !== undefined;
  return hasData ? (hasLe ? 4 : 3) : hasLe ? 2 : 1;
}

/** True when the APDU needs (or asks for) extended length fields. */
export function isExtended(apdu: CommandApdu): boolean {
  return apdu.extended === true || (apdu.data?.length ?? 0) > MAX_SHORT_NC || (apdu.le ?? 0) > MAX_SHORT_NE;
}

export function encodeCommand(apdu: CommandApdu): Uint8Array {
  const fail = (why: string): never => {
    throw cardError('APDU_INVALID', `Cannot encode the command APDU: ${why}.`);
  };
  for (const [name, v] of [
    ['CLA', apdu.cla],
    ['INS', apdu.ins],
    ['P1', apdu.p1],
    ['P2', apdu.p2],
  ] as const) {
    if (!isByte(v)) fail(`${name} must be a byte (0..255), got ${String(v)}`);
  }
  checkHeader(apdu.cla, apdu.ins, fail);
  const data = apdu.data ?? new Uint8Array(0);
  if (!(data instanceof Uint8Array)) fail('data must be a Uint8Array');
  const nc = data.length;
  if (nc > MAX_EXTENDED_NC) fail(`data of ${nc} bytes exceeds ${MAX_EXTENDED_NC}`);
  const le = apdu.le;
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > MAX_EXTENDED_NE)) {
    fail(`Le must be an integer 1..${MAX_EXTENDED_NE}, got ${String(le)}`);
  }
  const ext = isExtended(apdu);
  const out = new Uint8Array(
    4 + (nc > 0 ? (ext ? 3 : 1) + nc : 0) + (le !== undefined ? (ext ? (nc > 0 ? 2 : 3) : 1) : 0),
  );
  out[0] = apdu.cla;
  out[1] = apdu.ins;
  out[2] = apdu.p1;
  out[3] = apdu.p2;
  let p = 4;
  if (nc > 0) {
    if (ext) {
      out[p++] = 0;
      out[p++] = nc >> 8;
      out[p++] = nc & 0xff;
    } else {
      out[p++] = nc;
    }
    out.set(data, p);
    p += nc;
  }
  if (le !== undefined) {
    if (ext) {
      if (nc === 0) out[p++] = 0; // case 2E: the extended marker stands where Lc would be
      const v = le === MAX_EXTENDED_NE ? 0 : le;
      out[p++] = v >> 8;
      out[p++] = v & 0xff;
    } else {
      out[p++] = le === MAX_SHORT_NE ? 0 : le;
    }
  }
  return out;
}

/** Parses command bytes into their fields (ISO 7816-3 §12.1.3 case detection). */
export function decodeCommand(bytes: Uint8Array): CommandApdu {
  const fail = (why: string): never => {
    throw cardError('APDU_MALFORMED', `Malformed command APDU (${bytes.length} bytes): ${why}.`);
  };
  if (!(bytes instanceof Uint8Array)) fail('not a byte array');
  const n = bytes.length;
  if (n < 4) fail('shorter than the 4-byte header');
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  checkHeader(cla, ins, fail);
  const head = { cla, ins, p1, p2 };
  if (n === 4) return head; // case 1
  const b5 = bytes[4]!;
  if (n === 5) return { ...head, le: b5 === 0 ? MAX_SHORT_NE : b5 }; // case 2S
  if (b5 !== 0) {
    // short Lc
    if (n === 5 + b5) return { ...head, data: bytes.slice(5, 5 + b5) }; // case 3S
    if (n === 6 + b5) {
      const le = bytes[n - 1]!;
      return { ...head, data: bytes.slice(5, 5 + b5), le: le === 0 ? MAX_SHORT_NE : le }; // case 4S
    }
    return fail(`Lc=${b5} does not match the remaining ${n - 5} bytes`);
  }
  // B5 = 00: extended length
  if (n === 6) return fail('a lone 00 after the header is neither Le nor an extended length');
  const w = (bytes[5]! << 8) | bytes[6]!;
  if (n === 7) return { ...head, le: w === 0 ? MAX_EXTENDED_NE : w, extended: true }; // case 2E
  if (w === 0) return fail('extended Lc of 0');
  if (n === 7 + w) return { ...head, data: bytes.slice(7, 7 + w), extended: true }; // case 3E
  if (n === 9 + w) {
    const le = (bytes[n - 2]! << 8) | bytes[n - 1]!;
    return { ...head, data: bytes.slice(7, 7 + w), le: le === 0 ? MAX_EXTENDED_NE : le, extended: true }; // case 4E
  }
  return fail(`extended Lc=${w} does not match the remaining ${n - 7} bytes`);
}

/**
 * The card side's own reading of a command APDU (ISO 7816-4 §5.1, short and extended cases).
 *
 * Written independently of @shomei/card's codec on purpose (design.md §2): the virtual card parses
 * what arrives on the wire the way a card operating system would, so a codec bug cannot hide on both
 * sides of the wire.
 */

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (empty for cases 1 and 2). */
  readonly data: Uint8Array;
  /** Expected response length (`00` in a short Le means 256), or `undefined` when Le is absent. */
  readonly le: number | undefined;
  /** True when the length fields used the extended (3-byte Lc / 2–3-byte Le) form. */
  readonly extended: boolean;
}

export type ParsedCommand =
  | { ok: true; command: CommandApdu }
  | { ok: false; reason: 'too-short' | 'length' };

/** Splits a command APDU into header, data and Le; never throws. */
export function parseCommandApdu(bytes: Uint8Array): ParsedCommand {
  if (bytes.length < 4) return { ok: false, reason: 'too-short' };
  const header = { cla: bytes[0]!, ins: bytes[1]!, p1: bytes[2]!, p2: bytes[3]! };
  const body = bytes.length - 4;
  const empty = new Uint8Array(0);
  // Case 1: header only.
  if (body === 0) return { ok: true, command: { ...header, data: empty, le: undefined, extended: false } };
  const b0 = bytes[4]!;
  // Case 2S: one Le byte.
  if (body === 1) {
    return { ok: true, command: { ...header, data: empty, le: b0 === 0 ? 256 : b0, extended: false } };
  }
  if (b0 !== 0) {
    // Case 3S / 4S: Lc (1..255) + data [+ Le].
    const lc = b0;
    if (body === 1 + lc) {
      return {
        ok: true,
        command: { ...header, data: bytes.subarray(5, 5 + lc), le: undefined, extended: false },
      };
    }
    if (body === 2 + lc) {
      const le = bytes[5 + lc]!;
      return {
        ok: true,
        command: { ...header, data: bytes.subarray(5, 5 + lc), le: le === 0 ? 256 : le, extended: false },
      };
    }
    return { ok: false, reason: 'length' };
  }
  // Extended forms start with a 00 byte.
  if (body === 3) {
    const le = (bytes[5]! << 8) | bytes[6]!;
    return { ok: true, command: { ...header, data: empty, le: le === 0 ? 65536 : le, extended: true } };
  }
  if (body < 3) return { ok: false, reason: 'length' };
  const lc = (bytes[5]! << 8) | bytes[6]!;
  if (lc === 0) return { ok: false, reason: 'length' };
  if (body === 3 + lc) {
    return {
      ok: true,
      command: { ...header, data: bytes.subarray(7, 7 + lc), le: undefined, extended: true },
    };
  }
  if (body === 5 + lc) {
    const le = (bytes[7 + lc]! << 8) | bytes[8 + lc]!;
    return {
      ok: true,
      command: { ...header, data: bytes.subarray(7, 7 + lc), le: le === 0 ? 65536 : le, extended: true },
    };
  }
  return { ok: false, reason: 'length' };
}

/**
 * Status words the virtual card answers with (ISO 7816-4 §5.1.3; JPKI usage per spec/jpki-card.md §4.1).
 * Values the spec marks [I] or [U] are still ISO's conventional choices.
 */
export const SW = {
  OK: 0x9000,
  /** Wrong length (also: malformed APDU, extended length when not supported). */
  WRONG_LENGTH: 0x6700,
  /** Command incompatible with file structure (READ BINARY on a key or PIN EF) [U]. */
  INCOMPATIBLE_FILE: 0x6981,
  /** Security status not satisfied: PIN missing (spec §4.1, [C] for EF 0001). */
  SECURITY_NOT_SATISFIED: 0x6982,
  /** Authentication method blocked: VERIFY on a blocked PIN (spec §4.1, [U] alternative; OpenSC → CKR_PIN_LOCKED). */
  AUTH_METHOD_BLOCKED: 0x6983,
  /** Reference data not usable: VERIFY on a blocked PIN (spec §4.1, [U] "real card" variant). */
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  /** Conditions of use not satisfied (signature with a non-key EF current) [U]. */
  CONDITIONS_NOT_SATISFIED: 0x6985,
  /** Command not allowed: no current EF. */
  NO_CURRENT_EF: 0x6986,
  /** Incorrect data field (new PIN of the wrong format, signature input too long). */
  INCORRECT_DATA: 0x6a80,
  /** File or application not found (spec §4.1, §7 item 2). */
  FILE_NOT_FOUND: 0x6a82,
  /** Incorrect P1/P2. */
  WRONG_P1P2: 0x6a86,
  /** Offset beyond the end of the EF (spec §4.3). */
  WRONG_OFFSET: 0x6b00,
  /** Instruction not supported (spec §7 item 2). */
  INS_NOT_SUPPORTED: 0x6d00,
  /** Class not supported. */
  CLA_NOT_SUPPORTED: 0x6e00,
  /** No precise diagnosis: the card's last-resort answer, never an empty response. */
  UNKNOWN: 0x6f00,
} as const;

/** `63 Cx`: x PIN tries left (spec §3.1, §4.4). */
export function swTriesLeft(tries: number): number {
  return 0x63c0 | Math.max(0, Math.min(15, tries));
}

/** `61 xx`: xx more bytes available with GET RESPONSE (`00` = 256 or more). */
export function swBytesAvailable(count: number): number {
  return 0x6100 | (count >= 256 ? 0 : count);
}

/** A response APDU: data ‖ SW1 SW2. */
export function response(sw: number, data?: Uint8Array): Uint8Array {
  const n = data?.length ?? 0;
  const out = new Uint8Array(n + 2);
  if (data) out.set(data, 0);
  out[n] = sw >> 8;
  out[n + 1] = sw & 0xff;
  return out;
}

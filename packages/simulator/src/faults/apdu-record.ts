/**
 * APDU records for test suites. PIN safety (working agreement): the data of VERIFY (INS 20), CHANGE
 * REFERENCE DATA (INS 24) and RESET RETRY COUNTER (INS 2C) never enters a record — only the 4-byte
 * header is kept, so neither the PIN nor its length can be read back.
 */

export interface ApduRecord {
  /** Sequence number within the recorder, from 1. */
  readonly index: number;
  /** The command as sent, or just its header when `redacted`. */
  readonly command: Uint8Array;
  /** The response as returned to the transport (after any injected fault). */
  readonly response: Uint8Array;
  /** True when the command's data field was removed because it may carry a PIN. */
  readonly redacted: boolean;
  /** Which fault, if any, shaped this exchange. */
  readonly fault?: 'forced-sw' | 'corrupted';
}

const PIN_INS = new Set([0x20, 0x24, 0x2c]);

/** The command as it may be stored: PIN-carrying data removed. */
export function redactCommand(command: Uint8Array): { command: Uint8Array; redacted: boolean } {
  if (command.length > 5 && PIN_INS.has(command[1]!)) {
    return { command: command.slice(0, 4), redacted: true };
  }
  return { command: command.slice(), redacted: false };
}

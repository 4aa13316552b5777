/**
 * APDU tracing with redaction. Secrets never reach a trace: the data of VERIFY (INS 20), CHANGE
 * REFERENCE DATA (INS 24) and RESET RETRY COUNTER (INS 2C) is always replaced, whatever the level,
 * and so is response data the caller marks `secret` (e.g. the My Number). Personal data (the four
 * facts, the signing certificate) is shown only at the `sensitive` level.
 */
import { toHex } from '@shomei/core';
import type { CommandApdu } from '../apdu/command.js';
import { swHex } from '../apdu/response.js';

/** How much of a response's data a trace may show. */
export type DataClass = 'public' | 'personal' | 'secret';

export type TraceLevel = 'normal' | 'sensitive';

export interface ApduTraceEvent {
  /** Command APDU as hex, with secret data replaced by `<redacted>`. */
  readonly command: string;
  /** Response APDU as hex (data ‖ SW), redacted by class; absent when the exchange failed. */
  readonly response?: string;
  readonly sw?: string;
  readonly durationMs: number;
  /** True when anything in this event was replaced. */
  readonly redacted: boolean;
  /** Error code when the transport failed. */
  readonly error?: string;
}

export interface TraceOptions {
  onApdu: (event: ApduTraceEvent) => void;
  /** `sensitive` also shows personal response data; secrets are never shown. Default `normal`. */
  level?: TraceLevel;
}

/** INS codes whose command data is a PIN or other reference data (ISO 7816-4 §11.5). */
const SECRET_DATA_INS = new Set([0x20, 0x21, 0x24, 0x2c]);

export const REDACTED = '<redacted>';

export function commandCarriesSecret(apdu: CommandApdu): boolean {
  return SECRET_DATA_INS.has(apdu.ins) && (apdu.data?.length ?? 0) > 0;
}

/**
 * Hex of a command for a trace. For secret-carrying commands only the header is kept; the length
 * is hidden too, since a PIN's length narrows a guess.
 */
export function traceCommand(apdu: CommandApdu, encoded: Uint8Array): { text: string; redacted: boolean } {
  if (commandCarriesSecret(apdu))
    return { text: `${toHex(encoded.subarray(0, 4))} ${REDACTED}`, redacted: true };
  return { text: toHex(encoded), redacted: false };
}

export function traceResponse(
  data: Uint8Array,
  sw: number,
  dataClass: DataClass,
  level: TraceLevel,
): { text: string; redacted: boolean } {
  const show =
    data.length === 0 || dataClass === 'public' || (dataClass === 'personal' && level === 'sensitive');
  if (show) return { text: `${toHex(data)}${swHex(sw).toLowerCase()}`, redacted: false };
  return { text: `${REDACTED}(${data.length} bytes) ${swHex(sw).toLowerCase()}`, redacted: true };
}

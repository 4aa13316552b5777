/**
 * Status word → typed error (ISO/IEC 7816-4 §5.1.3, with the JPKI card's use of them from
 * spec/jpki-card.md §4.1). The table is data: one row per SW or SW1 range.
 */
import type { ShomeiError } from '@shomei/core';
import { type CardErrorCode, cardError } from '../errors.js';
import { swHex } from './response.js';

export const SW_OK = 0x9000;

interface SwRule {
  readonly match: (sw: number) => boolean;
  readonly code: CardErrorCode;
  readonly describe: (sw: number) => string;
}

const exact = (value: number, code: CardErrorCode, text: string): SwRule => ({
  match: (sw) => sw === value,
  code,
  describe: () => text,
});

const RULES: readonly SwRule[] = [
  // 63Cx: counter x. From VERIFY it means "wrong PIN, x tries left"; 63C0 means the wrong PIN just blocked it.
  {
    match: (sw) => sw === 0x63c0,
    code: 'PIN_BLOCKED',
    describe: () => 'the PIN was wrong and is now blocked (no tries left)',
  },
  {
    match: (sw) => (sw & 0xfff0) === 0x63c0,
    code: 'PIN_INCORRECT',
    describe: (sw) => `wrong PIN, ${sw & 0x0f} ${(sw & 0x0f) === 1 ? 'try' : 'tries'} left`,
  },
  exact(0x6983, 'PIN_BLOCKED', 'authentication method blocked'),
  exact(0x6984, 'PIN_BLOCKED', 'reference data not usable (PIN blocked)'),
  exact(0x6982, 'SECURITY_STATUS_NOT_SATISFIED', 'security status not satisfied'),
  exact(0x6985, 'CONDITIONS_NOT_SATISFIED', 'conditions of use not satisfied'),
  exact(0x6986, 'COMMAND_NOT_ALLOWED', 'command not allowed (no current EF)'),
  exact(0x6a82, 'FILE_NOT_FOUND', 'file or application not found'),
  exact(0x6a88, 'REFERENCE_NOT_FOUND', 'referenced data not found'),
  exact(0x6a80, 'INCORRECT_DATA', 'incorrect parameters in the command data field'),
  exact(0x6a81, 'FUNCTION_NOT_SUPPORTED', 'function not supported'),
  exact(0x6a86, 'WRONG_P1P2', 'incorrect parameters P1-P2'),
  exact(0x6b00, 'WRONG_P1P2', 'wrong parameters P1-P2 (for READ BINARY: offset beyond the end of the file)'),
  exact(0x6700, 'WRONG_LENGTH', 'wrong length'),
  exact(0x6d00, 'INS_NOT_SUPPORTED', 'instruction code not supported or invalid'),
  exact(0x6e00, 'CLA_NOT_SUPPORTED', 'class not supported'),
  exact(0x6282, 'END_OF_FILE', 'end of file reached before reading Le bytes'),
  exact(0x6581, 'MEMORY_FAILURE', 'memory failure'),
  exact(0x6f00, 'CARD_ERROR', 'no precise diagnosis'),
  { match: (sw) => sw >> 8 === 0x64, code: 'CARD_ERROR', describe: () => 'execution error, state unchanged' },
];

export interface StatusContext {
  /** The instruction that got this status, for the message (e.g. "VERIFY"). */
  readonly command?: string;
}

/**
 * The typed error for a status word, or `undefined` for 9000. Carries `sw` (hex string) and, for
 * 63Cx, `remainingAttempts`.
 */
export function statusError(sw: number, context: StatusContext = {}): ShomeiError | undefined {
  if (sw === SW_OK) return undefined;
  const rule = RULES.find((r) => r.match(sw));
  const where = context.command ? `${context.command}: ` : '';
  const details: Record<string, unknown> = { sw: swHex(sw) };
  if ((sw & 0xfff0) === 0x63c0) details.remainingAttempts = sw & 0x0f;
  if (sw === 0x6983 || sw === 0x6984) details.remainingAttempts = 0;
  if (!rule) {
    return cardError(
      'SW_UNKNOWN',
      `${where}the card answered with status ${swHex(sw)}, which shomei does not know.`,
      {
        details,
      },
    );
  }
  const base = cardError(rule.code).message;
  return cardError(rule.code, `${where}${base} (SW ${swHex(sw)}: ${rule.describe(sw)})`, { details });
}

/** Throws the typed error for any status other than 9000. */
export function checkStatus(sw: number, context?: StatusContext): void {
  const error = statusError(sw, context);
  if (error) throw error;
}

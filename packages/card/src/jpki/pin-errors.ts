/** PIN failures as errors that name the PIN and carry `remainingAttempts`, never the PIN itself. */
import type { ShomeiError } from '@shomei/core';
import { statusError } from '../apdu/status-words.js';
import { cardError } from '../errors.js';
import { PIN_RULES, type PinKind } from './tables.js';

/** A PIN failure with the PIN's name and `remainingAttempts`, never the PIN. */
export function pinError(kind: PinKind, sw: number, command: string): ShomeiError {
  const rule = PIN_RULES[kind];
  const base = statusError(sw, { command }) ?? cardError('SW_UNKNOWN');
  const details: Record<string, unknown> = { ...base.details, kind };
  switch (base.code) {
    case 'PIN_INCORRECT': {
      const left = details.remainingAttempts as number;
      return cardError(
        'PIN_INCORRECT',
        `The ${rule.label} is incorrect; ${left} ${left === 1 ? 'try' : 'tries'} left. Check it before trying again.`,
        { details },
      );
    }
    case 'PIN_BLOCKED':
      return cardError(
        'PIN_BLOCKED',
        `The ${rule.label} is now blocked. It can only be reset at the municipal office.`,
        {
          details: { ...details, remainingAttempts: 0 },
        },
      );
    default:
      return cardError(base.code as never, base.message, { details });
  }
}

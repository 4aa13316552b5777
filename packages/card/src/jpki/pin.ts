/**
 * PIN format validation before anything is sent (spec §4.2): a malformed PIN never burns
 * a try. The PIN lives only as a local string and the byte array handed to VERIFY, which is wiped
 * after use. Errors describe the rule, never the PIN (not even its length).
 */
import { cardError } from '../errors.js';
import { PIN_RULES, type PinKind } from './tables.js';

export function isPinKind(value: unknown): value is PinKind {
  return value === 'auth' || value === 'sign' || value === 'assist';
}

/** Normalizes (sign password: lower case → upper case, §4.2) and checks the format. */
export function normalizePin(kind: PinKind, pin: unknown): string {
  if (!isPinKind(kind)) {
    throw cardError('PIN_FORMAT_INVALID', 'Unknown PIN kind: use "auth", "sign" or "assist".', {
      details: { kind: String(kind) },
    });
  }
  const rule = PIN_RULES[kind];
  if (typeof pin !== 'string') {
    throw cardError(
      'PIN_FORMAT_INVALID',
      `The ${rule.label} must be a string (${rule.rule}). Nothing was sent to the card.`,
      {
        details: { kind },
      },
    );
  }
  // Only ASCII a–z are folded: toUpperCase() would also map e.g. 'ß' to 'SS' and change the length.
  const normalized = rule.upperCase ? pin.replace(/[a-z]/g, (c) => c.toUpperCase()) : pin;
  if (!rule.pattern.test(normalized)) {
    throw cardError(
      'PIN_FORMAT_INVALID',
      `The ${rule.label} must be ${rule.rule}. Nothing was sent to the card and no try was used.`,
      { details: { kind } },
    );
  }
  return normalized;
}

/** The VERIFY data: the PIN's ASCII bytes, no padding (spec §4.2 notes). Wipe it with `wipe`. */
export function pinBytes(kind: PinKind, pin: unknown): Uint8Array {
  const normalized = normalizePin(kind, pin);
  const bytes = new Uint8Array(normalized.length);
  for (let i = 0; i < normalized.length; i++) bytes[i] = normalized.charCodeAt(i);
  return bytes;
}

export function wipe(bytes: Uint8Array | undefined): void {
  bytes?.fill(0);
}

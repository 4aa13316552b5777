import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePin, pinBytes } from './pin.js';
import { PIN_RULES, type PinKind } from './tables.js';

const SEED = { seed: 7310, numRuns: 500 };

describe('normalizePin', () => {
  it('upper-cases the signature password', () => {
    expect(normalizePin('sign', 'abc123')).toBe('ABC123');
  });

  it('keeps a 4-digit PIN as it is', () => {
    expect(normalizePin('auth', '0042')).toBe('0042');
  });

  it('never returns a value outside the rule, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<PinKind>('auth', 'sign', 'assist'),
        fc.string({ maxLength: 20 }),
        (kind, pin) => {
          try {
            return PIN_RULES[kind].pattern.test(normalizePin(kind, pin));
          } catch (error) {
            return (error as { code?: string }).code === 'PIN_FORMAT_INVALID';
          }
        },
      ),
      SEED,
    );
  });

  it('never puts the PIN into its error', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{17,20}$/), (pin) => {
        try {
          normalizePin('sign', pin);
          return false;
        } catch (error) {
          return !JSON.stringify(error).includes(pin) && !String(error).includes(pin.toUpperCase());
        }
      }),
      SEED,
    );
  });
});

describe('pinBytes', () => {
  it('is the ASCII of the normalized PIN, without padding (spec §4.2)', () => {
    expect([...pinBytes('sign', 'ab12cd')]).toEqual([0x41, 0x42, 0x31, 0x32, 0x43, 0x44]);
  });
});

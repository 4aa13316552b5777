/**
 * Hex strings (ISO 32000-1 §7.3.4.3): the platform decoder used for long strings gives exactly what
 * the digit loop gives, and every string it cannot take (white-space, bad digits) falls back to it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lexer, nativeHex } from './lexer.js';
import { isPdfString } from './objects.js';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const lex = (s: string) => new Lexer(bytes(s), 0, true).value();

/** The reference: §7.3.4.3 read literally (white-space ignored, odd final digit padded with 0). */
function reference(s: string): Uint8Array {
  const d = s.replace(/[\0\t\n\f\r ]/g, '');
  const even = d.length % 2 === 0 ? d : `${d}0`;
  return Uint8Array.from({ length: even.length / 2 }, (_, i) =>
    Number.parseInt(even.slice(2 * i, 2 * i + 2), 16),
  );
}

const digit = fc.constantFrom(...'0123456789abcdefABCDEF');
const hexText = (min: number) =>
  fc.array(
    fc.oneof({ weight: 20, arbitrary: digit }, { weight: 1, arbitrary: fc.constantFrom(' ', '\n', '\r') }),
    {
      minLength: min,
      maxLength: min + 3000,
    },
  );

describe('hex strings', () => {
  it('decodes long and short hex strings, with or without white-space, as §7.3.4.3 reads them', () => {
    fc.assert(
      fc.property(fc.oneof(hexText(0), hexText(1024)), (chars) => {
        const s = chars.join('');
        const v = lex(`<${s}>`);
        expect(isPdfString(v) && v.hex).toBe(true);
        expect(isPdfString(v) ? [...v.bytes] : []).toEqual([...reference(s)]);
      }),
      { numRuns: 200 },
    );
  });

  it('reports a non-hex digit in a long string at its offset', () => {
    const s = `<${'0'.repeat(2000)}g${'0'.repeat(100)}>`;
    expect(() => lex(s)).toThrow(/not a hex digit/);
  });

  it('leaves strings with white-space and platforms without a decoder to the digit loop', () => {
    expect(nativeHex(bytes('00 11'))).toBeUndefined();
    expect(nativeHex(bytes('0011'), null)).toBeUndefined();
    expect([...nativeHex(bytes('a1f'))!]).toEqual([0xa1, 0xf0]);
  });
});

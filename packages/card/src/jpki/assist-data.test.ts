import { isShomeiError } from '@shomei/core';
// The simulator writes these files with its own code (design.md §2): a shared bug cannot hide.
import { encodeAttributesEf, encodeMyNumberEf } from '@shomei/simulator/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assistTlvLength, parseAttributesEf, parseMyNumberEf } from './assist-data.js';

const SEED = { seed: 20261127, numRuns: 400 };
const onlyMalformed = (run: () => unknown) => {
  try {
    run();
    return true;
  } catch (error) {
    return isShomeiError(error) && error.code === 'CARD_DATA_MALFORMED';
  }
};

describe('parseMyNumberEf', () => {
  it('reads the 12 digits of `FF 10 0C …` (spec §9)', () => {
    const ef = Uint8Array.of(
      0xff,
      0x10,
      0x0c,
      ...[...'123456789018'].map((c) => c.charCodeAt(0)),
      0x00,
      0x00,
    );
    expect(parseMyNumberEf(ef)).toBe('123456789018');
  });

  it('round-trips what the simulator writes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{12}$/), (n) => parseMyNumberEf(encodeMyNumberEf(n)) === n),
      SEED,
    );
  });

  it('rejects a non-digit without quoting the data', () => {
    const ef = Uint8Array.of(0xff, 0x10, 0x0c, ...[...'12345678901A'].map((c) => c.charCodeAt(0)));
    expect(() => parseMyNumberEf(ef)).toThrow(expect.objectContaining({ code: 'CARD_DATA_MALFORMED' }));
    try {
      parseMyNumberEf(ef);
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain('12345678901');
    }
  });

  it('fails only with CARD_DATA_MALFORMED on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => onlyMalformed(() => parseMyNumberEf(b))),
      SEED,
    );
  });
});

describe('parseAttributesEf', () => {
  const holder = (
    name: string,
    address: string,
    birthDate: string,
    sex: 'male' | 'female' | 'unspecified',
  ) => ({
    name,
    address,
    birthDate,
    sex,
  });

  it('round-trips what the simulator writes, including long (82 xx xx) lengths', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.constantFrom('male', 'female', 'unspecified'),
        (name, address, date, sex) => {
          const birthDate = date.toISOString().slice(0, 10);
          const parsed = parseAttributesEf(encodeAttributesEf({ ...holder(name, address, birthDate, sex) }));
          return (
            parsed.name === name &&
            parsed.address === address &&
            parsed.birthDate === birthDate.replaceAll('-', '') &&
            parsed.sex === sex
          );
        },
      ),
      SEED,
    );
  });

  it('fails only with CARD_DATA_MALFORMED on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => onlyMalformed(() => parseAttributesEf(b))),
      SEED,
    );
  });

  it('fails only with CARD_DATA_MALFORMED on a damaged valid file', () => {
    const valid = encodeAttributesEf(holder('氏名', '住所', '1990-02-03', 'male'));
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const damaged = valid.slice();
        damaged[at] = value;
        return onlyMalformed(() => parseAttributesEf(damaged));
      }),
      SEED,
    );
  });
});

describe('assistTlvLength', () => {
  it('computes the size of a long-form TLV from its first 5 bytes', () => {
    expect(assistTlvLength(Uint8Array.of(0xff, 0x20, 0x82, 0x01, 0x02))).toBe(5 + 0x102);
  });

  it('computes the size of a short-form TLV', () => {
    expect(assistTlvLength(Uint8Array.of(0xff, 0x10, 0x0c, 0x31, 0x32))).toBe(15);
  });
});

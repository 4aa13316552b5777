import { bytesEqual, fromHex, isShomeiError, toHex } from '@shomei/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CommandApdu, decodeCommand, encodeCommand } from './command.js';

const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
const head = '00a40400';

// Vectors: ISO/IEC 7816-3 §12.1.3 byte layouts for each case, short and extended.
const vectors: Array<[string, CommandApdu, string]> = [
  ['case 1', { cla: 0, ins: 0xa4, p1: 4, p2: 0 }, head],
  ['case 2S Le=1', { cla: 0, ins: 0xa4, p1: 4, p2: 0, le: 1 }, `${head}01`],
  ['case 2S Le=255', { cla: 0, ins: 0xa4, p1: 4, p2: 0, le: 255 }, `${head}ff`],
  ['case 2S Le=256 → 00', { cla: 0, ins: 0xa4, p1: 4, p2: 0, le: 256 }, `${head}00`],
  ['case 2E Le=257', { cla: 0, ins: 0xa4, p1: 4, p2: 0, le: 257 }, `${head}000101`],
  ['case 2E Le=65535', { cla: 0, ins: 0xa4, p1: 4, p2: 0, le: 65535 }, `${head}00ffff`],
  ['case 2E Le=65536 → 0000', { cla: 0, ins: 0xa4, p1: 4, p2: 0, le: 65536 }, `${head}000000`],
  ['case 3S Lc=1', { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: data(1) }, `${head}0100`],
  ['case 3S Lc=255', { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: data(255) }, `${head}ff${toHex(data(255))}`],
  [
    'case 3E Lc=256',
    { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: data(256) },
    `${head}000100${toHex(data(256))}`,
  ],
  [
    'case 3E Lc=65535',
    { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: data(65535) },
    `${head}00ffff${toHex(data(65535))}`,
  ],
  ['case 4S Lc=2 Le=256', { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: data(2), le: 256 }, `${head}02000100`],
  [
    'case 4S Lc=255 Le=255',
    { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: data(255), le: 255 },
    `${head}ff${toHex(data(255))}ff`,
  ],
  [
    'case 4E Lc=256 Le=256',
    { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: data(256), le: 256 },
    `${head}000100${toHex(data(256))}0100`,
  ],
  [
    'case 4E Lc=1 Le=65536',
    { cla: 0, ins: 0xa4, p1: 4, p2: 0, data: data(1), le: 65536 },
    `${head}000001000000`,
  ],
  [
    'JPKI COMPUTE DIGITAL SIGNATURE (spec §3.1)',
    { cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: data(51), le: 256 },
    `802a008033${toHex(data(51))}00`,
  ],
];

describe('CommandApdu encoding', () => {
  for (const [name, apdu, hex] of vectors) {
    it(`encodes ${name}`, () => {
      expect(toHex(encodeCommand(apdu))).toBe(hex);
    });
    it(`decodes ${name}`, () => {
      const back = decodeCommand(fromHex(hex));
      expect([back.cla, back.ins, back.p1, back.p2]).toEqual([apdu.cla, apdu.ins, apdu.p1, apdu.p2]);
      expect(back.le).toBe(apdu.le);
      expect(toHex(back.data ?? new Uint8Array())).toBe(toHex(apdu.data ?? new Uint8Array()));
    });
  }

  it('uses extended fields when only forced', () => {
    expect(toHex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4, extended: true }))).toBe(
      '00b00000000004',
    );
  });

  const bad: Array<[string, Partial<CommandApdu>]> = [
    ['CLA FF', { cla: 0xff }],
    ['INS 6X', { ins: 0x61 }],
    ['INS 9X', { ins: 0x90 }],
    ['P1 > 255', { p1: 256 }],
    ['negative P2', { p2: -1 }],
    ['fractional INS', { ins: 1.5 }],
    ['Le = 0', { le: 0 }],
    ['Le = 65537', { le: 65537 }],
    ['data over 65535', { data: new Uint8Array(65536) }],
  ];
  for (const [name, patch] of bad) {
    it(`rejects ${name} with APDU_INVALID`, () => {
      const apdu = { cla: 0, ins: 0xb0, p1: 0, p2: 0, ...patch } as CommandApdu;
      expect(() => encodeCommand(apdu)).toThrow(expect.objectContaining({ code: 'APDU_INVALID' }));
    });
  }

  const malformed: Array<[string, string]> = [
    ['3 bytes', '00a404'],
    ['empty', ''],
    ['short Lc too long for the body', '00a4040005 0102'],
    ['lone 00 after header', '00a40400 0000'],
    ['extended Lc 0', '00a40400 000000 01'],
    ['extended Lc mismatch', '00a40400 000005 0102'],
    ['CLA FF', 'ffa40400'],
  ];
  for (const [name, hex] of malformed) {
    it(`rejects bytes with ${name} as APDU_MALFORMED`, () => {
      expect(() => decodeCommand(fromHex(hex))).toThrow(expect.objectContaining({ code: 'APDU_MALFORMED' }));
    });
  }
});

const arbApdu: fc.Arbitrary<CommandApdu> = fc
  .record({
    cla: fc.integer({ min: 0, max: 0xfe }),
    ins: fc.integer({ min: 0, max: 0xff }).filter((i) => (i & 0xf0) !== 0x60 && (i & 0xf0) !== 0x90),
    p1: fc.integer({ min: 0, max: 0xff }),
    p2: fc.integer({ min: 0, max: 0xff }),
    data: fc.option(
      fc.oneof(
        { weight: 9, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }) },
        // Long data near the extended limit, filled cheaply from a seed byte.
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.integer({ min: 65530, max: 65535 }), fc.integer({ min: 0, max: 255 }))
            .map(([n, b]) => new Uint8Array(n).fill(b)),
        },
      ),
      { nil: undefined },
    ),
    le: fc.option(
      fc.oneof(
        fc.integer({ min: 1, max: 260 }),
        fc.integer({ min: 65530, max: 65536 }),
        fc.integer({ min: 1, max: 65536 }),
      ),
      { nil: undefined },
    ),
    extended: fc.boolean(),
  })
  .map((a) => ({ ...a, extended: a.extended || undefined }));

describe('CommandApdu properties', () => {
  it('decode(encode(apdu)) gives the same fields', () => {
    fc.assert(
      fc.property(arbApdu, (apdu) => {
        const back = decodeCommand(encodeCommand(apdu));
        expect(back.cla).toBe(apdu.cla);
        expect(back.ins).toBe(apdu.ins);
        expect(back.le).toBe(apdu.le);
        expect(bytesEqual(back.data ?? new Uint8Array(), apdu.data ?? new Uint8Array())).toBe(true);
        expect(bytesEqual(encodeCommand(back), encodeCommand(apdu))).toBe(true);
      }),
      { numRuns: 1000, seed: 7816 },
    );
  });

  it('arbitrary bytes either decode or raise APDU_MALFORMED, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          const apdu = decodeCommand(bytes);
          expect(toHex(encodeCommand(apdu))).toBe(toHex(bytes));
        } catch (e) {
          expect(isShomeiError(e) && e.code).toBe('APDU_MALFORMED');
        }
      }),
      { numRuns: 10_000, seed: 4 },
    );
  });
});

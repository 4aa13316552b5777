/**
 * Hostile inputs for card's parsers: the command and response APDU codec and the parsers
 * of card data (card-input-assistance EFs, the TLV length of a file head). A card or a reader is an
 * input source like any other: a counterfeit or broken card must give typed errors, never a crash.
 */
import { bytesEqual } from '@shomei/core';
import {
  assertHostileSync,
  encodeAttributesEf,
  encodeMyNumberEf,
  FUZZ_RUNS,
  hostileBytes,
} from '@shomei/simulator/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCommand, encodeCommand } from '../../src/apdu/command.js';
import { decodeResponse, encodeResponse } from '../../src/apdu/response.js';
import { assistTlvLength, parseAttributesEf, parseMyNumberEf } from '../../src/jpki/assist-data.js';

const commandSeeds = [
  encodeCommand({
    cla: 0x00,
    ins: 0xa4,
    p1: 0x04,
    p2: 0x0c,
    data: Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x26),
  }),
  encodeCommand({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 256 }),
  encodeCommand({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 4096, extended: true }),
  encodeCommand({ cla: 0x80, ins: 0x2a, p1: 0x00, p2: 0x80, data: new Uint8Array(51).fill(7), le: 256 }),
  encodeCommand({ cla: 0x80, ins: 0x2a, p1: 0x00, p2: 0x80, data: new Uint8Array(300).fill(9), le: 65536 }),
  encodeCommand({ cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80 }),
];

describe('hostile APDUs', () => {
  it(`decodeCommand: ${FUZZ_RUNS} hostile inputs give APDU_MALFORMED only, and what it accepts re-encodes to the same bytes`, () => {
    const stats = assertHostileSync(
      hostileBytes(commandSeeds, 300),
      (b) => {
        const c = decodeCommand(b);
        // Strict, not lenient: an accepted command is exactly its canonical encoding.
        if (!bytesEqual(encodeCommand(c), b))
          throw new Error('decodeCommand accepted a non-canonical encoding');
      },
      ['APDU_MALFORMED', 'APDU_INVALID'],
    );
    expect(stats.parsed).toBeGreaterThan(0);
    expect(stats.rejected).toBeGreaterThan(0);
  });

  it(`decodeResponse: ${FUZZ_RUNS} hostile responses give RESPONSE_MALFORMED only and keep the status word`, () => {
    const seeds = [
      encodeResponse({ sw: 0x9000 }),
      encodeResponse({ data: new Uint8Array(260).fill(1), sw: 0x6282 }),
    ];
    const stats = assertHostileSync(
      hostileBytes(seeds),
      (b) => {
        const r = decodeResponse(b);
        if (r.sw !== ((b[b.length - 2]! << 8) | b[b.length - 1]!) || r.data.length !== b.length - 2) {
          throw new Error('decodeResponse split the bytes wrongly');
        }
      },
      ['RESPONSE_MALFORMED'],
    );
    expect(stats.rejected).toBeGreaterThan(0);
  });
});

describe('hostile card data', () => {
  const attrs = encodeAttributesEf({
    name: '試験 花子',
    address: '東京都千代田区霞が関2-1-2',
    birthDate: '19850401',
    sex: 'female',
  } as never);
  const myNumber = encodeMyNumberEf('123456789018');

  it(`parseAttributesEf: ${FUZZ_RUNS} hostile files give CARD_DATA_MALFORMED only`, () => {
    const stats = assertHostileSync(hostileBytes([attrs], 200), (b) => parseAttributesEf(b), [
      'CARD_DATA_MALFORMED',
    ]);
    expect(stats.parsed).toBeGreaterThan(0);
  });

  it(`parseMyNumberEf: ${FUZZ_RUNS} hostile files give CARD_DATA_MALFORMED only and accept 12 digits only`, () => {
    assertHostileSync(
      hostileBytes([myNumber], 64),
      (b) => {
        if (!/^[0-9]{12}$/.test(parseMyNumberEf(b))) throw new Error('not 12 digits');
      },
      ['CARD_DATA_MALFORMED'],
    );
  });

  it(`assistTlvLength: ${FUZZ_RUNS} hostile file heads give CARD_DATA_MALFORMED or a length ≤ 3 + 2 + 65535`, () => {
    const heads = [attrs.subarray(0, 5), myNumber.subarray(0, 5)];
    assertHostileSync(
      fc.oneof(hostileBytes(heads, 8), fc.uint8Array({ maxLength: 8 })),
      (b) => {
        const n = assistTlvLength(b);
        if (!Number.isSafeInteger(n) || n < 2 || n > 6 + 0xffff) throw new Error(`implausible length ${n}`);
      },
      ['CARD_DATA_MALFORMED'],
    );
  });
});

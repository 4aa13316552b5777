/**
 * Hostile inputs for the simulator's parsers: the card's APDU parser and the whole card
 * behind it, and the vpcd frame reader. A test double that crashes on odd input hides bugs in the code
 * it tests, so the virtual card must answer everything with a status word.
 */
import { encodeCommand } from '@shomei/card';
import {
  assertHostileSync,
  FUZZ_RUNS,
  FUZZ_SEED,
  hostileBytes,
  recordCases,
} from '@shomei/simulator/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommandApdu } from '../../src/card/command-apdu.js';
import type { VirtualJpkiCard } from '../../src/index.js';
import { encodeVpcdFrame, VpcdFrameReader } from '../../src/transport/vpcd-framing.js';
import { APDU, freshCard, h } from '../fixture.js';

let card: VirtualJpkiCard;
beforeAll(async () => {
  card = await freshCard();
});

const seeds = [
  h(APDU.selectJpki),
  h(APDU.selectEf('00 18')),
  h(APDU.verify('1234')),
  encodeCommand({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 256 }),
  encodeCommand({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 2048, extended: true }),
  encodeCommand({ cla: 0x80, ins: 0x2a, p1: 0x00, p2: 0x80, data: new Uint8Array(51).fill(7), le: 256 }),
];

describe('hostile APDUs at the virtual card', () => {
  it(`parseCommandApdu: ${FUZZ_RUNS} hostile commands never throw`, () => {
    const stats = assertHostileSync(hostileBytes(seeds, 300), (b) => parseCommandApdu(b), []);
    expect(stats.parsed).toBe(stats.cases);
  });

  it(`VirtualJpkiCard.transmit: ${FUZZ_RUNS} hostile commands always get a status word, never an exception`, () => {
    card.powerOn();
    for (const c of [APDU.selectJpki, APDU.selectEf('00 18'), APDU.verify('1234')]) card.transmit(h(c));
    const stats = assertHostileSync(
      hostileBytes(seeds, 300),
      (b) => {
        if (card.transmit(b).length < 2) throw new Error('response without a status word');
      },
      [],
    );
    expect(stats.parsed).toBe(stats.cases);
  });
});

describe('hostile vpcd streams', () => {
  it(`VpcdFrameReader: ${Math.ceil(FUZZ_RUNS / 5)} random splits of a frame stream give back exactly the frames`, () => {
    const frame = fc.uint8Array({ maxLength: 600 });
    fc.assert(
      fc.property(
        fc.array(frame, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
        // An incomplete tail: nothing, one header byte, or a header announcing more than follows.
        fc.constantFrom(
          Uint8Array.of(),
          Uint8Array.of(0x01),
          Uint8Array.of(0x00, 0x05, 0x01),
          Uint8Array.of(0xff, 0xff),
        ),
        (frames, cuts, tail) => {
          const stream = new Uint8Array([...frames.flatMap((f) => [...encodeVpcdFrame(f)]), ...tail]);
          const reader = new VpcdFrameReader();
          const out: Uint8Array[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            out.push(...reader.push(stream.subarray(at, at + n)));
            at += n;
          }
          expect(out).toEqual(frames);
          // A trailing partial header/frame stays pending, never surfaces as a frame.
          expect(reader.pending).toBe(tail.length);
        },
      ),
      { seed: FUZZ_SEED, numRuns: Math.ceil(FUZZ_RUNS / 5) },
    );
    recordCases(Math.ceil(FUZZ_RUNS / 5));
  });

  it(`VpcdFrameReader: ${FUZZ_RUNS} hostile byte streams never throw and never yield more bytes than arrived`, () => {
    const stream = encodeVpcdFrame(new Uint8Array(40).fill(3));
    assertHostileSync(
      hostileBytes([stream, Uint8Array.of(0xff, 0xff, 1, 2, 3), Uint8Array.of(0, 1, 4)]),
      (b) => {
        const reader = new VpcdFrameReader();
        const frames = [
          ...reader.push(b.subarray(0, b.length >> 1)),
          ...reader.push(b.subarray(b.length >> 1)),
        ];
        const total = frames.reduce((n, f) => n + f.length + 2, 0) + reader.pending;
        if (total !== b.length) throw new Error(`bytes lost or invented: ${total} vs ${b.length}`);
      },
      [],
    );
  });
});

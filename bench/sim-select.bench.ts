/**
 * SELECT round trip through MemoryTransport (target ≤ 20 µs median): the virtual
 * card's SELECT of the JPKI AP, sent as bytes through `MemoryTransport.transmit`, against a baseline
 * of the cheapest possible async responder in the same run (an async function that compares the AID
 * and returns 90 00) — the floor any in-process transport pays. Medians over repeats.
 * BENCH_QUICK=1 for a smoke run.
 */
import { MemoryTransport } from '@shomei/simulator';
import { benchCard, median, QUICK } from './bench-util.js';

const N = QUICK ? 500 : 20_000;
const REPEATS = QUICK ? 3 : 15;
const TARGET_US = 20;

const SELECT_JPKI = Uint8Array.of(
  0x00,
  0xa4,
  0x04,
  0x0c,
  0x0a,
  0xd3,
  0x92,
  0xf0,
  0x00,
  0x26,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
);
const OK = Uint8Array.of(0x90, 0x00);
const NOT_FOUND = Uint8Array.of(0x6a, 0x82);
const AID = SELECT_JPKI.subarray(5);

/** Baseline: an async responder that only checks the AID. */
async function floor(command: Uint8Array): Promise<Uint8Array> {
  const aid = command.subarray(5);
  for (let i = 0; i < AID.length; i++) if (aid[i] !== AID[i]) return NOT_FOUND;
  return OK.slice();
}

const card = await benchCard();
const transport = new MemoryTransport(card);
await transport.connect();

const base: number[] = [];
const ours: number[] = [];
for (let r = 0; r < REPEATS; r++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) await floor(SELECT_JPKI);
  base.push(((performance.now() - t) / N) * 1000);
  t = performance.now();
  for (let i = 0; i < N; i++) await transport.transmit(SELECT_JPKI);
  ours.push(((performance.now() - t) / N) * 1000);
}
const b = median(base);
const o = median(ours);
console.log(`SELECT JPKI AP round trip, ${N} APDUs × ${REPEATS} repeats (medians)`);
console.log(`  baseline  async AID-compare responder   ${b.toFixed(3)} µs`);
console.log(
  `  shomei    MemoryTransport → card OS      ${o.toFixed(3)} µs   (target ≤ ${TARGET_US} µs: ${o <= TARGET_US ? 'met' : 'MISSED'})`,
);
console.log(`  ratio     ${(o / b).toFixed(2)}×`);
await transport.close();

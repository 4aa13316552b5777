/**
 * A full signature through MemoryTransport (target ≤ 1.2×): hash the data, build
 * the SHA-256 DigestInfo, SELECT the key EF and COMPUTE DIGITAL SIGNATURE on the virtual card (which
 * pads and runs the RSA-2048 private operation), against a bare `crypto.sign('sha256', data, key)`
 * with an RSA-2048 KeyObject in the same run. Signatures alternate one by one; medians over repeats.
 * BENCH_QUICK=1 for a smoke run.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { MemoryTransport } from '@shomei/simulator';
import { benchCard, median, QUICK } from './bench-util.js';

const N = QUICK ? 10 : 200;
const REPEATS = QUICK ? 3 : 9;
const TARGET = 1.2;

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

const card = await benchCard();
const transport = new MemoryTransport(card);
await transport.connect();
for (const c of ['00A4040C0AD392F000260100000001', '00A4020C020018', '00200080 04 31323334']) {
  await transport.transmit(hex(c));
}
const SELECT_KEY = hex('00A4020C020017');
const PREFIX = hex('3031300D060960864801650304020105000420');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
const data = new TextEncoder().encode('shomei benchmark: a document to sign'.repeat(8));

async function cardSign(): Promise<Uint8Array> {
  const digest = createHash('sha256').update(data).digest();
  const command = new Uint8Array(5 + PREFIX.length + digest.length + 1);
  command.set([0x80, 0x2a, 0x00, 0x80, PREFIX.length + digest.length], 0);
  command.set(PREFIX, 5);
  command.set(digest, 5 + PREFIX.length);
  await transport.transmit(SELECT_KEY);
  const r = await transport.transmit(command);
  if (r.length !== 258 || r[256] !== 0x90) throw new Error('the card did not sign');
  return r;
}

const base: number[] = [];
const ours: number[] = [];
for (let r = 0; r < REPEATS; r++) {
  // Alternate one baseline and one card signature, so that load from other processes hits both alike.
  let b = 0;
  let o = 0;
  for (let i = 0; i < N; i++) {
    let t = performance.now();
    sign('sha256', data, privateKey);
    b += performance.now() - t;
    t = performance.now();
    await cardSign();
    o += performance.now() - t;
  }
  base.push(b / N);
  ours.push(o / N);
}
const b = median(base);
const o = median(ours);
console.log(`RSA-2048 SHA-256 PKCS#1 v1.5 signature, ${N} signatures × ${REPEATS} repeats (medians)`);
console.log(`  baseline  crypto.sign (KeyObject)                 ${b.toFixed(3)} ms`);
console.log(`  shomei    MemoryTransport: SELECT key + 80 2A     ${o.toFixed(3)} ms`);
console.log(
  `  ratio     ${(o / b).toFixed(3)}×   (target ≤ ${TARGET}×: ${o / b <= TARGET ? 'met' : 'MISSED'})`,
);
await transport.close();

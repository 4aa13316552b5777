/**
 * Hashing inside signCms (detached, SHA-256) over a 1 GiB file against `openssl dgst -sha256` on the same
 * file, in the same run, plus the process RSS while signing (target: ≥ 90 % of OpenSSL's throughput,
 * RSS flat). BENCH_QUICK=1 uses 64 MiB; CMS_HASH_MIB=<n> sets another size (e.g. 2048).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fileSource, pkcs8Signer, signCms } from '../packages/core/src/node.js';
import { fmt, median, QUICK } from './bench-util.js';

const MiB = 1024 * 1024;
const size = Number(process.env.CMS_HASH_MIB ?? (QUICK ? 64 : 1024)) * MiB;
const repeats = QUICK ? 2 : 5;
const tmp = fileURLToPath(new URL('../.bench-tmp/', import.meta.url));
mkdirSync(tmp, { recursive: true });
const file = `${tmp}cms-hash-${size}.bin`;

// Content: a 4 MiB pseudo-random block written repeatedly (SHA-256 speed does not depend on the data).
const block = new Uint8Array(4 * MiB);
let x = 0x12345678;
for (let i = 0; i < block.length; i++) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  block[i] = x & 0xff;
}
const fd = openSync(file, 'w');
for (let n = 0; n < size; n += block.length) writeSync(fd, block);
closeSync(fd);

const dir = new URL('../packages/core/test/vectors/cms/', import.meta.url);
const v = (n: string) => new Uint8Array(readFileSync(new URL(n, dir)));
const signer = await pkcs8Signer(v('signer.key.der'), v('signer.der'), { chain: [v('intermediate.der')] });

function openssl(): number {
  const t0 = performance.now();
  const r = spawnSync('openssl', ['dgst', '-sha256', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`openssl dgst failed: ${r.stderr}`);
  return size / MiB / ((performance.now() - t0) / 1000);
}

let peakRss = 0;
async function shomei(): Promise<number> {
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  await signCms(fileSource(file), signer, { detached: true });
  const mbps = size / MiB / ((performance.now() - t0) / 1000);
  clearInterval(sampler);
  return mbps;
}

openssl(); // warm the page cache
const rssBefore = process.memoryUsage().rss;
const base: number[] = [];
const ours: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < repeats; r++) {
  const b = openssl();
  const s = await shomei();
  base.push(b);
  ours.push(s);
  ratios.push(s / b);
}
rmSync(file);

console.log(`cms-hash: SHA-256 over a ${size / MiB} MiB file, detached signCms (median of ${repeats} runs)`);
console.log(`  baseline openssl dgst -sha256   ${fmt(median(base), 'MiB/s')}`);
console.log(
  `  shomei signCms(fileSource)      ${fmt(median(ours), 'MiB/s')}  ratio ${(median(ratios) * 100).toFixed(1)} %  (target ≥ 90 %)`,
);
console.log(
  `  RSS before ${fmt(rssBefore / MiB, 'MiB')}, peak while signing ${fmt(peakRss / MiB, 'MiB')} (growth ${fmt((peakRss - rssBefore) / MiB, 'MiB')})`,
);

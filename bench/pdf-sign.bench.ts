/**
 * Signing a 1 GiB PDF with signPdfFile: the hashing throughput (start of signing to the last byte
 * hashed) against `openssl dgst -sha256` on the same file in the same run (issue: ≥ 90 %), the whole
 * signing time (hash, sign, copy, append) and the RSS growth while signing (flat: constant memory).
 * BENCH_QUICK=1 uses 64 MiB; PDF_SIGN_MIB=<n> sets another size.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPkcs8Signer, signPdfFile } from '../packages/core/src/node.js';
import { fmt, median, QUICK } from './bench-util.js';
import { writeLargePdf } from './pdf-fixture.js';

const MiB = 1024 * 1024;
const size = Number(process.env.PDF_SIGN_MIB ?? (QUICK ? 64 : 1024)) * MiB;
const repeats = QUICK ? 2 : 5;
const tmp = fileURLToPath(new URL('../.bench-tmp/', import.meta.url));
mkdirSync(tmp, { recursive: true });
const file = `${tmp}pdf-sign-${size}.pdf`;
const out = `${tmp}pdf-sign-${size}-signed.pdf`;
const vectors = fileURLToPath(new URL('../packages/core/test/vectors/cms/', import.meta.url));
writeLargePdf(file, size);
const signer = await loadPkcs8Signer({
  key: `${vectors}signer.key.pem`,
  cert: `${vectors}signer.pem`,
  chain: [`${vectors}intermediate.pem`],
});

function openssl(): number {
  const t0 = performance.now();
  const r = spawnSync('openssl', ['dgst', '-sha256', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`openssl dgst failed: ${r.stderr}`);
  return size / MiB / ((performance.now() - t0) / 1000);
}

let peakRss = 0;
async function shomei(): Promise<{ hash: number; total: number }> {
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  let hashedAt = t0;
  await signPdfFile(file, signer, { out, onProgress: () => (hashedAt = performance.now()) });
  const t1 = performance.now();
  clearInterval(sampler);
  rmSync(out);
  return { hash: size / MiB / ((hashedAt - t0) / 1000), total: (t1 - t0) / 1000 };
}

openssl(); // warm the page cache
await shomei();
const rssBefore = process.memoryUsage().rss;
peakRss = rssBefore;
const base: number[] = [];
const ours: number[] = [];
const totals: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < repeats; r++) {
  const b = openssl();
  const s = await shomei();
  base.push(b);
  ours.push(s.hash);
  totals.push(s.total);
  ratios.push(s.hash / b);
}
rmSync(file);

console.log(`pdf-sign: signPdfFile on a ${size / MiB} MiB PDF (median of ${repeats} runs)`);
console.log(`  baseline openssl dgst -sha256     ${fmt(median(base), 'MiB/s')}`);
console.log(
  `  shomei signPdfFile hashing         ${fmt(median(ours), 'MiB/s')}  ratio ${(median(ratios) * 100).toFixed(1)} %  (target ≥ 90 %)`,
);
console.log(`  whole signing (hash, sign, copy, append) ${fmt(median(totals) * 1000, 'ms')}`);
console.log(
  `  RSS before ${fmt(rssBefore / MiB, 'MiB')}, peak while signing ${fmt(peakRss / MiB, 'MiB')} (growth ${fmt((peakRss - rssBefore) / MiB, 'MiB')})`,
);

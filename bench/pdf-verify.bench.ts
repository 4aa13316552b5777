/**
 * Verifying one signature of a 200 MiB PDF, whole process, against poppler's `pdfsig` on the same file
 * in the same run (issue: ≤ 1.0× pdfsig wall, RSS below 1/4 of the file size). shomei runs as a
 * bundled Node script (what an application ships), measured with /usr/bin/time like pdfsig.
 * BENCH_QUICK=1 uses 32 MiB; PDF_VERIFY_MIB=<n> sets another size.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadPkcs8Signer, signPdfFile } from '../packages/core/src/node.js';
import { fmt, median, QUICK } from './bench-util.js';
import { writeLargePdf } from './pdf-fixture.js';

const MiB = 1024 * 1024;
const size = Number(process.env.PDF_VERIFY_MIB ?? (QUICK ? 32 : 200)) * MiB;
const repeats = QUICK ? 3 : 5;
const tmp = fileURLToPath(new URL('../.bench-tmp/', import.meta.url));
mkdirSync(tmp, { recursive: true });
const plain = `${tmp}pdf-verify-${size}.pdf`;
const signed = `${tmp}pdf-verify-${size}-signed.pdf`;
const vectors = fileURLToPath(new URL('../packages/core/test/vectors/cms/', import.meta.url));

/** The verifier as an application ships it: one bundled ESM file run by node. */
function bundleVerifier(): string {
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild') as {
    buildSync(o: Record<string, unknown>): unknown;
  };
  const entry = `${tmp}pdf-verify-entry.ts`;
  const out = `${tmp}pdf-verify.mjs`;
  const src = fileURLToPath(new URL('../packages/core/src/node.ts', import.meta.url));
  const script = [
    `import { readFileSync } from 'node:fs';`,
    `import { verifyPdf } from ${JSON.stringify(src)};`,
    `const r = await verifyPdf(process.argv[2], { trustAnchors: [new Uint8Array(readFileSync(process.argv[3]))], revocation: 'off' });`,
    `console.log(r.verdict);`,
    `process.exit(r.verdict === 'valid' ? 0 : 1);`,
  ].join('\n');
  require0(entry, script);
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'error',
  });
  return out;
}

function require0(path: string, text: string): void {
  const fd = openSync(path, 'w');
  writeSync(fd, text);
  closeSync(fd);
}

/** Wall seconds and max RSS (MiB) of a command, from /usr/bin/time. */
function timed(cmd: string, args: string[]): { wall: number; rss: number; out: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8' });
  const last = r.stderr.trim().split('\n').pop()!.split(' ');
  return { wall: Number(last[0]), rss: Number(last[1]) / 1024, out: r.stdout };
}

writeLargePdf(plain, size);
const signer = await loadPkcs8Signer({
  key: `${vectors}signer.key.pem`,
  cert: `${vectors}signer.pem`,
  chain: [`${vectors}intermediate.pem`],
});
await signPdfFile(plain, signer, { out: signed });
rmSync(plain);
const verifier = bundleVerifier();
const root = `${vectors}root.der`;

const check = timed('node', [verifier, signed, root]);
const popplerCheck = timed('pdfsig', [signed]);
if (!check.out.includes('valid') || !/Signature is Valid/.test(popplerCheck.out)) {
  throw new Error(
    `the benchmark file does not verify: shomei ${check.out.trim()}, pdfsig ${popplerCheck.out}`,
  );
}
const base: number[] = [];
const ours: number[] = [];
const rss: number[] = [];
const bareRss: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < repeats; r++) {
  const b = timed('pdfsig', [signed]);
  // The fixed cost every Node process pays, measured beside the verifier so the overhead is visible.
  bareRss.push(timed('node', ['-e', '0']).rss);
  const s = timed('node', [verifier, signed, root]);
  base.push(b.wall);
  ours.push(s.wall);
  rss.push(s.rss);
  ratios.push(s.wall / b.wall);
}
rmSync(signed);

console.log(
  `pdf-verify: one signature of a ${size / MiB} MiB PDF, whole process (median of ${repeats} runs)`,
);
console.log(`  baseline pdfsig (poppler)            ${fmt(median(base) * 1000, 'ms')}`);
console.log(
  `  shomei verifyPdf (bundled, node)     ${fmt(median(ours) * 1000, 'ms')}  ratio ${median(ratios).toFixed(2)}×  (target ≤ 1.0×)`,
);
console.log(
  `  shomei max RSS ${fmt(median(rss), 'MiB')} = ${((median(rss) / (size / MiB)) * 100).toFixed(1)} % of the file  (target < 25 %)`,
);
console.log(
  `  baseline bare \`node -e 0\` max RSS ${fmt(median(bareRss), 'MiB')}: the verifier adds ${fmt(median(rss) - median(bareRss), 'MiB')}`,
);

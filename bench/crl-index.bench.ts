/**
 * CrlIndex at JPKI scale:
 *  1. whole process: the real `shomei crl <file> --serial <x>` (the CLI entry bundled as tsup bundles it, run
 *     by node) vs `openssl crl -inform DER -noout`
 *     on the same 1,000,000-entry (~43 MB) CRL — wall time and peak RSS, medians over repeats;
 *  2. in process: CrlIndex lookups per second (baseline: a Map keyed by hex serial built from the same list);
 *  3. parse of a 100,000-entry CRL: CrlIndex.from vs pkijs (asn1js limits raised);
 *  4. load of a 5,000,000-entry CRL: time per entry against the 1,000,000-entry load (linear ⇒ ≈ 1×).
 * BENCH_QUICK=1 shrinks every size so the script finishes in seconds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { largeCrl, largeCrlSerial as serialOf } from '@shomei/simulator/testing';
import { toHex } from '../packages/core/src/der/bytes.js';
import { CrlIndex } from '../packages/core/src/revocation/crl-index.js';
import { median, QUICK } from './bench-util.js';

const N = QUICK ? 20_000 : 1_000_000;
const N_PKIJS = QUICK ? 2_000 : 100_000;
const REPEATS = QUICK ? 1 : 5;
const root = join(import.meta.dirname, '..');
const fmt = (x: number, d = 2) => x.toFixed(d);

const dir = mkdtempSync(join(tmpdir(), 'shomei-crl-bench-'));
try {
  // --- generate ------------------------------------------------------------------------------------
  const t0 = performance.now();
  const { der } = await largeCrl(N);
  const file = join(dir, `crl-${N}.der`);
  writeFileSync(file, der);
  console.log(
    `generated ${N.toLocaleString()}-entry CRL: ${fmt(der.length / 1e6, 1)} MB in ${fmt((performance.now() - t0) / 1000)} s`,
  );

  // --- 1. whole process ------------------------------------------------------------------------------
  const req = createRequire(join(root, 'node_modules/tsup/package.json'));
  const esbuild = req('esbuild') as { build(options: Record<string, unknown>): Promise<unknown> };
  const bundle = join(dir, 'crl-process.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'packages/card/src/cli/main.ts')],
    bundle: true,
    external: ['pcsclite'],
    alias: {
      '@shomei/core/node': join(root, 'packages/core/src/node.ts'),
      '@shomei/core': join(root, 'packages/core/src/index.ts'),
    },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
  const probe = toHex(serialOf(Math.floor(N / 2)));
  const measure = (cmd: string, args: string[]) => {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8' });
    const line = r.stderr.trim().split('\n').at(-1)!;
    const [secs, kb] = line.split(' ').map(Number);
    return { secs: secs!, mb: kb! / 1024, stdout: r.stdout, status: r.status };
  };
  const runs = (cmd: string, args: string[]) => {
    const out = Array.from({ length: REPEATS }, () => measure(cmd, args));
    return { secs: median(out.map((o) => o.secs)), mb: median(out.map((o) => o.mb)), last: out.at(-1)! };
  };
  const ossl = runs('openssl', ['crl', '-inform', 'DER', '-noout', '-in', file]);
  const ours = runs(process.execPath, [bundle, 'crl', file, '--serial', probe]);
  if (!ours.last.stdout.includes(`${probe}: revoked`)) throw new Error(`lookup failed: ${ours.last.stdout}`);
  console.log('\n1. whole process on the same file (median of %d):', REPEATS);
  console.log(
    `   openssl crl -inform DER -noout : ${fmt(ossl.secs)} s, peak RSS ${fmt(ossl.mb, 0)} MiB   (baseline)`,
  );
  console.log(`   shomei crl --serial <x> (node) : ${fmt(ours.secs)} s, peak RSS ${fmt(ours.mb, 0)} MiB`);
  console.log(
    `   ratio time shomei/openssl ${fmt(ours.secs / ossl.secs)}x, RSS ${fmt(ours.mb / ossl.mb)}x  (target ≤ 1.00 both)`,
  );

  // --- 2. in-process lookups ---------------------------------------------------------------------------
  const parseTimes: number[] = [];
  let index!: CrlIndex;
  for (let r = 0; r < REPEATS; r++) {
    const s = performance.now();
    index = CrlIndex.from(der);
    parseTimes.push(performance.now() - s);
  }
  const probes = Array.from({ length: 1024 }, (_, i) => (i % 2 ? serialOf((i * 7919) % N) : serialOf(N + i)));
  const LOOKUPS = QUICK ? 200_000 : 2_000_000;
  const rate = (fn: (s: Uint8Array) => unknown) => {
    const rs: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const s = performance.now();
      for (let i = 0; i < LOOKUPS; i++) fn(probes[i & 1023]!);
      rs.push(LOOKUPS / ((performance.now() - s) / 1000));
    }
    return median(rs);
  };
  const map = new Map<string, number>();
  for (let i = 0; i < index.size; i++) map.set(toHex(serialOf(i)), i);
  const mapRate = rate((s) => map.get(toHex(s)));
  const findRate = rate((s) => index.find(s));
  const lookupRate = rate((s) => index.lookup(s));
  console.log('\n2. in process:');
  console.log(
    `   CrlIndex.from(${N.toLocaleString()} entries): ${fmt(median(parseTimes), 0)} ms (median of ${REPEATS})`,
  );
  console.log(`   Map<hex serial> baseline  : ${fmt(mapRate / 1e6)} M lookups/s   (baseline)`);
  console.log(
    `   CrlIndex.find (status)    : ${fmt(findRate / 1e6)} M lookups/s   ratio ${fmt(findRate / mapRate)}x  (target ≥ 1 M/s)`,
  );
  console.log(
    `   CrlIndex.lookup (decoded) : ${fmt(lookupRate / 1e6)} M lookups/s   ratio ${fmt(lookupRate / mapRate)}x`,
  );

  // --- 3. pkijs parse on 100,000 entries --------------------------------------------------------------
  const small = (await largeCrl(N_PKIJS)).der;
  const coreReq = createRequire(join(root, 'packages/core/package.json'));
  const asn1js = coreReq('asn1js') as {
    fromBER(b: Uint8Array, o: { maxNodes: number; maxContentLength: number }): { result: unknown };
  };
  const pkijs = coreReq('pkijs') as {
    CertificateRevocationList: new (p: { schema: unknown }) => { revokedCertificates?: unknown[] };
  };
  const pk: number[] = [];
  const ix: number[] = [];
  for (let r = 0; r < (QUICK ? 1 : 3); r++) {
    let s = performance.now();
    const asn = asn1js.fromBER(small, { maxNodes: 1e9, maxContentLength: 1e9 });
    const crl = new pkijs.CertificateRevocationList({ schema: asn.result });
    if ((crl.revokedCertificates?.length ?? 0) !== N_PKIJS) throw new Error('pkijs parse mismatch');
    pk.push(performance.now() - s);
    s = performance.now();
    CrlIndex.from(small);
    ix.push(performance.now() - s);
  }
  console.log(`\n3. parse of a ${N_PKIJS.toLocaleString()}-entry CRL:`);
  console.log(`   pkijs (limits raised)   : ${fmt(median(pk), 0)} ms   (baseline)`);
  console.log(
    `   CrlIndex.from           : ${fmt(median(ix), 1)} ms   ratio ${fmt(median(pk) / median(ix), 0)}x faster`,
  );

  // --- 4. a CRL five times larger: loading must stay linear --------------------------------------------
  const N_HUGE = QUICK ? 100_000 : 5_000_000;
  const huge = (await largeCrl(N_HUGE)).der;
  const hugeTimes: number[] = [];
  for (let r = 0; r < (QUICK ? 1 : 3); r++) {
    const s = performance.now();
    if (CrlIndex.from(huge).size !== N_HUGE) throw new Error('5M index size mismatch');
    hugeTimes.push(performance.now() - s);
  }
  const perEntry = (ms: number, n: number) => (ms * 1e6) / n;
  console.log(`\n4. load of a ${N_HUGE.toLocaleString()}-entry CRL (${fmt(huge.length / 1e6, 0)} MB):`);
  console.log(
    `   CrlIndex.from           : ${fmt(median(hugeTimes), 0)} ms (median of ${hugeTimes.length}), ${fmt(perEntry(median(hugeTimes), N_HUGE), 0)} ns/entry`,
  );
  console.log(
    `   per entry vs ${N.toLocaleString()} entries (${fmt(perEntry(median(parseTimes), N), 0)} ns/entry, baseline): ratio ${fmt(perEntry(median(hugeTimes), N_HUGE) / perEntry(median(parseTimes), N))}x`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

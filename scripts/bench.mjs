#!/usr/bin/env node
// Runs every benchmark under bench/ (each prints its baseline, its figure and the ratio).
//   pnpm bench                 all benchmarks
//   pnpm bench crl path        only files whose name contains one of the words
//   BENCH_QUICK=1 pnpm bench   small sizes, a smoke run of seconds
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = readdirSync(new URL('../bench', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(' ') || '(none in bench/)'}`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync('npx', ['tsx', `bench/${f}`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`!! ${f} exited with ${r.status}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);

#!/usr/bin/env node
// `pnpm fuzz`: the hostile-input properties of every package (test/hostile/) with many more cases
// than CI runs. FUZZ_RUNS (default 200000) and FUZZ_SEED override; extra arguments go to vitest.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '200000' };
console.log(`fuzz: FUZZ_RUNS=${env.FUZZ_RUNS} FUZZ_SEED=${env.FUZZ_SEED ?? '(default)'}`);
const r = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--testTimeout=0',
    'packages/core/test/hostile',
    'packages/card/test/hostile',
    'packages/simulator/test/hostile',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env },
);
process.exit(r.status ?? 1);

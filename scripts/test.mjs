#!/usr/bin/env node
// Runs every test of the workspace and prints one closing line "N passed, N failed[, N skipped]".
//   node scripts/test.mjs            unit + in-process integration, then the real-PC/SC suite
//   node scripts/test.mjs --only unit | --only pcsc
// The PC/SC suite runs inside scripts/with-pcsc.sh (private pcscd + vpcd). Without its system
// packages it is reported as NOT RUN with the packages to install; under CI=true that is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const out = mkdtempSync(join(tmpdir(), 'shomei-test-'));
const PCSC_PACKAGES = 'pcscd libpcsclite-dev vsmartcard-vpcd opensc';
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedSuites = 0;

function vitest(name, args, wrapper = []) {
  const report = join(out, `${name}.json`);
  const cmd = [
    ...wrapper,
    'npx',
    'vitest',
    'run',
    ...args,
    '--reporter=default',
    `--reporter=json`,
    `--outputFile.json=${report}`,
  ];
  console.log(`\n› ${name}: ${cmd.join(' ')}`);
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: root, stdio: 'inherit' });
  if (existsSync(report)) {
    const j = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests;
    totals.skipped += j.numPendingTests + j.numTodoTests;
    if (j.numFailedTestSuites > 0 && j.numFailedTests === 0) totals.failed += j.numFailedTestSuites;
  } else {
    totals.failed += 1;
  }
  if (r.status !== 0) failedSuites++;
}

function pcscMissing() {
  const need = [
    ['pcscd', '/usr/sbin/pcscd'],
    ['vsmartcard-vpcd', '/usr/lib/pcsc/drivers/serial/libifdvpcd.so'],
    ['opensc', '/usr/bin/pkcs11-tool'],
    ['libpcsclite-dev', '/usr/include/PCSC/winscard.h'],
  ];
  return need.filter(([, path]) => !existsSync(path)).map(([pkg]) => pkg);
}

if (only !== 'pcsc') vitest('unit', []);

if (only !== 'unit') {
  const missing = pcscMissing();
  const isRoot = process.getuid?.() === 0;
  if (missing.length > 0 || !isRoot) {
    const why = missing.length > 0 ? `missing system packages: ${missing.join(', ')}` : 'not running as root';
    console.error(
      `\n!! PC/SC integration tests NOT RUN (${why}).\n!! They need root (for a private network namespace) and: apt-get install -y ${PCSC_PACKAGES}`,
    );
    if (process.env.CI) {
      console.error('!! CI=true: a PC/SC suite that cannot run is a failure, not a skip.');
      failedSuites++;
      totals.failed += 1;
    }
  } else {
    vitest('pcsc', ['--config', 'vitest.pcsc.config.ts', '--passWithNoTests'], ['scripts/with-pcsc.sh']);
  }
}

console.log(
  `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(failedSuites > 0 || totals.failed > 0 ? 1 : 0);

/**
 * Regenerates docs/reliability.md from vitest JSON results: the hardening matrix — hostile
 * inputs, verifier attacks, faults, load — with cases tried and passed per test.
 *
 *   npx tsx scripts/reliability-report.ts                 # runs the unit hardening suites, writes the doc
 *   npx tsx scripts/reliability-report.ts --pcsc          # also the daemon faults through scripts/with-pcsc.sh
 *   npx tsx scripts/reliability-report.ts --from a.json,b.json   # renders existing vitest JSON files
 *
 * Test meta `cases`/`passed`/`maxMs` come from recordCases() in @shomei/simulator/testing (packages/simulator/src/testing/hostile.ts);
 * a test without them counts as one case.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DOC = join(root, 'docs/reliability.md');

const UNIT_DIRS = [
  'packages/core/test/hostile',
  'packages/card/test/hostile',
  'packages/simulator/test/hostile',
  'packages/card/test/faults',
  'packages/card/test/load',
  'examples/portal/test/portal-faults.test.ts',
  'examples/portal/test/portal-budget.test.ts',
];
const PCSC_DIRS = ['packages/card/test/faults'];

interface AssertionResult {
  title: string;
  ancestorTitles: string[];
  status: string;
  duration?: number;
  meta?: { cases?: number; passed?: number; maxMs?: number };
}
interface JsonReport {
  testResults: { name: string; assertionResults: AssertionResult[] }[];
}

const AREAS: [RegExp, string][] = [
  [
    /core\/test\/hostile\/(cms|revocation|budget)-holes/,
    'Verifier holes — content, facts, TSA, BER, revocation evidence, algorithms, budgets',
  ],
  [/core\/test\/hostile\/parsers/, 'Hostile input — core parsers (DER, X.509, CRL, OCSP, PEM)'],
  [
    /core\/test\/hostile\/(cms|timestamp)/,
    'Hostile input and attacks — CMS and RFC 3161 (parsers, verifyCms, DigestInfo, BER, several signers)',
  ],
  [/card\/test\/hostile/, 'Hostile input — card (APDU codec, card data)'],
  [/simulator\/test\/hostile/, 'Hostile input — simulator (APDU parser, virtual card, vpcd framing)'],
  [/verifier-attacks/, 'Verifier attacks — path validation and revocation'],
  [/fault-matrix/, 'Fault matrix — MemoryTransport + CardFaults (cases = fault × step)'],
  [/random-faults/, 'Fault matrix — seeded random fault schedules (cases = operations)'],
  [/\.pcsc\.test/, 'Fault matrix — pcscd + vpcd (daemon faults)'],
  [/test\/load/, 'Load'],
  [/portal-(faults|budget)/, 'Portal service — processes killed, Redis restarted, verification budgets'],
];

/** The verifier's hole classes, each with its fix and the tests that build the hostile input. */
const HOLE_CLASSES = [
  '## Verifier hole classes (each closed, with its tests)',
  '',
  '| Class | Fix | Tests |',
  '| --- | --- | --- |',
  '| Content substitution: an attached .p7s presented with another document | given content must equal the eContent, else `invalid` `CMS_CONTENT_MISMATCH` | cms-holes.test.ts “content substitution”; card/test/cli-sign-verify.test.ts |',
  '| Revocation depends on CRL order | every CRL and OCSP response consulted; permanent revocations stand; holds follow the newest evidence (cRLNumber, then thisUpdate) | revocation-holes.test.ts “every applicable CRL”, “OCSP and CRL evidence” |',
  '| SHA-1/MD5 accepted in chain, CRL, OCSP, timestamp | policy applied before any signature cache: `SIGNATURE_ALGORITHM_WEAK`; `algorithms.allowSha1` for archives | revocation-holes.test.ts “SHA-1 in the chain and in a CRL”, “SHA-1 OCSP responses”; cms verify.test.ts (signer SHA-1) |',
  '| OCSP without nextUpdate current forever | `ocspMaxAgeMs` (default 24 h), then `OCSP_STALE` | revocation-holes.test.ts “OCSP without nextUpdate” |',
  '| Timestamp signer confusion (look-alike TSA certificate) | every check on the certificate whose key verified; TSA chains to `tsaTrustAnchors` (`TIMESTAMP_UNTRUSTED`) | cms-holes.test.ts “timestamp signer confusion”, “TSA trust anchors” |',
  '| Signed attributes in BER | strict DER walk (lengths, constructed strings, BOOLEAN, SET OF order): `invalid` `CMS_SIGNED_ATTRS_NOT_DER` | cms-holes.test.ts “signed attributes in BER” |',
  '| Holder facts on an invalid report | `signer.jpki` only for a `valid` signer; text report marks the subject as claimed | cms-holes.test.ts “facts only for a valid signature” |',
  '| Terminal injection through certificate text | `neutralizeText` in formatReport, `shomei path`/`crl`, and the card CLI | core/src/report/neutralize.test.ts; card/src/cli/output.test.ts |',
  '| Quadratic PEM scan | one forward scan, bounded boundary reads | budget-holes.test.ts “PEM scanning” |',
  '| BER eContent segments (objects per segment; RangeError above ~125k) | two linear walks, one allocation, no argument spreading | budget-holes.test.ts “BER eContent segments” |',
  '| No cap on SignerInfos | `maxSigners` (default 16), refused before decoding: `CMS_TOO_MANY_SIGNERS` | budget-holes.test.ts “many SignerInfos” |',
  '| CRL listing one serial many times (quadratic indexing) | one table slot per serial, duplicates chained; seeded hash; table filled in home-slot order (as fast to build as before) | revocation-holes.test.ts “CRL indexing”; crl-index.test.ts “too large for the in-cache table” |',
  '| Nested BER indefinite lengths walked again at every level | one iterative walk records every nested end; `children`/`readChild` reuse them | der/reader.test.ts “nested indefinite lengths” (octets read counted) |',
  '| CRLs in an untrusted SignedData indexed before anything is verified | read only for a signer whose signature verified | budget-holes.test.ts “CRLs embedded in an untrusted SignedData” |',
  '',
  'Structural name comparison and the policy-tree and path-building budgets belong to path validation, with their own tests.',
  '',
];

function runVitest(args: string[], wrap: string[] = []): JsonReport {
  const dir = mkdtempSync(join(tmpdir(), 'shomei-reliability-'));
  const out = join(dir, 'report.json');
  try {
    const cmd = [...wrap, 'npx', 'vitest', 'run', ...args, '--reporter=json', `--outputFile=${out}`];
    const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      return JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
    } catch {
      throw new Error(`vitest produced no JSON report (exit ${r.status})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Row {
  area: string;
  test: string;
  cases: number;
  passed: number;
  status: string;
  maxMs?: number;
}

function rows(reports: JsonReport[]): Row[] {
  const out: Row[] = [];
  for (const report of reports) {
    for (const file of report.testResults) {
      const path = relative(root, file.name);
      const area = AREAS.find(([re]) => re.test(path))?.[1] ?? path;
      for (const a of file.assertionResults) {
        const cases = a.meta?.cases ?? 1;
        const passed = a.status === 'passed' ? (a.meta?.passed ?? cases) : 0;
        out.push({
          area,
          test: a.title,
          cases,
          passed,
          status: a.status,
          ...(a.meta?.maxMs !== undefined ? { maxMs: a.meta.maxMs } : {}),
        });
      }
    }
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

function render(all: Row[], notes: string[]): string {
  const lines: string[] = [
    '# Reliability matrix',
    '',
    '<!-- Generated by scripts/reliability-report.ts from vitest JSON results. Do not edit by hand. -->',
    '',
    `Generated ${new Date().toISOString().slice(0, 10)} with FUZZ_RUNS=${process.env.FUZZ_RUNS ?? '10000 (default)'}, FUZZ_SEED=${process.env.FUZZ_SEED ?? '20261127 (default)'}.`,
    'Regenerate with `npx tsx scripts/reliability-report.ts --pcsc` (the pcsc part needs root and scripts/with-pcsc.sh).',
    '',
    'A hostile-input case passes when the parser returns or throws a typed `ShomeiError` with one of its',
    'codes (no TypeError/RangeError anywhere in the cause chain) within 100 ms. A fault case passes when it',
    'ends in a typed error (or a success the fault cannot affect), the next call after re-insertion succeeds,',
    'no call sends a PIN twice, and the card’s PIN counters are unchanged.',
    '',
    'The portal service’s faults (a worker killed mid-job, Redis restarted, the web process killed during',
    'a burst) and verification budgets are its own tests; its load test is `pnpm bench portal`.',
    '',
    ...notes.map((n) => `> ${n}`),
    ...(notes.length ? [''] : []),
    '## Bugs these tests found (fixed)',
    '',
    '- card: a 6Cxx answer to VERIFY made the channel re-send the command, i.e. send the PIN a second time.',
    '- core: a signature BIT STRING with unused bits verified (one signature, several encodings and hashes).',
    '- core: an empty TimeStampResp hit a TypeError inside `parseTimestampResponse` (wrapped as TSA_FAILED).',
    '- card: after pcscd restarted, an open `JpkiCard` on `PcscTransport` failed with PCSC_NO_SERVICE forever',
    '  (its PC/SC context died with the daemon); the transport now establishes a new context and reconnects.',
    '',
    ...HOLE_CLASSES,
    '## Summary',
    '',
    '| Area | Tests | Cases tried | Cases passed |',
    '| --- | ---: | ---: | ---: |',
  ];
  const rank = (a: string) => {
    const i = AREAS.findIndex(([, name]) => name === a);
    return i < 0 ? AREAS.length : i;
  };
  const areas = [...new Set(all.map((r) => r.area))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  let tTests = 0;
  let tCases = 0;
  let tPassed = 0;
  for (const area of areas) {
    const rs = all.filter((r) => r.area === area);
    const cases = rs.reduce((n, r) => n + r.cases, 0);
    const passed = rs.reduce((n, r) => n + r.passed, 0);
    tTests += rs.length;
    tCases += cases;
    tPassed += passed;
    lines.push(`| ${cell(area)} | ${rs.length} | ${cases} | ${passed} |`);
  }
  lines.push(`| **Total** | **${tTests}** | **${tCases}** | **${tPassed}** |`, '');
  for (const area of areas) {
    lines.push(
      `## ${area}`,
      '',
      '| Test | Cases | Passed | Result | Slowest input (ms) |',
      '| --- | ---: | ---: | --- | ---: |',
    );
    for (const r of all.filter((x) => x.area === area)) {
      lines.push(
        `| ${cell(r.test)} | ${r.cases} | ${r.passed} | ${r.status} | ${r.maxMs === undefined ? '' : r.maxMs} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const from = args.find((a) => a.startsWith('--from'));
  const notes: string[] = [];
  let reports: JsonReport[];
  if (from) {
    const files = (from.includes('=') ? from.split('=')[1]! : args[args.indexOf(from) + 1]!).split(',');
    reports = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as JsonReport);
  } else {
    reports = [runVitest(UNIT_DIRS)];
    if (args.includes('--pcsc')) {
      reports.push(
        runVitest(['--config', 'vitest.pcsc.config.ts', ...PCSC_DIRS], [join(root, 'scripts/with-pcsc.sh')]),
      );
    } else {
      notes.push('The pcscd + vpcd daemon faults were not run for this report (pass --pcsc).');
    }
  }
  const text = `${render(rows(reports), notes)}\n`;
  writeFileSync(DOC, text);
  const all = rows(reports);
  const failed = all.filter((r) => r.status !== 'passed' && r.status !== 'skipped');
  console.log(
    `docs/reliability.md: ${all.length} tests, ${all.reduce((n, r) => n + r.cases, 0)} cases, ${failed.length} failed`,
  );
  if (failed.length) process.exit(1);
}

main();

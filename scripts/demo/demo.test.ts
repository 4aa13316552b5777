/**
 * `pnpm demo` as its users run it: a child process (tsx scripts/demo.ts), checked by its key lines
 * and its exit code. In-process mode only; `--pcsc` is demo.pcsc.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type DemoRun, runDemoProcess } from './demo-process.js';

/** The value printed after an aligned label under a step, e.g. `   verdict          valid`. */
const facts = (stdout: string, label: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith(`   ${label} `))
    .map((line) => line.slice(3 + 16 + 1));

describe('pnpm demo (in-process card and authority)', () => {
  let run: DemoRun;
  beforeAll(async () => {
    run = await runDemoProcess();
  }, 90_000);

  it('exits 0 and says every step turned out as expected', () => {
    expect([run.code, run.stdout.trimEnd().split('\n').at(-1)]).toEqual([
      0,
      '✓ every step turned out as expected',
    ]);
  });

  it('prints the verdicts in order: valid, then revoked by OCSP, then by the CRL', () => {
    expect(facts(run.stdout, 'verdict')).toEqual([
      'valid',
      'invalid (CERT_REVOKED)',
      'invalid (CERT_REVOKED)',
    ]);
  });

  it('shows where each revocation answer came from', () => {
    expect(facts(run.stdout, 'revocation').map((v) => v.split(' — ')[1])).toEqual([
      'OCSP responder (from the AIA)',
      'OCSP responder (from the AIA)',
      'CRL',
    ]);
  });

  it('shows the holder’s four facts', () => {
    expect(
      ['name', 'address', 'date of birth', 'sex'].map((l) => facts(run.stdout, l.padEnd(16))[0]),
    ).toEqual([
      '見本　花子',
      '東京都千代田区霞が関二丁目一番二号',
      '1985-04-12 (昭和60年4月12日)',
      'female (code 2)',
    ]);
  });

  it('names the two serials it issued and revokes exactly those', () => {
    const sign = facts(run.stdout, 'signing cert')[0]?.replace('serial ', '');
    const auth = facts(run.stdout, 'auth cert   ')[0]?.replace('serial ', '');
    expect(facts(run.stdout, 'revoked')[0]).toBe(`${sign}, ${auth} (keyCompromise)`);
  });

  it('never prints the PIN', () => {
    expect(`${run.stdout}${run.stderr}`).not.toContain('MIHON2024');
  });

  it('uses the card in memory', () => {
    expect(facts(run.stdout, 'reader')).toEqual(['in memory (MemoryTransport)']);
  });
});

describe('pnpm demo options', () => {
  it('an unknown option is a usage error (exit 2)', async () => {
    const r = await runDemoProcess(['--bogus']);
    expect([r.code, r.stderr.includes('usage: pnpm demo [--pcsc]')]).toEqual([2, true]);
  });

  it('--pcsc without a PC/SC service says what is missing and exits 1', async () => {
    // pcsclite finds pcscd through this socket; pointing it nowhere is "pcscd not running".
    const r = await runDemoProcess(['--pcsc'], {
      ...process.env,
      PCSCLITE_CSOCK_NAME: '/nonexistent/pcscd.comm',
    });
    expect([
      r.code,
      r.stdout.includes('--pcsc needs a running pcscd'),
      r.stdout.includes('✓ every step'),
    ]).toEqual([1, true, false]);
  });
});

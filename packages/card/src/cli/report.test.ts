import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PathResult, ValidationReport } from '@shomei/core';
import { toPem } from '@shomei/core';
import { describe, expect, it } from 'vitest';
import { runCrlCommand } from './crl-report.js';
import { reportExitCode } from './output.js';
import { renderPathResult, runPathCommand } from './path-report.js';

// NIST PKITS vectors (see packages/core/test/vectors/pkits/README.md).
const pkits = (p: string) =>
  readFileSync(fileURLToPath(new URL(`../../../core/test/vectors/pkits/${p}`, import.meta.url)));
const anchor = pkits('certs/TrustAnchorRootCertificate.crt');
const goodCa = pkits('certs/GoodCACert.crt');
const crls = [pkits('crls/GoodCACRL.crl'), pkits('crls/TrustAnchorRootCRL.crl')];
const goodCaCrl = crls[0]!;

describe('runPathCommand', () => {
  it('exits 0 with a valid path', async () => {
    const out = await runPathCommand({
      leaf: pkits('certs/ValidCertificatePathTest1EE.crt'),
      intermediates: [goodCa],
      trust: [anchor],
      crls,
    });
    expect([out.exitCode, out.stdout.split('\n')[0]]).toEqual([0, 'verdict: VALID']);
  });

  it('exits 1 with a revoked leaf and names the reason in JSON', async () => {
    const out = await runPathCommand({
      leaf: pkits('certs/InvalidRevokedEETest3EE.crt'),
      intermediates: [goodCa],
      trust: [anchor],
      crls,
      json: true,
    });
    const doc = JSON.parse(out.stdout);
    expect([out.exitCode, doc.code, doc.path[0].revocation.reason]).toEqual([
      1,
      'CERT_REVOKED',
      'keyCompromise',
    ]);
  });

  it('describes each path element in JSON as verify --json describes its chain (one mapper)', async () => {
    const out = await runPathCommand({
      leaf: pkits('certs/ValidCertificatePathTest1EE.crt'),
      intermediates: [goodCa],
      trust: [anchor],
      crls,
      json: true,
    });
    const doc = JSON.parse(out.stdout);
    expect(doc.path.map((e: { trustAnchor: boolean }) => Object.keys(e))).toEqual(
      Array(3).fill(['subject', 'issuer', 'serial', 'notBefore', 'notAfter', 'trustAnchor', 'revocation']),
    );
  });

  it('exits 2 without a trust anchor', async () => {
    expect((await runPathCommand({ leaf: goodCa, trust: [] })).exitCode).toBe(2);
  });

  it('exits 2 for an unreadable leaf', async () => {
    expect((await runPathCommand({ leaf: Uint8Array.of(1), trust: [anchor] })).exitCode).toBe(2);
  });

  it('exits 2 for a bad --at', async () => {
    expect((await runPathCommand({ leaf: goodCa, trust: [anchor], at: 'yesterday' })).exitCode).toBe(2);
  });
});

describe('renderPathResult', () => {
  it('keeps a certificate name carrying ESC, CR, LF and U+202E on one line per field', () => {
    const hostile = '\x1b[2K\rVerdict: VALID\n\u202e';
    const when = new Date('2026-01-01T00:00:00Z');
    const result: PathResult = {
      valid: true,
      verdict: 'valid',
      code: 'OK',
      message: 'ok',
      path: [
        {
          certificate: undefined as never,
          subject: `CN=${hostile}`,
          issuer: `CN=${hostile}`,
          serial: '01',
          notBefore: when,
          notAfter: when,
          trustAnchor: true,
          revocation: { status: 'unknown', source: null, detail: hostile },
        },
      ],
      validPolicies: [],
      failures: [],
      warnings: [hostile],
    };
    const text = renderPathResult(result);
    const raw = [...text].some((ch) => {
      const c = ch.codePointAt(0)!;
      return (c < 0x20 && c !== 0x0a) || c === 0x202e;
    });
    expect([raw, text.includes('\\x1B[2K\\x0DVerdict:')]).toEqual([false, true]);
  });
});

describe('runCrlCommand', () => {
  it('reports revoked with date and reason, and exits 1', () => {
    const out = runCrlCommand({ crl: goodCaCrl, serials: ['0e'] });
    expect([out.exitCode, out.stdout.trim().split('\n').at(-1)]).toEqual([
      1,
      '0e: revoked at 2010-01-01T08:30:00.000Z (keyCompromise)',
    ]);
  });

  it('reports good and exits 0 for an unlisted serial (PEM input)', () => {
    const pem = new TextEncoder().encode(toPem('X509 CRL', goodCaCrl));
    const out = runCrlCommand({ crl: pem, serials: ['2b'], json: true });
    expect([out.exitCode, JSON.parse(out.stdout).lookups]).toEqual([0, [{ serial: '2b', status: 'good' }]]);
  });

  it('prints issuer and count', () => {
    const doc = JSON.parse(runCrlCommand({ crl: goodCaCrl, json: true }).stdout);
    expect([doc.issuer, doc.count]).toEqual(['CN=Good CA,O=Test Certificates 2011,C=US', 2]);
  });

  it('exits 2 for garbage', () => {
    expect(runCrlCommand({ crl: Uint8Array.of(1, 2) }).exitCode).toBe(2);
  });

  it('exits 2 for a malformed serial', () => {
    expect(runCrlCommand({ crl: goodCaCrl, serials: ['zz'] }).exitCode).toBe(2);
  });
});

describe('reportExitCode', () => {
  const report = { verdict: 'invalid', checks: [{ name: 'signature', ok: false }] } as Pick<
    ValidationReport,
    'verdict' | 'checks'
  >;

  it('maps an invalid report to exit code 1', () => {
    expect(reportExitCode(report)).toBe(1);
  });

  it('maps an unreadable signature to exit code 2', () => {
    expect(
      reportExitCode({
        verdict: 'indeterminate',
        checks: [{ name: 'format', ok: false, code: 'CMS_MALFORMED' }],
      }),
    ).toBe(2);
  });

  it('maps a valid report to exit code 0', () => {
    expect(reportExitCode({ ...report, verdict: 'valid' })).toBe(0);
  });
});

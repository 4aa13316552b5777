import { beforeAll, describe, expect, it } from 'vitest';
import { hierarchy, NOW, type TestCert } from '../../test/support/cert-factory.js';
import { buildCrl } from '../../test/support/crl-factory.js';
import { toPem } from '../der/pem.js';
import { runCrlCommand } from './crl-report.js';
import { runPathCommand } from './path-report.js';

let root: TestCert;
let ca: TestCert;
let leaf: TestCert;
let crl: Uint8Array;

beforeAll(async () => {
  ({ root, ca, leaf } = await hierarchy({ leaf: { serial: 0x2a } }));
  crl = await buildCrl({
    issuer: ca,
    crlNumber: 3,
    entries: [{ serial: 0x2a, reason: 1, date: new Date('2026-03-01T00:00:00Z') }],
  });
});

describe('runPathCommand', () => {
  it('exits 0 with a valid path', async () => {
    const out = await runPathCommand({
      leaf: leaf.der,
      intermediates: [ca.der],
      trust: [root.der],
      at: NOW.toISOString(),
    });
    expect([out.exitCode, out.stdout.split('\n')[0]]).toEqual([0, 'verdict: VALID']);
  });

  it('exits 1 with a revoked leaf and names the reason in JSON', async () => {
    const out = await runPathCommand({
      leaf: leaf.der,
      intermediates: [ca.der],
      trust: [root.der],
      crls: [crl],
      at: NOW.toISOString(),
      json: true,
    });
    const doc = JSON.parse(out.stdout);
    expect([out.exitCode, doc.code, doc.path[0].revocation.reason]).toEqual([
      1,
      'CERT_REVOKED',
      'keyCompromise',
    ]);
  });

  it('exits 2 without a trust anchor', async () => {
    expect((await runPathCommand({ leaf: leaf.der, trust: [] })).exitCode).toBe(2);
  });

  it('exits 2 for an unreadable leaf', async () => {
    expect((await runPathCommand({ leaf: Uint8Array.of(1), trust: [root.der] })).exitCode).toBe(2);
  });

  it('exits 2 for a bad --at', async () => {
    expect((await runPathCommand({ leaf: leaf.der, trust: [root.der], at: 'yesterday' })).exitCode).toBe(2);
  });
});

describe('runCrlCommand', () => {
  it('reports revoked with date and reason, and exits 1', () => {
    const out = runCrlCommand({ crl, serials: ['2a'] });
    expect([out.exitCode, out.stdout.trim().split('\n').at(-1)]).toEqual([
      1,
      '2a: revoked at 2026-03-01T00:00:00.000Z (keyCompromise)',
    ]);
  });

  it('reports good and exits 0 for an unlisted serial (PEM input)', () => {
    const pem = new TextEncoder().encode(toPem('X509 CRL', crl));
    const out = runCrlCommand({ crl: pem, serials: ['2b'], json: true });
    expect([out.exitCode, JSON.parse(out.stdout).lookups]).toEqual([0, [{ serial: '2b', status: 'good' }]]);
  });

  it('prints issuer and count', () => {
    const doc = JSON.parse(runCrlCommand({ crl, json: true }).stdout);
    expect([doc.issuer, doc.count, doc.crlNumber]).toEqual(['CN=Test CA,O=Shomei,C=JP', 1, '03']);
  });

  it('exits 2 for garbage', () => {
    expect(runCrlCommand({ crl: Uint8Array.of(1, 2) }).exitCode).toBe(2);
  });

  it('exits 2 for a malformed serial', () => {
    expect(runCrlCommand({ crl, serials: ['zz'] }).exitCode).toBe(2);
  });
});

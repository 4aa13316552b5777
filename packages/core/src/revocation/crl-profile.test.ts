/**
 * The CRL profile under `profile: 'strict'` (the default): cRLNumber present and never critical
 * (RFC 5280 §5.2.3), in delta CRLs too (§5.2.4). `profile: 'lenient'` accepts such CRLs.
 */

import { buildCrl, generateKey, issue, NOW, type TestCert } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ValidatePathOptions } from '../path/types.js';
import { validatePath } from '../path/validate-path.js';

let root: TestCert;
let ca: TestCert;
let leaf: TestCert;

beforeAll(async () => {
  const [k0, k1, k2] = await Promise.all([generateKey(), generateKey(), generateKey()]);
  root = await issue({ subject: 'CN=CRL Profile Root,C=JP', key: k0!, ca: true });
  ca = await issue({ subject: 'CN=CRL Profile CA,C=JP', key: k1!, issuer: root, ca: true });
  leaf = await issue({ subject: 'CN=CRL Profile Leaf,C=JP', key: k2!, issuer: ca, serial: 0x4242 });
});

const run = async (crls: Uint8Array[], o: Partial<ValidatePathOptions> = {}) =>
  validatePath(leaf.der, {
    trustAnchors: [root.der],
    intermediates: [ca.der],
    time: NOW,
    revocation: 'require',
    crls: [...crls, await buildCrl({ issuer: root })],
    ...o,
  });

const outcome = (r: Awaited<ReturnType<typeof run>>) => ({
  verdict: r.verdict,
  code: r.code,
  failures: r.failures.map((f) => [f.index, f.code]),
  leaf: r.path[0]?.revocation.status,
});

describe('CRL profile (RFC 5280 §5.2.3)', () => {
  it('uses a conforming CRL (the factory adds a non-critical cRLNumber)', async () => {
    const r = await run([await buildCrl({ issuer: ca })]);
    expect(outcome(r)).toEqual({ verdict: 'valid', code: 'OK', failures: [], leaf: 'good' });
  });

  it('a CRL without cRLNumber is not evidence: CRL_NUMBER_MISSING', async () => {
    const r = await run([await buildCrl({ issuer: ca, crlNumber: null })]);
    expect(outcome(r)).toEqual({
      verdict: 'indeterminate',
      code: 'CRL_NUMBER_MISSING',
      failures: [[0, 'CRL_NUMBER_MISSING']],
      leaf: 'unknown',
    });
    expect(r.failures[0]?.detail).toContain('no cRLNumber');
  });

  it('a CRL with a critical cRLNumber is not evidence: CRL_NUMBER_CRITICAL', async () => {
    const r = await run([await buildCrl({ issuer: ca, crlNumber: 5, crlNumberCritical: true })]);
    expect(outcome(r)).toEqual({
      verdict: 'indeterminate',
      code: 'CRL_NUMBER_CRITICAL',
      failures: [[0, 'CRL_NUMBER_CRITICAL']],
      leaf: 'unknown',
    });
  });

  it('a revocation in a CRL without cRLNumber is not taken as proof either', async () => {
    const crl = await buildCrl({ issuer: ca, crlNumber: null, entries: [{ serial: 0x4242, reason: 1 }] });
    expect(outcome(await run([crl]))).toMatchObject({ verdict: 'indeterminate', code: 'CRL_NUMBER_MISSING' });
  });

  it('under revocation "prefer" the refused CRL still makes the status indeterminate, not good', async () => {
    const r = await run([await buildCrl({ issuer: ca, crlNumber: null })], { revocation: 'prefer' });
    expect([r.verdict, r.code]).toEqual(['indeterminate', 'CRL_NUMBER_MISSING']);
  });

  it('a forged CRL is reported for its signature, not its profile', async () => {
    const crl = await buildCrl({ issuer: ca, crlNumber: null, corruptSignature: true });
    expect((await run([crl])).code).toBe('CRL_SIGNATURE_INVALID');
  });

  it('the profile applies to the CRL of an intermediate too', async () => {
    const r = await validatePath(leaf.der, {
      trustAnchors: [root.der],
      intermediates: [ca.der],
      time: NOW,
      revocation: 'require',
      crls: [await buildCrl({ issuer: ca }), await buildCrl({ issuer: root, crlNumber: null })],
    });
    expect(r.failures.map((f) => [f.index, f.code])).toEqual([[1, 'CRL_NUMBER_MISSING']]);
  });

  it('profile "lenient" accepts a CRL without cRLNumber or with a critical one', async () => {
    const missing = await run([await buildCrl({ issuer: ca, crlNumber: null })], { profile: 'lenient' });
    const critical = await run([await buildCrl({ issuer: ca, crlNumberCritical: true })], {
      profile: 'lenient',
    });
    const revoked = await run(
      [await buildCrl({ issuer: ca, crlNumber: null, entries: [{ serial: 0x4242, reason: 1 }] })],
      { profile: 'lenient' },
    );
    expect([outcome(missing), outcome(critical), revoked.code]).toEqual([
      { verdict: 'valid', code: 'OK', failures: [], leaf: 'good' },
      { verdict: 'valid', code: 'OK', failures: [], leaf: 'good' },
      'CERT_REVOKED',
    ]);
  });
});

describe('delta CRL profile (RFC 5280 §5.2.4)', () => {
  it('a delta without cRLNumber keeps its base from saying good: CRL_NUMBER_MISSING', async () => {
    const base = await buildCrl({ issuer: ca, crlNumber: 10 });
    const delta = await buildCrl({ issuer: ca, crlNumber: null, deltaOf: 10 });
    expect(outcome(await run([base, delta]))).toEqual({
      verdict: 'indeterminate',
      code: 'CRL_NUMBER_MISSING',
      failures: [[0, 'CRL_NUMBER_MISSING']],
      leaf: 'unknown',
    });
  });

  it('a delta with a critical cRLNumber: CRL_NUMBER_CRITICAL', async () => {
    const base = await buildCrl({ issuer: ca, crlNumber: 10 });
    const delta = await buildCrl({ issuer: ca, crlNumber: 11, crlNumberCritical: true, deltaOf: 10 });
    expect(outcome(await run([base, delta]))).toMatchObject({ code: 'CRL_NUMBER_CRITICAL' });
  });

  it('a permanent revocation in the base stands despite a non-conforming delta', async () => {
    const base = await buildCrl({ issuer: ca, crlNumber: 10, entries: [{ serial: 0x4242, reason: 1 }] });
    const delta = await buildCrl({ issuer: ca, crlNumber: null, deltaOf: 10 });
    expect((await run([base, delta])).code).toBe('CERT_REVOKED');
  });

  it('a conforming delta (factory default number) applies', async () => {
    const base = await buildCrl({ issuer: ca, crlNumber: 10 });
    const delta = await buildCrl({ issuer: ca, deltaOf: 10, entries: [{ serial: 0x4242, reason: 1 }] });
    expect((await run([base, delta])).code).toBe('CERT_REVOKED');
  });

  it('profile "lenient" applies a delta without cRLNumber', async () => {
    const base = await buildCrl({ issuer: ca, crlNumber: 10 });
    const delta = await buildCrl({
      issuer: ca,
      crlNumber: null,
      deltaOf: 10,
      entries: [{ serial: 0x4242, reason: 1 }],
    });
    expect((await run([base, delta], { profile: 'lenient' })).code).toBe('CERT_REVOKED');
  });
});

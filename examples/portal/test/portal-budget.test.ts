/**
 * One hostile upload cannot stall the others: verification runs in threads with a time budget. A PEM
 * file of many BEGIN lines without END (slow to scan) and an honest signature are verified at once on
 * a two-thread pool: the honest one is answered while the hostile one runs, and the hostile one ends
 * within its budget. A job that keeps failing ends as `indeterminate` with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalConfig } from '../src/config.js';
import { VerifierPool, VerifyFailure } from '../src/verifier-pool.js';
import { type PortalFixture, portalFixture } from './fixture.js';
import { type InProcessPortal, inProcessPortal } from './harness.js';

let fixture: PortalFixture;

beforeAll(async () => {
  fixture = await portalFixture();
}, 60_000);

afterAll(async () => {
  await fixture?.close();
});

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value, at: performance.now() }),
    (error: unknown) => ({ error, at: performance.now() }),
  );

describe('verification budgets', () => {
  it('an honest upload is verified while a hostile one runs, and the hostile one ends within its budget', async () => {
    const budget = 6000;
    const pool = new VerifierPool(
      portalConfig({
        trustAnchors: fixture.authority.trustAnchors,
        verifyThreads: 2,
        verifyTimeoutMs: budget,
      }),
    );
    try {
      // Warm both threads (loading is not part of a budget, but the first OCSP answer is fetched here).
      await Promise.all([0, 1].map(() => pool.verify('cms', { signature: fixture.valid })));
      const hostile = new TextEncoder().encode('-----BEGIN PKCS7-----\n'.repeat(60_000));
      const t0 = performance.now();
      const [bad, good] = await Promise.all([
        settle(pool.verify('cms', { signature: hostile })),
        settle(pool.verify('cms', { signature: fixture.valid })),
      ]);
      const badOutcome = 'error' in bad ? (bad.error as VerifyFailure).code : (bad.value.verdict as string);
      expect([
        'value' in good ? good.value.verdict : 'failed',
        good.at - t0 < budget,
        bad.at - t0 < budget + 3000,
        ['VERIFY_TIMEOUT', 'indeterminate'].includes(badOutcome),
      ]).toEqual(['valid', true, true, true]);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('a verification past its budget fails with VERIFY_TIMEOUT and the pool goes on with a new thread', async () => {
    const pool = new VerifierPool(
      portalConfig({ trustAnchors: fixture.authority.trustAnchors, verifyThreads: 1, verifyTimeoutMs: 1 }),
    );
    try {
      const outcomes = [];
      for (let i = 0; i < 2; i++) {
        outcomes.push(
          await pool.verify('cms', { signature: fixture.valid }).then(
            () => 'verified',
            (e: unknown) => (e instanceof VerifyFailure ? e.code : String(e)),
          ),
        );
      }
      expect(outcomes).toEqual(['VERIFY_TIMEOUT', 'VERIFY_TIMEOUT']);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('a job that keeps failing', () => {
  let portal: InProcessPortal;
  afterAll(async () => {
    await portal?.close();
  });

  it('ends as indeterminate with its reason after the configured attempts', async () => {
    portal = await inProcessPortal(fixture.authority.trustAnchors, { verifyTimeoutMs: 1, attempts: 2 });
    const response = await fetch(`${portal.url}/api/verify`, {
      method: 'POST',
      body: new Uint8Array(fixture.valid),
    });
    let status = (await response.json()) as { statusUrl?: string; verdict?: string; code?: string };
    if (status.statusUrl) {
      for (let i = 0; i < 100 && !('report' in status); i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await (await fetch(`${portal.url}${status.statusUrl}`)).json()) as typeof status;
      }
      status = (status as { report?: typeof status }).report ?? status;
    }
    const { rows } = await portal.services.query('SELECT verdict, code, attempts FROM applications');
    expect([status.verdict, status.code, rows]).toEqual([
      'indeterminate',
      'VERIFY_TIMEOUT',
      [{ verdict: 'indeterminate', code: 'VERIFY_TIMEOUT', attempts: 2 }],
    ]);
  }, 60_000);
});

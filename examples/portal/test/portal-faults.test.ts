/**
 * Nothing is lost: real `portal web` and `portal worker` processes on real PostgreSQL and a Redis this
 * file owns (so it can restart it). A worker killed with SIGKILL in the middle of a burst, Redis
 * restarted with jobs waiting, and the web process killed during a burst — each time every accepted
 * upload ends with exactly one application row and one verdict.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisConnection } from '../src/queue.js';
import { type PortalFixture, portalFixture } from './fixture.js';
import { type Role, type Services, services, startRole, verdicts, writeConfig } from './harness.js';

let fixture: PortalFixture;
let s: Services;
let config: string;
let queue: Queue;
let web: Role;
const roles: Role[] = [];

async function role(kind: 'web' | 'worker'): Promise<Role> {
  const r = await startRole(kind, config);
  roles.push(r);
  return r;
}

beforeAll(async () => {
  [fixture, s] = await Promise.all([portalFixture(), services({ ownRedis: true })]);
  // A dead worker's lock lapses after 2 s; workers look for orphaned applications every 2 s.
  config = writeConfig(s, fixture.authority.trustAnchors, { lockMs: 2000, sweepSeconds: 2 });
  queue = new Queue(s.queueName, { connection: redisConnection(s.redisUrl) });
  queue.on('error', () => {});
  web = await role('web');
}, 90_000);

afterAll(async () => {
  for (const r of roles) await r.stop('SIGKILL');
  await queue?.close();
  await fixture?.close();
  await s?.close();
});

/** Posts each upload, `concurrency` at a time; returns the accepted application ids (HTTP 200/202). */
async function burst(
  uploads: readonly Uint8Array[],
  base: () => string,
  concurrency = 4,
  onAccepted?: (count: number) => void,
): Promise<{ accepted: string[]; failed: Uint8Array[] }> {
  const accepted: string[] = [];
  const failed: Uint8Array[] = [];
  let next = 0;
  const one = async () => {
    while (next < uploads.length) {
      const body = uploads[next++]!;
      try {
        const r = await fetch(`${base()}/api/applications`, { method: 'POST', body: new Uint8Array(body) });
        if (r.status !== 202 && r.status !== 200) throw new Error(`HTTP ${r.status}`);
        accepted.push(((await r.json()) as { id: string }).id);
        onAccepted?.(accepted.length);
      } catch {
        failed.push(body);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return { accepted, failed };
}

/** Waits until every id has a verdict in the database; returns the rows. */
async function allVerified(ids: readonly string[], ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = await verdicts(s.databaseUrl);
    if (ids.every((id) => rows.get(id)?.verdict)) return rows;
    if (Date.now() > deadline) {
      const missing = ids.filter((id) => !rows.get(id)?.verdict);
      throw new Error(`${missing.length} of ${ids.length} applications have no verdict`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('nothing is lost', () => {
  it('a worker killed with SIGKILL mid-job: its jobs go to another worker, each verified once', async () => {
    const uploads = await fixture.applications(30);
    const first = await role('worker');
    let killed: Promise<string[]> | undefined;
    const { accepted } = await burst(
      uploads,
      () => web.url,
      6,
      (n) => {
        // A third of the way in, the jobs the worker holds are taken from it the hard way.
        if (n === 10 && !killed) {
          killed = (async () => {
            for (let i = 0; i < 100 && (await queue.getActiveCount()) === 0; i++) {
              await new Promise((r) => setTimeout(r, 20));
            }
            await first.stop('SIGKILL');
            // What is still active now was held by the dead worker: those jobs must be taken again.
            return (await queue.getActive()).map((j) => j.id!);
          })();
        }
      },
    );
    const inFlight = await killed!;
    await role('worker');
    const rows = await allVerified(accepted);
    const own = accepted.map((id) => rows.get(id)?.verdict);
    expect([
      accepted.length,
      new Set(accepted).size,
      own.every((v) => v === 'valid'),
      inFlight.length > 0,
      inFlight.every((id) => rows.get(id)?.verdict === 'valid'),
    ]).toEqual([30, 30, true, true, true]);
  }, 120_000);

  it('Redis restarted with jobs waiting: the jobs are still there (AOF) and all get verified', async () => {
    // No worker runs while Redis restarts, so only Redis can have kept these jobs.
    for (const r of roles.filter((r) => r !== web)) await r.stop('SIGTERM');
    const uploads = await fixture.applications(20);
    const { accepted } = await burst(uploads, () => web.url);
    const before = await queue.getWaitingCount();
    await s.redis!.stop('SIGTERM');
    await s.redis!.start();
    const after = await queue.getWaitingCount();
    await role('worker');
    const rows = await allVerified(accepted);
    expect([
      accepted.length,
      before,
      after,
      accepted.every((id) => rows.get(id)?.verdict === 'valid'),
    ]).toEqual([20, 20, 20, true]);
  }, 120_000);

  it('the web process killed during a burst: accepted uploads are verified, retries are not duplicated', async () => {
    const uploads = await fixture.applications(30);
    let current = web;
    let restarting: Promise<void> | undefined;
    const firstRound = await burst(
      uploads,
      () => current.url,
      4,
      (n) => {
        if (n === 8 && !restarting) {
          restarting = (async () => {
            await current.stop('SIGKILL');
            current = await role('web');
          })();
        }
      },
    );
    await restarting;
    // The citizen's client sends again what got no answer; the content hash makes that safe.
    const retried = await burst([...firstRound.failed, ...uploads.slice(0, 5)], () => current.url);
    const ids = [...new Set([...firstRound.accepted, ...retried.accepted])];
    const rows = await allVerified(ids);
    const mine = [...rows.keys()].filter((id) => ids.includes(id));
    expect([
      retried.failed.length,
      ids.length,
      mine.length,
      ids.every((id) => rows.get(id)?.verdict === 'valid'),
    ]).toEqual([0, 30, 30, true]);
  }, 120_000);
});

/**
 * Issue 9: 1,000 concurrent verifications through the portal's HTTP endpoint on loopback complete
 * without error, with flat memory. Three rounds of 1,000 requests in flight at once (the first warms
 * caches and JIT); heap is measured after a forced GC following round 1 and round 3. The bound on time
 * is the test timeout; the figures are printed for the performance notes.
 */
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalConfig } from '../src/config.js';
import { createPortalServer } from '../src/server.js';
import { type PortalFixture, portalFixture } from './fixture.js';

const CONCURRENT = 1000;
const MiB = 1024 * 1024;

let fixture: PortalFixture;
let portal: Server;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT });

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(async () => {
  fixture = await portalFixture();
  portal = createPortalServer(portalConfig({ trustAnchors: fixture.authority.trustAnchors }));
  // The listen backlog must hold a burst of 1,000 connections (Node's default is 511).
  await new Promise<void>((resolve) => portal.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve));
  port = (portal.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  agent.destroy();
  if (portal) await new Promise((resolve) => portal.close(resolve));
  await fixture?.close();
});

function verifyOnce(body: Uint8Array): Promise<{ status: number; verdict: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/verify',
        method: 'POST',
        agent,
        headers: { 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { verdict?: string };
          resolve({ status: res.statusCode ?? 0, verdict: json.verdict ?? 'error' });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function round(): Promise<{ ok: number; ms: number }> {
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: CONCURRENT }, () => verifyOnce(fixture.valid)));
  const ok = results.filter((r) => r.status === 200 && r.verdict === 'valid').length;
  return { ok, ms: performance.now() - started };
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('1,000 concurrent verifications through POST /api/verify', () => {
  it('all answer valid in every round, and the heap stays flat', async () => {
    const first = await round();
    const before = heapAfterGc();
    const second = await round();
    const third = await round();
    const after = heapAfterGc();
    const growth = (after - before) / MiB;
    console.log(
      `portal load: ${CONCURRENT} concurrent × 3 rounds; ` +
        `round times ${[first, second, third].map((r) => `${Math.round(r.ms)} ms`).join(', ')} ` +
        `(${Math.round((2 * CONCURRENT * 1000) / (second.ms + third.ms))} verifications/s after warm-up); ` +
        `heap after GC ${(before / MiB).toFixed(1)} → ${(after / MiB).toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB)`,
    );
    expect([first.ok, second.ok, third.ok]).toEqual([CONCURRENT, CONCURRENT, CONCURRENT]);
    // Flat: two more rounds of 1,000 leave less than 8 MiB behind after GC.
    expect(growth).toBeLessThan(8);
  }, 30_000);
});

/**
 * The portal as a service, on loopback: N distinct signed applications of ~10 KB (attached CAdES-BES
 * by a simulated My Number card, OCSP from the simulator's authority) are posted through the HTTP API
 * to one `portal web` process, verified by 1 or 2 `portal worker` processes (one verification thread
 * each) on a private PostgreSQL and Redis, and the bench waits for every verdict in the database.
 * Baseline, measured in the same run on the same files: in-process `verifyCms` with the options the
 * worker's thread uses. Prints throughput (first upload → last verdict), the scaling ratio, the ratio
 * to the baseline, and p50/p99 latency from upload to verdict (the database's own timestamps).
 * Targets: 2 workers ≥ 1.7× 1 worker; 1 worker ≥ 50 % of in-process verifyCms.
 *
 * On Linux it also counts the CPU time every process spent per application during the rounds (from
 * /proc: web, worker main thread, worker's other threads — the verification thread, V8's GC helpers,
 * libuv —, PostgreSQL, Redis, and this client) and the CPU time of one in-process verification. The
 * sum bounds what the machine can give at all: with C ms of CPU per application on K cores, no number
 * of workers passes K × 1000 / C applications per second. Each round prints the load average, because
 * on a shared machine the figures move with it.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, privatePostgres, privateRedis } from '../examples/portal/src/services.js';
import { ApplicationStore } from '../examples/portal/src/store.js';
import { portalFixture } from '../examples/portal/test/fixture.js';
import { type Role, type Services, startRole, writeConfig } from '../examples/portal/test/harness.js';
import { verifyCms } from '../packages/core/src/node.js';
import { fmt, median, QUICK, rate } from './bench-util.js';

const N = QUICK ? 120 : 400;
const ROUNDS = QUICK ? 1 : 3;
const IN_FLIGHT = 64;
const ROUND_LIMIT_MS = 180_000;

const dir = mkdtempSync(join(tmpdir(), 'shomei-portal-bench-'));
chmodSync(dir, 0o755);
const postgres = await privatePostgres(join(dir, 'pg'));
const redis = await privateRedis(join(dir, 'redis'));
const fixture = await portalFixture();
const roles: Role[] = [];
const CORES = cpus().length;

/** CPU time (ms) of each thread of a process, from /proc (Linux); empty elsewhere. */
function threadCpu(pid: number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (pid === undefined || !existsSync(`/proc/${pid}/task`)) return out;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after "(comm)": utime and stime are the 12th and 13th, in clock ticks (USER_HZ = 100).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // the thread ended between listing and reading
    }
  }
  return out;
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
/** PostgreSQL's postmaster and its backends (one per connection). */
const postgresPids = (): number[] => {
  try {
    const children = execFileSync('pgrep', ['-P', String(postgres.pid)])
      .toString()
      .trim()
      .split('\n');
    return [postgres.pid!, ...children.map(Number)];
  } catch {
    return postgres.pid ? [postgres.pid] : [];
  }
};

type CpuShare = Record<'web' | 'workerMain' | 'workerThreads' | 'postgres' | 'redis' | 'client', number>;

/** CPU ms spent per process group since `snapshot()` was taken; call the result to read it. */
function cpuMeter(web: Role, workers: readonly Role[]): () => CpuShare {
  const take = () => ({
    web: sum(threadCpu(web.child.pid)),
    workers: workers.map((w) => threadCpu(w.child.pid)),
    postgres: postgresPids().reduce((a, pid) => a + sum(threadCpu(pid)), 0),
    redis: sum(threadCpu(redis.pid)),
    client: sum(threadCpu(process.pid)),
  });
  const before = take();
  return () => {
    const after = take();
    let main = 0;
    let threads = 0;
    after.workers.forEach((w, i) => {
      const pid = String(workers[i]!.child.pid);
      for (const [tid, ms] of w) {
        const d = ms - (before.workers[i]!.get(tid) ?? 0);
        if (tid === pid) main += d;
        else threads += d;
      }
    });
    return {
      web: after.web - before.web,
      workerMain: main,
      workerThreads: threads,
      postgres: after.postgres - before.postgres,
      redis: after.redis - before.redis,
      client: after.client - before.client,
    };
  };
}

async function main() {
  await Promise.all([postgres.start(), redis.start()]);
  const databaseUrl = await createDatabase(postgres.url, 'portal_bench');
  const s = { databaseUrl, redisUrl: redis.url, queueName: 'portal-bench', dir } as Services;
  const configPath = writeConfig(s, fixture.authority.trustAnchors, {
    verifyThreads: 1,
    maxUploadBytes: 65536,
    // PORTAL_JOBS_PER_THREAD compares worker concurrency settings (run the bench once per setting).
    ...(process.env.PORTAL_JOBS_PER_THREAD
      ? { jobsPerThread: Number(process.env.PORTAL_JOBS_PER_THREAD) }
      : {}),
  });
  const uploads = await fixture.applications(N, 10 * 1024);
  const size = median(uploads.map((u) => u.length));

  // Baseline: in-process verifyCms on the same files, the options of the worker's thread.
  const options = {
    trustAnchors: fixture.authority.trustAnchors,
    revocation: { mode: 'require' as const, fetch: true },
  };
  const first = await verifyCms(uploads[0]!, options);
  if (first.verdict !== 'valid') throw new Error(`setup: ${first.verdict} ${first.code}`);
  let i = 0;
  /** Verifications per second, and the CPU ms one takes (all of this process's threads). */
  const baseline = async () => {
    const c0 = process.cpuUsage();
    const r = await rate(N, () => verifyCms(uploads[i++ % N]!, options));
    const c = process.cpuUsage(c0);
    return { rate: r, cpu: (c.user + c.system) / 1000 / N };
  };
  await baseline();

  const db = new ApplicationStore(databaseUrl, 2).pool;
  const web = await startRole('web', configPath);
  roles.push(web);
  // node:http with keep-alive: the client must not be the bottleneck (Node 20's fetch, with a body,
  // reaches only a fraction of this rate on loopback).
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const { hostname, port } = new URL(web.url);
  const upload = (body: Uint8Array) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port,
          path: '/api/applications',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/octet-stream', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  /** Posts `files` IN_FLIGHT at a time and waits until each has its verdict in the database. */
  async function postAll(files: readonly Uint8Array[], k: number) {
    let next = 0;
    const post = async () => {
      while (next < files.length) {
        const status = await upload(files[next++]!);
        if (status !== 202) throw new Error(`upload answered ${status}`);
      }
    };
    const deadline = Date.now() + ROUND_LIMIT_MS;
    await Promise.all(Array.from({ length: IN_FLIGHT }, post));
    for (;;) {
      const { rows } = await db.query<{ n: string }>(
        'SELECT count(*) AS n FROM applications WHERE verdict IS NOT NULL',
      );
      if (Number(rows[0]!.n) === files.length) return;
      if (Date.now() > deadline) throw new Error(`round with ${k} worker(s) did not finish in time`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** One round: k workers (warmed on a few uploads first), N uploads, every verdict stored. */
  async function round(k: number) {
    const workers = await Promise.all(Array.from({ length: k }, () => startRole('worker', configPath)));
    roles.push(...workers);
    await db.query('TRUNCATE applications');
    await postAll(uploads.slice(0, 8 * k), k);
    await db.query('TRUNCATE applications');
    const load = loadavg()[0]!;
    const meter = cpuMeter(web, workers);
    await postAll(uploads, k);
    const cpu = meter();
    const { rows } = await db.query<{ span: number; latency: number[]; wrong: string }>(
      `SELECT extract(epoch FROM max(verified_at) - min(received_at)) AS span,
              array_agg(extract(epoch FROM verified_at - received_at) * 1000 ORDER BY 1) AS latency,
              count(*) FILTER (WHERE verdict <> 'valid') AS wrong
       FROM applications`,
    );
    const { span, latency, wrong } = rows[0]!;
    if (Number(wrong) > 0) throw new Error(`${wrong} applications were not valid`);
    const sorted = latency.map(Number).sort((a: number, b: number) => a - b);
    for (const w of workers) await w.stop('SIGTERM');
    return {
      load,
      cpu,
      rate: N / Number(span),
      p50: sorted[Math.floor(sorted.length * 0.5)]!,
      p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!,
    };
  }

  // Interleave the baseline, 1 worker and 2 workers in every round so load hits all alike.
  const base: { rate: number; cpu: number }[] = [];
  const one: Awaited<ReturnType<typeof round>>[] = [];
  const two: Awaited<ReturnType<typeof round>>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    base.push(await baseline());
    one.push(await round(1));
    two.push(await round(2));
    const [b, o, t] = [base.at(-1)!, one.at(-1)!, two.at(-1)!];
    console.error(
      `  round ${r + 1}: baseline ${b.rate.toFixed(0)}/s, 1 worker ${o.rate.toFixed(1)}/s (load ${o.load.toFixed(1)}), 2 workers ${t.rate.toFixed(1)}/s (load ${t.load.toFixed(1)})`,
    );
  }
  await db.end();
  agent.destroy();

  const b = median(base.map((x) => x.rate));
  const bCpu = median(base.map((x) => x.cpu));
  const r1 = median(one.map((x) => x.rate));
  const r2 = median(two.map((x) => x.rate));
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const loads = [...one, ...two].map((x) => x.load);
  console.log(
    `portal: ${N} applications of ${(size / 1024).toFixed(1)} KiB (attached, OCSP), ${IN_FLIGHT} uploads in flight, median of ${ROUNDS} round(s), ${CORES} cores, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} at the rounds' start`,
  );
  console.log(
    `  baseline in-process verifyCms (sequential)   ${fmt(b, 'verifications/s')}  CPU ${bCpu.toFixed(2)} ms per verification`,
  );
  console.log(
    `  portal, 1 worker                            ${fmt(r1, 'applications/s')}  ratio ${((r1 / b) * 100).toFixed(1)} % of baseline (target ≥ 50 %)`,
  );
  console.log(
    `  portal, 2 workers                           ${fmt(r2, 'applications/s')}  scaling ${(r2 / r1).toFixed(2)}× (target ≥ 1.7×)`,
  );
  console.log(
    `  upload → verdict, 1 worker                  p50 ${ms(median(one.map((x) => x.p50)))}  p99 ${ms(median(one.map((x) => x.p99)))}`,
  );
  console.log(
    `  upload → verdict, 2 workers                 p50 ${ms(median(two.map((x) => x.p50)))}  p99 ${ms(median(two.map((x) => x.p99)))}`,
  );
  for (const [label, rounds] of [
    ['1 worker', one],
    ['2 workers', two],
  ] as const) {
    const per = (k: keyof CpuShare) => median(rounds.map((x) => x.cpu[k])) / N;
    const service = per('web') + per('workerMain') + per('workerThreads') + per('postgres') + per('redis');
    if (service === 0) continue; // no /proc: nothing counted
    console.log(
      `  CPU per application, ${label.padEnd(9)}          ${service.toFixed(2)} ms service + ${per('client').toFixed(2)} ms client: web ${per('web').toFixed(2)}, worker main ${per('workerMain').toFixed(2)}, worker threads ${per('workerThreads').toFixed(2)} (verification, GC, libuv), PostgreSQL ${per('postgres').toFixed(2)}, Redis ${per('redis').toFixed(2)}`,
    );
    if (label === '1 worker') {
      // Every process here shares the machine's cores, so no number of workers passes this rate.
      const perApp = service + per('client');
      const ceiling = (CORES * 1000) / perApp;
      // 2 workers ≥ 1.7 × (1 worker ≥ 0.5 × baseline) means 2 workers ≥ 0.85 × baseline, which the
      // cores allow only while an application costs at most CORES × 1000 / (0.85 × baseline) ms.
      const budget = (CORES * 1000) / (0.85 * b);
      console.log(
        `  ceiling on ${CORES} cores at that CPU cost        ${fmt(ceiling, 'applications/s')}  = ${((ceiling / b) * 100).toFixed(0)} % of baseline; both targets together need ≤ ${budget.toFixed(2)} ms CPU per application, measured ${perApp.toFixed(2)} ms`,
      );
    }
  }
}

try {
  await main();
} finally {
  for (const r of roles) await r.stop('SIGTERM').catch(() => {});
  await fixture.close();
  await redis.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}

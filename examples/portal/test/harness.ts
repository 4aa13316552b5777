/**
 * Real PostgreSQL and Redis for the portal's tests. CI starts one private instance of each and names
 * them in SHOMEI_PORTAL_TEST_DATABASE_URL / SHOMEI_PORTAL_TEST_REDIS_URL; each test file then gets its
 * own database and its own queue name. Without them (a developer's machine), or when a test must
 * restart Redis itself, private instances are started here in a temporary directory and stopped by
 * their PIDs. Web and worker processes are started as real child processes (`portal web|worker`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type PortalConfig, portalConfig } from '../src/config.js';
import { createDatabase, type PrivateService, privatePostgres, privateRedis } from '../src/services.js';
import { startWeb } from '../src/web.js';
import { startWorker } from '../src/worker.js';

export interface Services {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queueName: string;
  /** Present when this harness started Redis (so a test may stop and restart it). */
  readonly redis?: PrivateService;
  readonly dir: string;
  /** One query on the test database. */
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  close(): Promise<void>;
}

export async function services(options: { ownRedis?: boolean } = {}): Promise<Services> {
  const dir = mkdtempSync(join(tmpdir(), 'shomei-portal-test-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its data directory
  const started: PrivateService[] = [];
  const tag = randomBytes(4).toString('hex');
  try {
    let adminUrl = process.env.SHOMEI_PORTAL_TEST_DATABASE_URL;
    if (!adminUrl) {
      const postgres = await privatePostgres(join(dir, 'pg'));
      started.push(postgres);
      await postgres.start();
      adminUrl = postgres.url;
    }
    const databaseUrl = await createDatabase(adminUrl, `portal_test_${tag}`);
    let redisUrl = options.ownRedis ? undefined : process.env.SHOMEI_PORTAL_TEST_REDIS_URL;
    let redis: PrivateService | undefined;
    if (!redisUrl) {
      redis = await privateRedis(join(dir, 'redis'));
      started.push(redis);
      await redis.start();
      redisUrl = redis.url;
    }
    return {
      databaseUrl,
      redisUrl,
      queueName: `portal-test-${tag}`,
      ...(redis ? { redis } : {}),
      dir,
      async query(sql, params = []) {
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        try {
          return await c.query(sql, params);
        } finally {
          await c.end();
        }
      },
      async close() {
        for (const s of started.reverse()) await s.stop().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Writes a configuration file for child processes (anchors as DER files beside it). */
export function writeConfig(
  s: Services,
  trustAnchors: readonly Uint8Array[],
  extra: Record<string, unknown> = {},
): string {
  const files = trustAnchors.map((der, i) => {
    const f = join(s.dir, `anchor-${i}.der`);
    writeFileSync(f, der);
    return f;
  });
  const path = join(s.dir, `portal-${randomBytes(3).toString('hex')}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      port: 0,
      databaseUrl: s.databaseUrl,
      redisUrl: s.redisUrl,
      queueName: s.queueName,
      trustAnchors: files,
      ...extra,
    }),
  );
  return path;
}

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
const TSX_LOADER = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface Role {
  readonly child: ChildProcess;
  /** The web process's base URL (for `web`). */
  readonly url: string;
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/**
 * Starts `portal web` or `portal worker` as a child process and waits until it says it is ready. Node
 * runs it directly with tsx's loader (not through the tsx CLI, which would put a second process in
 * between), so a signal sent to the child reaches the portal process itself.
 */
export function startRole(
  role: 'web' | 'worker',
  configPath: string,
  nodeArgs: readonly string[] = [],
): Promise<Role> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', TSX_LOADER, MAIN, role, '--config', configPath],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: TSCONFIG,
        SHOMEI_PORTAL_DATABASE_URL: '',
        SHOMEI_PORTAL_REDIS_URL: '',
      },
    },
  );
  let log = '';
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portal ${role} did not start: ${log}`)), 60_000);
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /portal web on (http:\/\/[^/\s]+)\//.exec(log);
      if (m || (role === 'worker' && log.includes('portal worker'))) {
        clearTimeout(timer);
        resolve({ child, url: m?.[1] ?? '', stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portal ${role} exited with ${code}: ${log}`));
    });
  });
}

/** Reads the verdicts straight from the database (what a clerk's back office would see). */
export async function verdicts(
  databaseUrl: string,
): Promise<Map<string, { verdict: string | null; code: string | null }>> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ id: string; verdict: string | null; code: string | null }>(
      'SELECT id, verdict, code FROM applications',
    );
    return new Map(r.rows.map((row) => [row.id, { verdict: row.verdict, code: row.code }]));
  } finally {
    await c.end();
  }
}

export interface InProcessPortal {
  readonly services: Services;
  readonly config: PortalConfig;
  readonly url: string;
  close(): Promise<void>;
}

/** Web and worker in this process (fast to start), on real PostgreSQL and Redis. */
export async function inProcessPortal(
  trustAnchors: readonly Uint8Array[],
  overrides: Partial<PortalConfig> = {},
): Promise<InProcessPortal> {
  const s = await services();
  const config = portalConfig({
    trustAnchors,
    databaseUrl: s.databaseUrl,
    redisUrl: s.redisUrl,
    queueName: s.queueName,
    port: 0,
    ...overrides,
  });
  const [web, worker] = await Promise.all([startWeb(config), startWorker(config)]);
  await web.listen({ port: 0, host: '127.0.0.1' });
  const { port } = web.server.address() as AddressInfo;
  return {
    services: s,
    config,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await web.close();
      await worker.close();
      await s.close();
    },
  };
}

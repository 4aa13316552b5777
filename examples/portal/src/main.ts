/**
 * The portal's processes, from the repository root:
 *   pnpm portal [up] [--workers N]    everything on this machine: a private PostgreSQL and Redis under
 *                                     .shomei-portal/, one web process and N workers (default 2)
 *   pnpm portal web                   one web process (PostgreSQL and Redis from the configuration)
 *   pnpm portal worker                one worker process
 *   pnpm portal migrate               apply the schema migrations and exit
 * The configuration is SHOMEI_PORTAL_CONFIG, or --config <file>, or examples/portal/portal.example.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type PortalConfig } from './config.js';
import { createDatabase, type PrivateService, privatePostgres, privateRedis } from './services.js';
import { ApplicationStore } from './store.js';
import { startWeb } from './web.js';
import { startWorker } from './worker.js';

const USAGE = `usage: pnpm portal [up|web|worker|migrate] [--config <file>] [--workers <n>]`;
const EXAMPLE_CONFIG = fileURLToPath(new URL('../portal.example.json', import.meta.url));

/** Stops on the first SIGINT/SIGTERM: finish what is in flight, then exit. */
function onStop(stop: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

async function web(config: PortalConfig): Promise<void> {
  const app = await startWeb(config);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(`portal web on http://${config.host}:${port}/ (pid ${process.pid})`);
  onStop(() => app.close());
}

async function worker(config: PortalConfig): Promise<void> {
  const w = await startWorker(config);
  console.log(
    `portal worker ${w.name} (${config.verifyThreads} verification thread(s), queue ${config.queueName})`,
  );
  onStop(() => w.close());
}

/** One machine, everything: private services in .shomei-portal/ (kept between runs), web, workers. */
async function up(configPath: string, workers: number): Promise<void> {
  loadConfig(configPath); // refuse a bad configuration before starting anything
  const dir = resolve('.shomei-portal');
  mkdirSync(dir, { recursive: true });
  const fresh = !existsSync(resolve(dir, 'pgdata'));
  const services: PrivateService[] = [];
  const children: ChildProcess[] = [];
  const stop = async () => {
    const exit = (c: ChildProcess) =>
      new Promise((r) => {
        if (c.exitCode !== null || c.signalCode !== null) return r(null);
        c.once('exit', r);
        c.kill('SIGTERM');
      });
    await Promise.all(children.map(exit));
    for (const s of services.reverse()) await s.stop();
  };
  onStop(stop);
  try {
    const postgres = await privatePostgres(dir, { durable: true });
    services.push(postgres);
    await postgres.start();
    const databaseUrl = fresh
      ? await createDatabase(postgres.url, 'portal')
      : postgres.url.replace(/\/postgres$/, '/portal');
    const redis = await privateRedis(resolve(dir, 'redis'));
    services.push(redis);
    await redis.start();
    console.log(
      `PostgreSQL (pid ${postgres.pid}) ${databaseUrl}\nRedis (pid ${redis.pid}) ${redis.url}, append-only file on`,
    );
    const env = {
      ...process.env,
      SHOMEI_PORTAL_CONFIG: configPath,
      SHOMEI_PORTAL_DATABASE_URL: databaseUrl,
      SHOMEI_PORTAL_REDIS_URL: redis.url,
    };
    const run = (role: string) => {
      const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), role], {
        env,
        stdio: 'inherit',
      });
      children.push(child);
    };
    run('web');
    for (let i = 0; i < workers; i++) run('worker');
  } catch (e) {
    await stop();
    throw e;
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { config: { type: 'string' }, workers: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const command = positionals[0] ?? 'up';
  const configPath = values.config ?? process.env.SHOMEI_PORTAL_CONFIG ?? EXAMPLE_CONFIG;
  switch (command) {
    case 'up': {
      const n = Number(values.workers ?? 2);
      if (!Number.isInteger(n) || n < 1)
        throw new ConfigError('--workers must be a whole number of at least 1.');
      return up(configPath, n);
    }
    case 'web':
      return web(loadConfig(configPath));
    case 'worker':
      return worker(loadConfig(configPath));
    case 'migrate': {
      const store = new ApplicationStore(loadConfig(configPath).databaseUrl);
      const applied = await store.migrate();
      await store.close();
      console.log(applied.length ? `applied ${applied.join(', ')}` : 'the schema is up to date');
      return;
    }
    default:
      throw new ConfigError(`unknown command "${command}". ${USAGE}`);
  }
}

main().catch((e: unknown) => {
  // A configuration or start-up problem is one line a person can act on, not a stack trace.
  const reason =
    e instanceof ConfigError
      ? e.message
      : (e as NodeJS.ErrnoException).code === 'ECONNREFUSED'
        ? `cannot reach ${(e as { address?: string }).address ?? 'a service'}:${(e as { port?: number }).port ?? ''} — is PostgreSQL/Redis running? (${(e as Error).message})`
        : e instanceof Error
          ? e.message
          : String(e);
  console.error(`portal: ${reason}`);
  process.exit(e instanceof ConfigError ? 2 : 1);
});

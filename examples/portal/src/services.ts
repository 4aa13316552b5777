/**
 * Private PostgreSQL and Redis instances for a developer machine, the tests and the benchmark: each
 * in its own data directory, listening on 127.0.0.1 on its own port, stopped by its own PID. A real
 * deployment points `databaseUrl` and `redisUrl` at its managed services instead.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';

/** A free loopback port (asked of the kernel, then released for the service to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Debian installs the server binaries under /usr/lib/postgresql/<version>/bin, off the PATH. */
function postgresBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', name))) return join(base, v, 'bin', name);
  return name;
}

/** PostgreSQL refuses to run as root; as root it runs as the `postgres` user the Debian package made. */
const asRoot = () => process.getuid?.() === 0;
const asServiceUser = (cmd: string, args: string[]): [string, string[]] =>
  asRoot()
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', cmd, ...args]]
    : [cmd, args];

export class PrivateService {
  #child: ChildProcess | undefined;
  readonly #command: [string, string[]];
  readonly #ready: () => Promise<void>;
  constructor(
    readonly name: string,
    readonly url: string,
    command: [string, string[]],
    ready: () => Promise<void>,
  ) {
    this.#command = command;
    this.#ready = ready;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    const [cmd, args] = this.#command;
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    this.#child = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited at start: ${stderr.trim()}`);
      try {
        await this.#ready();
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`${this.name} did not start in 30 s: ${String(e)}`);
        await sleep(100);
      }
    }
  }

  /** SIGTERM (a clean shutdown: Redis writes its AOF, PostgreSQL its checkpoint), or SIGKILL. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.#child = undefined;
  }
}

/** A fresh PostgreSQL cluster in `dir` (trust authentication on loopback only; user `portal`). */
export async function privatePostgres(
  dir: string,
  options: { durable?: boolean } = {},
): Promise<PrivateService> {
  const data = join(dir, 'pgdata');
  const port = await freePort();
  if (!existsSync(data)) {
    mkdirSync(data, { recursive: true });
    if (asRoot()) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    const [cmd, args] = asServiceUser(postgresBin('initdb'), [
      '-D',
      data,
      '-U',
      'portal',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    try {
      execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      throw new Error(`initdb failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
    }
  }
  const settings = ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`];
  // Tests and benchmarks may lose the cluster with the machine; a developer's `up` keeps fsync on.
  if (!options.durable)
    settings.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const url = `postgres://portal@127.0.0.1:${port}/postgres`;
  return new PrivateService(
    'PostgreSQL',
    url,
    asServiceUser(postgresBin('postgres'), ['-D', data, '-p', String(port), ...settings]),
    async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.end();
    },
  );
}

/** A Redis with the append-only file on, so queued jobs survive a restart (fsync every second). */
export async function privateRedis(dir: string): Promise<PrivateService> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const conf = join(dir, 'redis.conf');
  writeFileSync(
    conf,
    [
      'bind 127.0.0.1',
      `port ${port}`,
      `dir ${dir}`,
      'appendonly yes',
      'appendfsync everysec',
      'save ""',
      // BullMQ needs every key kept: a queue must never be evicted under memory pressure.
      'maxmemory-policy noeviction',
      'daemonize no',
      'loglevel warning',
      '',
    ].join('\n'),
  );
  const url = `redis://127.0.0.1:${port}`;
  return new PrivateService('Redis', url, ['redis-server', [conf]], async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {}); // not up yet: connect() rejects, and start() asks again
    try {
      await r.connect();
      await r.ping();
    } finally {
      r.disconnect();
    }
  });
}

/** Creates database `name` on a server reached through `adminUrl` and returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Applications in PostgreSQL: the uploaded files, the verdict and report, the signer's certificate
 * serial and issuer, timestamps. Migrations are the numbered .sql files in ../migrations, applied in
 * order on start under an advisory lock, so any number of processes may start at once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { ValidationReport } from '@shomei/core';
import pg from 'pg';
import type { PortalReport } from './formats.js';
import { GroupCommit } from './group-commit.js';

const MIGRATIONS = new URL('../migrations/', import.meta.url);
/** An arbitrary constant: the key of the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x73686f6d;

export type Verdict = ValidationReport['verdict'];

export interface NewApplication {
  readonly format: string;
  readonly signature: Uint8Array;
  readonly document?: Uint8Array;
  readonly fileName?: string;
}

export interface Application {
  readonly id: string;
  readonly format: string;
  readonly fileName: string | null;
  readonly signature: Uint8Array;
  readonly document: Uint8Array | null;
  readonly receivedAt: Date;
  readonly verdict: Verdict | null;
  readonly code: string | null;
  readonly report: PortalReport | null;
  readonly attempts: number;
  readonly verifiedAt: Date | null;
}

export interface VerdictRecord {
  readonly verdict: Verdict;
  readonly code?: string | undefined;
  /** The report, or its JSON already serialised (by the verification thread). */
  readonly report: PortalReport | string;
  readonly signerSerial?: string | undefined;
  readonly signerIssuer?: string | undefined;
  readonly evidence?: Uint8Array | undefined;
}

/** The content address: the same files posted twice give the same hash. */
export function contentHash(a: Pick<NewApplication, 'signature' | 'document'>): Buffer {
  const h = createHash('sha256');
  h.update(`signature:${a.signature.length}:`).update(a.signature);
  if (a.document) h.update(`document:${a.document.length}:`).update(a.document);
  return h.digest();
}

export interface Accepted {
  readonly id: string;
  readonly duplicate: boolean;
  readonly receivedAt: Date;
}

export class ApplicationStore {
  readonly pool: pg.Pool;

  constructor(databaseUrl: string, poolSize = 10) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
    // A connection that drops while idle (database restart) must not take the process down.
    this.pool.on('error', () => {});
  }

  async migrate(): Promise<string[]> {
    const client = await this.pool.connect();
    const applied: string[] = [];
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set(
        (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
      );
      for (const name of readdirSync(MIGRATIONS)
        .filter((f) => f.endsWith('.sql'))
        .sort()) {
        if (done.has(name)) continue;
        await client.query('BEGIN');
        try {
          await client.query(readFileSync(new URL(name, MIGRATIONS), 'utf8'));
          await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
          await client.query('COMMIT');
          applied.push(name);
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      client.release();
    }
    return applied;
  }

  /**
   * Stores an upload; an upload already stored (same content hash) answers its first id. Uploads
   * arriving together are stored by one INSERT (group commit, below).
   */
  accept(a: NewApplication): Promise<Accepted> {
    return this.#accepts.add({ ...a, hash: contentHash(a) });
  }

  readonly #accepts = new GroupCommit<NewApplication & { readonly hash: Buffer }, Accepted>(
    async (items) => {
      const values: unknown[] = [];
      const rows = items.map((a) => {
        values.push(randomUUID(), a.hash, a.format, a.fileName ?? null, a.signature, a.document ?? null);
        const n = values.length;
        return `($${n - 5}::uuid, $${n - 4}::bytea, $${n - 3}, $${n - 2}, $${n - 1}::bytea, $${n}::bytea)`;
      });
      // ON CONFLICT DO NOTHING also skips a second copy inside the same batch; both then answer the
      // row that was stored.
      const inserted = await this.pool.query<{ id: string; content_hash: Buffer; received_at: Date }>(
        `INSERT INTO applications (id, content_hash, format, file_name, signature, document)
         VALUES ${rows.join(', ')} ON CONFLICT (content_hash) DO NOTHING RETURNING id, content_hash, received_at`,
        values,
      );
      const byHash = new Map(inserted.rows.map((r) => [r.content_hash.toString('hex'), r]));
      const firstOf = new Map<string, number>();
      const missing = items.filter((a) => !byHash.has(a.hash.toString('hex'))).map((a) => a.hash);
      if (missing.length > 0) {
        const existing = await this.pool.query<{ id: string; content_hash: Buffer; received_at: Date }>(
          'SELECT id, content_hash, received_at FROM applications WHERE content_hash = ANY($1::bytea[])',
          [missing],
        );
        for (const r of existing.rows) byHash.set(r.content_hash.toString('hex'), r);
      }
      return items.map((a, i) => {
        const key = a.hash.toString('hex');
        const row = byHash.get(key);
        if (!row) throw new Error('an accepted upload is neither stored nor found by its content hash');
        // The first upload of a content hash in this batch stored the row; any other is a duplicate.
        const first = firstOf.get(key) ?? i;
        firstOf.set(key, first);
        const duplicate = !inserted.rows.includes(row) || first !== i;
        return { id: row.id, duplicate, receivedAt: row.received_at };
      });
    },
    { maxBatch: 32, parallel: 2 },
  );

  async get(id: string): Promise<Application | undefined> {
    if (!isUuid(id)) return undefined;
    const r = await this.pool.query(`SELECT ${COLUMNS} FROM applications WHERE id = $1`, [id]);
    return r.rows[0] ? fromRow(r.rows[0]) : undefined;
  }

  /**
   * The application to verify, or undefined when it already has a verdict (a job run again). Jobs
   * taken together are read by one SELECT.
   */
  pending(id: string): Promise<Application | undefined> {
    return this.#pending.add(id);
  }

  readonly #pending = new GroupCommit<string, Application | undefined>(
    async (ids) => {
      const r = await this.pool.query<Row>(
        `SELECT ${COLUMNS} FROM applications WHERE id = ANY($1::uuid[]) AND verdict IS NULL`,
        [ids],
      );
      const byId = new Map(r.rows.map((row) => [row.id, row]));
      return ids.map((id) => {
        const row = byId.get(id);
        byId.delete(id); // the same id twice in one batch: only the first caller verifies it
        return row ? fromRow(row) : undefined;
      });
    },
    { maxBatch: 64, parallel: 2 },
  );

  /**
   * Records the verdict once: the first worker to finish wins, a second (a job run again after its
   * worker was presumed dead) changes nothing. Returns whether this call recorded it. Web processes
   * waiting on the application hear of it through NOTIFY. Verdicts finished together are written by
   * one UPDATE.
   */
  recordVerdict(id: string, v: VerdictRecord, by: string, attempts: number): Promise<boolean> {
    return this.#verdicts.add({ id, v, by, attempts });
  }

  readonly #verdicts = new GroupCommit<
    { id: string; v: VerdictRecord; by: string; attempts: number },
    boolean
  >(
    async (items) => {
      const values: unknown[] = [];
      const seen = new Set<string>();
      const rows: string[] = [];
      for (const { id, v, by, attempts } of items) {
        // The same application twice in one batch: the first is written, the second records nothing.
        if (seen.has(id)) continue;
        seen.add(id);
        values.push(
          id,
          v.verdict,
          v.code ?? null,
          typeof v.report === 'string' ? v.report : JSON.stringify(v.report),
          v.signerSerial ?? null,
          v.signerIssuer ?? null,
          v.evidence ?? null,
          by,
          attempts,
        );
        const n = values.length - 9;
        rows.push(
          `($${n + 1}::uuid, $${n + 2}::text, $${n + 3}::text, $${n + 4}::jsonb, $${n + 5}::text, $${n + 6}::text, $${n + 7}::bytea, $${n + 8}::text, $${n + 9}::integer)`,
        );
      }
      const r = await this.pool.query<{ id: string }>(
        `WITH done AS (
           UPDATE applications a SET verdict = v.verdict, code = v.code, report = v.report,
             signer_serial = v.serial, signer_issuer = v.issuer, evidence = v.evidence,
             verified_at = clock_timestamp(), verified_by = v.by, attempts = v.attempts
           FROM (VALUES ${rows.join(', ')}) AS v(id, verdict, code, report, serial, issuer, evidence, by, attempts)
           WHERE a.id = v.id AND a.verdict IS NULL RETURNING a.id)
         SELECT id, pg_notify('application_verified', id::text) FROM done`,
        values,
      );
      const recorded = new Set(r.rows.map((row) => row.id));
      return items.map(({ id }) => recorded.delete(id));
    },
    { maxBatch: 64, parallel: 2 },
  );

  /** Applications older than `ageMs` still without a verdict (for the recovery sweep). */
  async pendingOlderThan(ageMs: number, limit = 1000): Promise<string[]> {
    const r = await this.pool.query<{ id: string }>(
      `SELECT id FROM applications WHERE verdict IS NULL AND received_at < clock_timestamp() - $1 * interval '1 millisecond'
       ORDER BY received_at LIMIT $2`,
      [ageMs, limit],
    );
    return r.rows.map((row) => row.id);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

const COLUMNS =
  'id, format, file_name, signature, document, received_at, verdict, code, report, attempts, verified_at';

interface Row {
  id: string;
  format: string;
  file_name: string | null;
  signature: Buffer;
  document: Buffer | null;
  received_at: Date;
  verdict: Verdict | null;
  code: string | null;
  report: PortalReport | null;
  attempts: number;
  verified_at: Date | null;
}

function fromRow(row: Row): Application {
  return {
    id: row.id,
    format: row.format,
    fileName: row.file_name,
    signature: new Uint8Array(row.signature),
    document: row.document ? new Uint8Array(row.document) : null,
    receivedAt: row.received_at,
    verdict: row.verdict,
    code: row.code,
    report: row.report,
    attempts: row.attempts,
    verifiedAt: row.verified_at,
  };
}

export const isUuid = (s: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * Waits for verdicts announced with NOTIFY on one dedicated connection, so a web process can answer
 * "verified" the moment a worker anywhere records it. Reconnects when the connection drops.
 */
export class VerdictListener {
  #client: pg.Client | undefined;
  readonly #waiters = new Map<string, Set<() => void>>();
  #closed = false;

  constructor(readonly databaseUrl: string) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (n) => {
      for (const wake of this.#waiters.get(n.payload ?? '') ?? []) wake();
    });
    client.on('error', () => {
      client.end().catch(() => {});
      if (!this.#closed) setTimeout(() => this.start().catch(() => {}), 1000).unref();
    });
    await client.connect();
    await client.query('LISTEN application_verified');
    this.#client = client;
  }

  /** Resolves when `id` is announced, or after `ms` (the caller then reads the store either way). */
  wait(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.#waiters.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#client?.end().catch(() => {});
  }
}

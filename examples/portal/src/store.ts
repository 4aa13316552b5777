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
  readonly report: PortalReport;
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

  /** Stores an upload; an upload already stored (same content hash) answers its first id. */
  async accept(a: NewApplication): Promise<{ id: string; duplicate: boolean; receivedAt: Date }> {
    const hash = contentHash(a);
    const inserted = await this.pool.query<{ id: string; received_at: Date }>(
      `INSERT INTO applications (id, content_hash, format, file_name, signature, document)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (content_hash) DO NOTHING RETURNING id, received_at`,
      [randomUUID(), hash, a.format, a.fileName ?? null, a.signature, a.document ?? null],
    );
    const row = inserted.rows[0];
    if (row) return { id: row.id, duplicate: false, receivedAt: row.received_at };
    const existing = await this.pool.query<{ id: string; received_at: Date }>(
      'SELECT id, received_at FROM applications WHERE content_hash = $1',
      [hash],
    );
    return { id: existing.rows[0]!.id, duplicate: true, receivedAt: existing.rows[0]!.received_at };
  }

  async get(id: string): Promise<Application | undefined> {
    if (!isUuid(id)) return undefined;
    const r = await this.pool.query(`SELECT ${COLUMNS} FROM applications WHERE id = $1`, [id]);
    return r.rows[0] ? fromRow(r.rows[0]) : undefined;
  }

  /** The application to verify, or undefined when it already has a verdict (a job run again). */
  async pending(id: string): Promise<Application | undefined> {
    const r = await this.pool.query(`SELECT ${COLUMNS} FROM applications WHERE id = $1 AND verdict IS NULL`, [
      id,
    ]);
    return r.rows[0] ? fromRow(r.rows[0]) : undefined;
  }

  /**
   * Records the verdict once: the first worker to finish wins, a second (a job run again after its
   * worker was presumed dead) changes nothing. Returns whether this call recorded it. Web processes
   * waiting on the application hear of it through NOTIFY.
   */
  async recordVerdict(id: string, v: VerdictRecord, by: string, attempts: number): Promise<boolean> {
    const r = await this.pool.query(
      `WITH done AS (
         UPDATE applications SET verdict = $2, code = $3, report = $4, signer_serial = $5, signer_issuer = $6,
           evidence = $7, verified_at = clock_timestamp(), verified_by = $8, attempts = $9
         WHERE id = $1 AND verdict IS NULL RETURNING id)
       SELECT pg_notify('application_verified', id::text) FROM done`,
      [
        id,
        v.verdict,
        v.code ?? null,
        JSON.stringify(v.report),
        v.signerSerial ?? null,
        v.signerIssuer ?? null,
        v.evidence ?? null,
        by,
        attempts,
      ],
    );
    return (r.rowCount ?? 0) > 0;
  }

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

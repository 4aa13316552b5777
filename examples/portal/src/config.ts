/**
 * The portal's configuration: a JSON file (path in SHOMEI_PORTAL_CONFIG or `--config`), whose file
 * paths are relative to the file itself. Anchors, intermediates and CRLs are PEM or DER. Every process
 * (`web`, `worker`) reads the same file; the README lists the fields.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { derObjects, type RevocationMode } from '@shomei/core';

export interface PortalConfig {
  readonly host: string;
  readonly port: number;
  /** PostgreSQL, e.g. postgres://portal@127.0.0.1:5432/portal. */
  readonly databaseUrl: string;
  /** Redis for the job queue, e.g. redis://127.0.0.1:6379 (run it with appendonly yes). */
  readonly redisUrl: string;
  /** BullMQ queue name; two portals may share one Redis under different names. */
  readonly queueName: string;
  readonly trustAnchors: readonly Uint8Array[];
  readonly intermediates: readonly Uint8Array[];
  /** CRL files: `crlFiles` are re-read every `crlRefreshSeconds` by each verification thread. */
  readonly crlFiles: readonly string[];
  readonly crls: readonly Uint8Array[];
  readonly crlRefreshSeconds: number;
  readonly revocation: RevocationMode;
  readonly fetchRevocation: boolean;
  readonly maxUploadBytes: number;
  /** Verification threads per worker process (each verifies one upload at a time). */
  readonly verifyThreads: number;
  /**
   * Jobs a worker process takes from the queue at once, per verification thread: while one is
   * verified, the others are read from and written to PostgreSQL and Redis.
   */
  readonly jobsPerThread: number;
  /** One verification may take this long before its thread is stopped and the attempt fails. */
  readonly verifyTimeoutMs: number;
  /** Heap budget of one verification thread (V8 old generation), in MiB. */
  readonly verifyHeapMb: number;
  /** Attempts of one job before it ends as `indeterminate` with the last reason. */
  readonly attempts: number;
  /** A worker that stops renewing its lock this long is presumed dead; its job goes to another. */
  readonly lockMs: number;
  /** How often workers look for stored applications that have no job (the web process died). */
  readonly sweepSeconds: number;
  /** An e-Gov application zip may list at most this many entries (files and folders). */
  readonly maxZipEntries: number;
  /** The files of an e-Gov application zip may inflate to at most this many bytes together. */
  readonly maxUnzippedBytes: number;
  /**
   * RFC 3161 time-stamping authority for the long-term evidence of accepted CMS and e-Gov applications: with
   * it they are kept as B-LTA, without it as B-LT when the signature carries its own timestamp.
   */
  readonly tsaUrl?: string | undefined;
  /**
   * The origin citizens open (https://portal.example.jp): card logins are checked against it and the
   * card routes refuse requests from any other. Default: where the web process listens on loopback.
   */
  readonly origin?: string | undefined;
}

/** A configuration file or value that cannot be used: one sentence, printed without a stack. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024;

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  databaseUrl: 'postgres://portal@127.0.0.1:5432/portal',
  redisUrl: 'redis://127.0.0.1:6379',
  queueName: 'shomei-portal',
  intermediates: [],
  crlFiles: [],
  crls: [],
  crlRefreshSeconds: 300,
  revocation: 'require',
  fetchRevocation: true,
  maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
  verifyThreads: 1,
  jobsPerThread: 16,
  verifyTimeoutMs: 10_000,
  verifyHeapMb: 256,
  attempts: 3,
  lockMs: 30_000,
  sweepSeconds: 30,
  maxZipEntries: 100,
  maxUnzippedBytes: 16 * 1024 * 1024,
} as const satisfies Partial<PortalConfig>;

/** Fills in the defaults for a configuration given in code (tests, embedding). */
export function portalConfig(
  input: Partial<PortalConfig> & Pick<PortalConfig, 'trustAnchors'>,
): PortalConfig {
  if (input.trustAnchors.length === 0) throw new ConfigError('The portal needs at least one trust anchor.');
  return { ...DEFAULTS, ...input };
}

const NUMBERS = [
  'port',
  'maxUploadBytes',
  'verifyThreads',
  'jobsPerThread',
  'verifyTimeoutMs',
  'verifyHeapMb',
  'attempts',
  'lockMs',
  'sweepSeconds',
  'crlRefreshSeconds',
  'maxZipEntries',
  'maxUnzippedBytes',
] as const;
const STRINGS = ['host', 'databaseUrl', 'redisUrl', 'queueName', 'tsaUrl', 'origin'] as const;

/** Reads a configuration file; throws a ConfigError naming the file and the field that is wrong. */
export function loadConfig(path = process.env.SHOMEI_PORTAL_CONFIG): PortalConfig {
  if (!path) {
    throw new ConfigError(
      'No configuration file: set SHOMEI_PORTAL_CONFIG=portal.json or pass --config portal.json.',
    );
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ConfigError(`Cannot read the configuration ${path}: ${why}.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`The configuration ${path} must be a JSON object.`);
  }
  const base = dirname(resolve(path));
  const paths = (field: string): string[] => {
    const list = json[field] ?? [];
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) {
      throw new ConfigError(`"${field}" in ${path} must be a list of file paths.`);
    }
    return list.map((p: string) => resolve(base, p));
  };
  const read = (field: string, label: string[]): Uint8Array[] =>
    paths(field).flatMap((file) => {
      try {
        return derObjects(new Uint8Array(readFileSync(file)), label);
      } catch (e) {
        throw new ConfigError(`"${field}" in ${path}: cannot read ${file} (${(e as Error).message}).`);
      }
    });
  const revocation = json.revocation ?? DEFAULTS.revocation;
  if (revocation !== 'require' && revocation !== 'prefer' && revocation !== 'off') {
    throw new ConfigError(`"revocation" in ${path} must be "require", "prefer" or "off".`);
  }
  const picked: Record<string, unknown> = {};
  for (const f of NUMBERS) {
    if (json[f] === undefined) continue;
    if (typeof json[f] !== 'number' || !Number.isInteger(json[f]) || (json[f] as number) < 0) {
      throw new ConfigError(`"${f}" in ${path} must be a whole number.`);
    }
    picked[f] = json[f];
  }
  for (const f of STRINGS) {
    if (json[f] === undefined) continue;
    if (typeof json[f] !== 'string') throw new ConfigError(`"${f}" in ${path} must be a string.`);
    picked[f] = json[f];
  }
  const crlFiles = paths('crls');
  const config = portalConfig({
    ...picked,
    trustAnchors: read('trustAnchors', ['CERTIFICATE']),
    intermediates: read('intermediates', ['CERTIFICATE']),
    crlFiles,
    crls: read('crls', ['X509 CRL']),
    revocation,
    fetchRevocation: json.fetchRevocation !== false,
  });
  // The environment wins over the file, so one file serves every machine of a deployment.
  return {
    ...config,
    ...(process.env.SHOMEI_PORTAL_DATABASE_URL
      ? { databaseUrl: process.env.SHOMEI_PORTAL_DATABASE_URL }
      : {}),
    ...(process.env.SHOMEI_PORTAL_REDIS_URL ? { redisUrl: process.env.SHOMEI_PORTAL_REDIS_URL } : {}),
  };
}

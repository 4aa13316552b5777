/**
 * A verification thread (node:worker_threads): it holds the trust settings and the revocation caches
 * and verifies one upload at a time, so the worker's own event loop stays free to renew its job
 * locks. The pool stops the thread when a verification passes its time or heap budget.
 *
 * Revocation caches belong to this thread: configured CRL files are indexed once (`CrlIndex`) and
 * re-read when they change, at most every `crlRefreshSeconds`; CRLs and OCSP answers fetched from the
 * certificates' distribution points and responders are kept in the thread's `RevocationFetchCache`
 * until their nextUpdate.
 */
import { readFileSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import {
  CrlIndex,
  derObjects,
  RevocationFetchCache,
  type RevocationMode,
  type ValidationReport,
} from '@shomei/core';
import { formatNamed, type Upload } from './formats.js';
import { ownsBuffer } from './verifier-pool.js';

export interface ThreadSettings {
  readonly trustAnchors: readonly Uint8Array[];
  readonly intermediates: readonly Uint8Array[];
  readonly crlFiles: readonly string[];
  readonly crls: readonly Uint8Array[];
  readonly crlRefreshSeconds: number;
  readonly revocation: RevocationMode;
  readonly fetchRevocation: boolean;
  readonly tsaUrl?: string | undefined;
  readonly maxZipEntries: number;
  readonly maxUnzippedBytes: number;
}

export interface ThreadRequest extends Upload {
  readonly seq: number;
  readonly format: string;
}

/**
 * What the thread answers: the report already serialised to JSON (one string crosses to the worker,
 * which stores it as is), with the few fields the worker needs beside it.
 */
export interface ThreadVerdict {
  readonly verdict: Verdict;
  readonly code?: string;
  readonly reportJson: string;
  readonly signerSerial?: string;
  readonly signerIssuer?: string;
  readonly evidence?: Uint8Array;
  readonly evidenceRetry?: string;
}

export type ThreadAnswer =
  | ({ readonly seq: number; readonly ok: true } & ThreadVerdict)
  | { readonly seq: number; readonly ok: false; readonly message: string };

type Verdict = ValidationReport['verdict'];

const settings = workerData as ThreadSettings;

/** The configured CRLs, indexed; re-read from their files when a file's mtime has moved. */
let crls = settings.crls.map((der) => CrlIndex.from(der));
let checkedAt = Date.now();
let stamps = settings.crlFiles.map(mtimeOf).join();

/**
 * OCSP answers and CRLs fetched from the certificates' responders and distribution points, owned by
 * this thread and kept warm across its jobs: each until its nextUpdate (RFC 6960 §2.4, RFC 5280
 * §5.1.2.5), then asked for again.
 */
const fetchCache = new RevocationFetchCache({ maxEntries: 1024 });

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function refreshCrls(): void {
  if (Date.now() - checkedAt < settings.crlRefreshSeconds * 1000) return;
  checkedAt = Date.now();
  const now = settings.crlFiles.map(mtimeOf).join();
  if (now === stamps) return;
  try {
    crls = settings.crlFiles.flatMap((f) =>
      derObjects(new Uint8Array(readFileSync(f)), ['X509 CRL']).map((der) => CrlIndex.from(der)),
    );
    stamps = now;
  } catch {
    // A CRL file caught half-written: keep the previous index and look again next time.
  }
}

parentPort?.on('message', async (req: ThreadRequest) => {
  const answer = (a: ThreadAnswer) => parentPort?.postMessage(a);
  try {
    refreshCrls();
    const format = formatNamed(req.format);
    if (!format) throw new Error(`no verifier for the format "${req.format}"`);
    const { report, evidence, evidenceRetry } = await format.verify(req, {
      trustAnchors: settings.trustAnchors,
      intermediates: settings.intermediates,
      crls,
      revocation: settings.revocation,
      fetchRevocation: settings.fetchRevocation,
      fetchCache,
      tsaUrl: settings.tsaUrl,
      zip: { maxEntries: settings.maxZipEntries, maxUnzippedBytes: settings.maxUnzippedBytes },
    });
    const leaf = report.chain[0];
    const ok: ThreadAnswer = {
      seq: req.seq,
      ok: true,
      verdict: report.verdict,
      ...(report.code ? { code: report.code } : {}),
      reportJson: JSON.stringify(report),
      ...(leaf?.serial ? { signerSerial: leaf.serial } : {}),
      ...(leaf?.issuer ? { signerIssuer: leaf.issuer } : {}),
      ...(evidence ? { evidence } : {}),
      ...(evidenceRetry ? { evidenceRetry } : {}),
    };
    // The evidence is this thread's own fresh buffer: moved to the worker, not copied.
    parentPort?.postMessage(ok, evidence && ownsBuffer(evidence) ? [evidence.buffer as ArrayBuffer] : []);
  } catch (e) {
    answer({ seq: req.seq, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});

// Loaded and ready: the pool starts a verification's time budget only from here.
parentPort?.postMessage('ready');

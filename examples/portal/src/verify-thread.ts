/**
 * A verification thread (node:worker_threads): it holds the trust settings and the revocation caches
 * and verifies one upload at a time, so the worker's own event loop stays free to renew its job
 * locks. The pool stops the thread when a verification passes its time or heap budget.
 *
 * Revocation caches belong to this thread: configured CRL files are indexed once (`CrlIndex`) and
 * re-read when they change, at most every `crlRefreshSeconds`; CRLs and OCSP answers fetched from the
 * certificates' distribution points and responders are kept by core until their nextUpdate.
 */
import { readFileSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { CrlIndex, derObjects, type RevocationMode } from '@shomei/core';
import { formatNamed, type Upload } from './formats.js';

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

export type ThreadAnswer =
  | {
      readonly seq: number;
      readonly ok: true;
      readonly report: unknown;
      readonly evidence?: Uint8Array;
      readonly evidenceRetry?: string;
    }
  | { readonly seq: number; readonly ok: false; readonly message: string };

const settings = workerData as ThreadSettings;

/** The configured CRLs, indexed; re-read from their files when a file's mtime has moved. */
let crls = settings.crls.map((der) => CrlIndex.from(der));
let checkedAt = Date.now();
let stamps = settings.crlFiles.map(mtimeOf).join();

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
      tsaUrl: settings.tsaUrl,
      zip: { maxEntries: settings.maxZipEntries, maxUnzippedBytes: settings.maxUnzippedBytes },
    });
    answer({
      seq: req.seq,
      ok: true,
      report,
      ...(evidence ? { evidence } : {}),
      ...(evidenceRetry ? { evidenceRetry } : {}),
    });
  } catch (e) {
    answer({ seq: req.seq, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});

// Loaded and ready: the pool starts a verification's time budget only from here.
parentPort?.postMessage('ready');

/**
 * The worker's verification threads, each with a budget: a verification that runs past
 * `verifyTimeoutMs` or past the thread's heap limit has its thread stopped (terminate() works even
 * on a thread stuck in a loop) and replaced, and its attempt fails with a reason. One hostile upload
 * costs one thread for one budget; the others keep being verified.
 */
import { Worker } from 'node:worker_threads';
import type { PortalConfig } from './config.js';
import type { Upload } from './formats.js';
import type { ThreadAnswer, ThreadRequest, ThreadSettings, ThreadVerdict } from './verify-thread.js';

export type { ThreadVerdict as Verified } from './verify-thread.js';

/** Why an attempt produced no report; the job is retried, and the last reason ends in the verdict. */
export class VerifyFailure extends Error {
  override readonly name = 'VerifyFailure';
  constructor(
    readonly code: 'VERIFY_TIMEOUT' | 'VERIFY_RESOURCE_LIMIT' | 'VERIFY_FAILED' | 'EVIDENCE_FAILED',
    message: string,
  ) {
    super(message);
  }
}

interface Slot {
  thread: Worker;
  /** Resolves when the thread has loaded its modules (start-up is not part of any job's budget). */
  ready: Promise<void>;
  busy: boolean;
  /** Set once `ready` has resolved. */
  started: boolean;
}

interface Pending {
  readonly req: Omit<ThreadRequest, 'seq'>;
  /** Buffers moved to the thread with the request instead of copied. */
  readonly transfer: ArrayBuffer[];
  resolve(v: ThreadVerdict): void;
  reject(e: Error): void;
}

/** Whether `bytes` is the whole of its (non-shared) buffer, so moving the buffer moves nothing else. */
export function ownsBuffer(bytes: Uint8Array): boolean {
  return (
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength
  );
}

/** A small .mjs entry that registers tsx in the thread, then loads verify-thread.ts. */
/**
 * How long a thread may take to load before its job fails: far above a normal start (well under a
 * second, a few seconds on a loaded machine), so only a thread that hangs while loading reaches it.
 */
const THREAD_START_BUDGET_MS = 60_000;
const THREAD_FILE = new URL('./verify-thread.mjs', import.meta.url);

function threadOptions(settings: ThreadSettings, heapMb: number) {
  return { workerData: settings, resourceLimits: { maxOldGenerationSizeMb: heapMb } };
}

export class VerifierPool {
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  readonly #settings: ThreadSettings;
  readonly #timeoutMs: number;
  readonly #heapMb: number;
  #seq = 0;
  #closed = false;

  constructor(config: PortalConfig) {
    this.#settings = {
      trustAnchors: config.trustAnchors,
      intermediates: config.intermediates,
      crlFiles: config.crlFiles,
      crls: config.crls,
      crlRefreshSeconds: config.crlRefreshSeconds,
      revocation: config.revocation,
      fetchRevocation: config.fetchRevocation,
      tsaUrl: config.tsaUrl,
      maxZipEntries: config.maxZipEntries,
      maxUnzippedBytes: config.maxUnzippedBytes,
    };
    this.#timeoutMs = config.verifyTimeoutMs;
    this.#heapMb = config.verifyHeapMb;
    for (let i = 0; i < Math.max(1, config.verifyThreads); i++) this.#slots.push(this.#spawn());
  }

  /** Resolves when every thread has loaded (a worker takes no job before). */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.ready));
  }

  get size(): number {
    return this.#slots.length;
  }

  #spawn(): Slot {
    const thread = new Worker(THREAD_FILE, threadOptions(this.#settings, this.#heapMb));
    // A thread that dies between jobs is replaced when it is next needed (see #run).
    thread.on('error', () => {});
    thread.unref();
    const ready = new Promise<void>((resolve) => {
      const onReady = (m: unknown) => {
        if (m !== 'ready') return;
        thread.off('message', onReady);
        resolve();
      };
      thread.on('message', onReady);
    });
    return { thread, ready, busy: false, started: false };
  }

  /**
   * Verifies `upload` in a thread. With `transfer`, the caller gives up the upload's bytes: their
   * buffers are moved to the thread rather than copied (the worker does so with the bytes it has just
   * read from the database; a caller that keeps using its bytes must not).
   */
  verify(format: string, upload: Upload, options: { transfer?: boolean } = {}): Promise<ThreadVerdict> {
    if (this.#closed) return Promise.reject(new VerifyFailure('VERIFY_FAILED', 'the worker is stopping'));
    const transfer = options.transfer
      ? [upload.signature, upload.document]
          .filter((b): b is Uint8Array => b !== undefined && ownsBuffer(b))
          .map((b) => b.buffer as ArrayBuffer)
      : [];
    return new Promise((resolve, reject) => {
      this.#queue.push({
        req: {
          format,
          signature: upload.signature,
          ...(upload.document ? { document: upload.document } : {}),
        },
        transfer,
        resolve,
        reject,
      });
      this.#next();
    });
  }

  #next(): void {
    const index = this.#slots.findIndex((s) => !s.busy);
    const job = index >= 0 ? this.#queue.shift() : undefined;
    if (!job) return;
    this.#run(index, job);
  }

  #run(index: number, job: Pending): void {
    let slot = this.#slots[index]!;
    if (slot.thread.threadId < 0) slot = this.#slots[index] = this.#spawn();
    slot.busy = true;
    const seq = ++this.#seq;
    const { thread } = slot;
    let timer: NodeJS.Timeout | undefined;
    let startTimer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (replace: boolean) => {
      finished = true;
      clearTimeout(timer);
      clearTimeout(startTimer);
      thread.off('message', onMessage);
      thread.off('error', onError);
      thread.off('exit', onExit);
      if (replace) {
        thread.terminate().catch(() => {});
        if (!this.#closed) this.#slots[index] = this.#spawn();
      } else slot.busy = false;
      this.#next();
    };
    const onMessage = (a: ThreadAnswer) => {
      if (a.seq !== seq) return;
      finish(false);
      if (a.ok) {
        const { seq: _, ok: __, ...verified } = a;
        job.resolve(verified);
      } else job.reject(new VerifyFailure('VERIFY_FAILED', `The verification failed: ${a.message}`));
    };
    const onError = (e: Error & { code?: string }) => {
      finish(true);
      job.reject(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new VerifyFailure(
              'VERIFY_RESOURCE_LIMIT',
              `The verification passed its heap budget of ${this.#heapMb} MiB.`,
            )
          : new VerifyFailure('VERIFY_FAILED', `The verification thread failed: ${e.message}`),
      );
    };
    const onExit = () => {
      finish(true);
      job.reject(new VerifyFailure('VERIFY_FAILED', 'The verification thread stopped.'));
    };
    // The budget runs from when the thread has loaded: a thread that replaces a stopped one (or the
    // first, before `ready()`) does not spend the job's budget on its start-up. Start-up has its own,
    // wider bound, so a thread that never loads cannot hold the job forever.
    if (!slot.started) {
      startTimer = setTimeout(() => {
        if (finished) return;
        finish(true);
        job.reject(
          new VerifyFailure(
            'VERIFY_FAILED',
            `The verification thread did not start within ${THREAD_START_BUDGET_MS / 1000} s.`,
          ),
        );
      }, THREAD_START_BUDGET_MS);
    }
    slot.ready.then(() => {
      slot.started = true;
      clearTimeout(startTimer);
      if (finished) return;
      timer = setTimeout(() => {
        finish(true);
        job.reject(
          new VerifyFailure(
            'VERIFY_TIMEOUT',
            `The verification took longer than its budget of ${this.#timeoutMs} ms.`,
          ),
        );
      }, this.#timeoutMs);
    });
    thread.on('message', onMessage);
    thread.once('error', onError);
    thread.once('exit', onExit);
    thread.postMessage({ ...job.req, seq } satisfies ThreadRequest, job.transfer);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0))
      p.reject(new VerifyFailure('VERIFY_FAILED', 'the worker is stopping'));
    await Promise.all(this.#slots.map((s) => s.thread.terminate().catch(() => {})));
  }
}

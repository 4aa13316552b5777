/**
 * `portal worker`: takes verification jobs from the queue, verifies each upload in a budgeted thread,
 * and records the verdict in PostgreSQL once. Any number of workers may run, on any machine.
 *
 * Nothing is lost: a worker killed mid-job stops renewing its lock, and after `lockMs` another worker
 * takes the job again (BullMQ's stalled-job check); a job that fails `attempts` times ends as
 * `indeterminate` with its last reason; and every `sweepSeconds` each worker looks for stored
 * applications without a verdict whose job is gone (the web process died between storing and
 * enqueuing, or Redis lost it) and enqueues them again.
 */
import { hostname } from 'node:os';
import type { ValidationReport } from '@shomei/core';
import { type Job, Worker } from 'bullmq';
import type { PortalConfig } from './config.js';
import { enqueue, redisConnection, type VerifyJob, verifyQueue } from './queue.js';
import { ApplicationStore } from './store.js';
import { VerifierPool, VerifyFailure } from './verifier-pool.js';

export interface PortalWorker {
  readonly name: string;
  /** Runs one recovery sweep now; returns how many applications were enqueued again. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

/** A report for an upload that could not be verified at all: indeterminate, with the reason. */
export function failureReport(code: string, message: string): ValidationReport {
  return {
    verdict: 'indeterminate',
    code,
    message,
    signer: { subject: '' },
    digestAlgorithm: '',
    signatureAlgorithm: '',
    chain: [],
    checks: [{ name: 'format', ok: false, code, detail: message }],
  };
}

export async function startWorker(config: PortalConfig): Promise<PortalWorker> {
  const name = `${hostname()}:${process.pid}`;
  const store = new ApplicationStore(config.databaseUrl, 4 + config.verifyThreads * 4);
  await store.migrate();
  const pool = new VerifierPool(config);
  await pool.ready();
  const queue = verifyQueue(config);

  const finalFailure = async (id: string, error: unknown, attempts: number) => {
    const code = error instanceof VerifyFailure ? error.code : 'VERIFY_FAILED';
    const message = error instanceof Error ? error.message : String(error);
    await store.recordVerdict(
      id,
      { verdict: 'indeterminate', code, report: failureReport(code, message) },
      name,
      attempts,
    );
  };

  const processJob = async (job: Job<VerifyJob>) => {
    const id = job.data.applicationId;
    const app = await store.pending(id);
    if (!app) return; // already verified (a job run again after a presumed crash)
    // BullMQ counts failed attempts; a job taken again after its worker died counts as stalled.
    const attempt = job.attemptsMade + (job.stalledCounter ?? 0) + 1;
    try {
      // The bytes were read for this job alone: they move to the thread instead of being copied.
      const v = await pool.verify(
        app.format,
        { signature: app.signature, ...(app.document ? { document: app.document } : {}) },
        { transfer: true },
      );
      // An accepted application is kept with its long-term evidence: a TSA or responder that failed
      // gets the job's remaining attempts; the last one records the verdict without it (and why).
      if (v.evidenceRetry && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
        throw new VerifyFailure('EVIDENCE_FAILED', v.evidenceRetry);
      }
      await store.recordVerdict(
        id,
        {
          verdict: v.verdict,
          code: v.code,
          report: v.reportJson,
          signerSerial: v.signerSerial,
          signerIssuer: v.signerIssuer,
          evidence: v.evidence,
        },
        name,
        attempt,
      );
    } catch (error) {
      // The last attempt turns the failure into a verdict; earlier ones are retried with backoff.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await finalFailure(id, error, attempt);
      else throw error;
    }
  };

  const worker = new Worker<VerifyJob>(config.queueName, processJob, {
    connection: redisConnection(config.redisUrl),
    name,
    // Several jobs per thread: while one is verified, the others are read from and written to
    // PostgreSQL and Redis, so the threads never wait for a round trip.
    concurrency: pool.size * Math.max(1, config.jobsPerThread),
    lockDuration: config.lockMs,
    stalledInterval: Math.max(1000, Math.floor(config.lockMs / 2)),
    // A job whose worker died is taken again this many times before it fails.
    maxStalledCount: config.attempts,
  });
  // A job that failed outside the processor (stalled too often) still ends with a verdict.
  worker.on('failed', (job, error) => {
    if (!job) return;
    const stalled = /stalled/i.test(error.message);
    if (stalled || job.attemptsMade >= (job.opts.attempts ?? 1)) {
      finalFailure(
        job.data.applicationId,
        new VerifyFailure('VERIFY_FAILED', error.message),
        job.attemptsMade,
      ).catch(() => {});
    }
  });
  worker.on('error', () => {}); // Redis unreachable: ioredis reconnects; the worker resumes on its own.

  const sweep = async (): Promise<number> => {
    let count = 0;
    for (const id of await store.pendingOlderThan(config.sweepSeconds * 1000)) {
      const job = await queue.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'missing' || state === 'unknown') {
        await enqueue(queue, id);
        count++;
      } else if (state === 'failed' || state === 'completed') {
        // The job ended but wrote no verdict (its last writer died): record why, once.
        await finalFailure(
          id,
          new VerifyFailure('VERIFY_FAILED', job?.failedReason || 'the job ended without a verdict'),
          job?.attemptsMade ?? 0,
        );
      }
    }
    return count;
  };
  const timer = setInterval(() => sweep().catch(() => {}), config.sweepSeconds * 1000);
  timer.unref();

  return {
    name,
    sweep,
    async close() {
      clearInterval(timer);
      await worker.close();
      await queue.close();
      await pool.close();
      await store.close();
    },
  };
}

/**
 * The job queue (BullMQ on Redis). A job carries only the application's id — the files stay in
 * PostgreSQL — and its job id *is* the application id, so enqueuing the same application twice (the
 * web process and the recovery sweep) makes one job.
 */
import { Queue } from 'bullmq';
import type { PortalConfig } from './config.js';
import { GroupCommit } from './group-commit.js';

export interface VerifyJob {
  readonly applicationId: string;
}

export const JOB_NAME = 'verify';

/** Redis connection options from a redis:// URL, as BullMQ wants them (blocking commands never time out). */
export function redisConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    maxRetriesPerRequest: null,
  };
}

export function verifyQueue(config: PortalConfig): Queue<VerifyJob> {
  return new Queue<VerifyJob>(config.queueName, {
    connection: redisConnection(config.redisUrl),
    defaultJobOptions: {
      attempts: config.attempts,
      backoff: { type: 'exponential', delay: 500 },
      // Verdicts live in PostgreSQL; Redis keeps only a bounded tail of finished jobs.
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    },
  });
}

/** Per queue, the jobs being added together (group commit: one Redis pipeline for a burst). */
const adding = new WeakMap<Queue<VerifyJob>, GroupCommit<string, void>>();

export function enqueue(queue: Queue<VerifyJob>, applicationId: string): Promise<void> {
  let group = adding.get(queue);
  if (!group) {
    group = new GroupCommit(
      async (ids) => {
        await queue.addBulk(
          ids.map((id) => ({ name: JOB_NAME, data: { applicationId: id }, opts: { jobId: id } })),
        );
        return ids.map(() => undefined);
      },
      { maxBatch: 64, parallel: 2 },
    );
    adding.set(queue, group);
  }
  return group.add(applicationId);
}

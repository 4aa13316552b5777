/**
 * What the web process keeps between the two steps of a card login or signature: the challenge, or
 * the document and the prepared signature state. It lives in Redis, not in the process, because the
 * portal's web processes are stateless behind a load balancer: prepare may reach one and finish
 * another. Each entry expires on its own (Redis EX) and is taken with GETDEL, so an id is good for
 * one finish only, even when two requests race.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisConnection } from '../queue.js';

export type PendingKind = 'login' | 'sign';

export class PendingStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redisUrl: string, prefix: string) {
    // A web request must not wait for Redis forever: fail fast and let the route answer 503.
    this.#redis = new Redis({
      ...redisConnection(redisUrl),
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      lazyConnect: true,
    });
    this.#redis.on('error', () => {});
    this.#prefix = prefix;
  }

  /** Stores `value` for `ttlMs` and returns its new random id (144 bits, URL-safe). */
  async put(kind: PendingKind, value: unknown, ttlMs: number): Promise<string> {
    const id = randomBytes(18).toString('base64url');
    await this.#redis.set(this.#key(kind, id), JSON.stringify(value), 'PX', Math.ceil(ttlMs));
    return id;
  }

  /** Removes and returns the entry (undefined when unknown, used or expired). */
  async take<T>(kind: PendingKind, id: string): Promise<T | undefined> {
    if (!/^[A-Za-z0-9_-]{24}$/.test(id)) return undefined;
    const text = await this.#redis.getdel(this.#key(kind, id));
    return text === null ? undefined : (JSON.parse(text) as T);
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  #key(kind: PendingKind, id: string): string {
    return `${this.#prefix}:card-${kind}:${id}`;
  }
}

/**
 * Per-reader async queue: one logical operation (select → verify → read/sign) runs to its end before
 * the next one on the same card starts, so two callers in one process never interleave APDUs and never
 * see each other's selected file or security state (design.md §2). Operations start in
 * call order (FIFO). A caller whose signal aborts while waiting leaves the queue without running.
 */
import { abortedError } from './deadline.js';

export class OperationQueue {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  /** Operations queued or running. */
  get pending(): number {
    return this.#pending;
  }

  run<T>(operation: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    const previous = this.#tail;
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#tail = previous.then(() => done);
    this.#pending += 1;
    const finish = () => {
      this.#pending -= 1;
      release();
    };
    return new Promise<T>((resolve, reject) => {
      let started = false;
      const onAbort = () => {
        if (started) return;
        // Leave the queue: our turn, when it comes, passes straight to the next operation.
        previous.then(finish);
        reject(abortedError(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      previous.then(() => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) return;
        started = true;
        let result: Promise<T>;
        try {
          result = operation();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(
          (value) => {
            finish();
            resolve(value);
          },
          (error: unknown) => {
            finish();
            reject(error);
          },
        );
      });
    });
  }
}

const byName = new Map<string, OperationQueue>();
const byObject = new WeakMap<object, OperationQueue>();

/**
 * The process-wide queue of a reader. `key` is a reader name (every PcscTransport on that reader in
 * this process shares it) or an object (an in-memory transport). Named queues are dropped when idle.
 */
export function readerQueue(key: string | object): OperationQueue {
  if (typeof key === 'string') {
    for (const [name, queue] of byName) if (queue.pending === 0 && name !== key) byName.delete(name);
    let queue = byName.get(key);
    if (!queue) {
      queue = new OperationQueue();
      byName.set(key, queue);
    }
    return queue;
  }
  let queue = byObject.get(key);
  if (!queue) {
    queue = new OperationQueue();
    byObject.set(key, queue);
  }
  return queue;
}

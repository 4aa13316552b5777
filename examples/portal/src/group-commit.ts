/**
 * Group commit: calls that arrive while a batch is being written wait and are written together in the
 * next one. An idle service writes each call at once (one statement, no added wait); under a burst one
 * statement carries many calls, so the database and Redis see a round trip per batch instead of per
 * upload. Each caller gets its own result, or the batch's error.
 */
export interface GroupCommitOptions {
  /** The most calls one write carries. */
  readonly maxBatch?: number;
  /** Writes running at once (each on its own connection). */
  readonly parallel?: number;
}

interface Waiting<I, O> {
  readonly item: I;
  resolve(out: O): void;
  reject(error: unknown): void;
}

export class GroupCommit<I, O> {
  readonly #write: (items: readonly I[]) => Promise<readonly O[]>;
  readonly #maxBatch: number;
  readonly #parallel: number;
  #waiting: Waiting<I, O>[] = [];
  #running = 0;
  #scheduled = false;

  /** `write` answers one result per item, in order. */
  constructor(write: (items: readonly I[]) => Promise<readonly O[]>, options: GroupCommitOptions = {}) {
    this.#write = write;
    this.#maxBatch = options.maxBatch ?? 64;
    this.#parallel = options.parallel ?? 1;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      // Calls made by the callbacks of one I/O poll are gathered before the first write starts.
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#drain();
        });
      }
    });
  }

  #drain(): void {
    while (this.#running < this.#parallel && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#maxBatch);
      this.#running++;
      this.#write(batch.map((w) => w.item))
        .then(
          (outs) => {
            batch.forEach((w, i) => {
              w.resolve(outs[i] as O);
            });
          },
          (error: unknown) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          this.#running--;
          this.#drain();
        });
    }
  }
}

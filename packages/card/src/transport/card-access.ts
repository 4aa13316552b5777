/**
 * `CardAccess`: how one card session gets the card for one logical operation.
 *
 * In-process: operations go through the reader's `OperationQueue` (one at a time, FIFO).
 * Across processes: pcsclite has no SCardBeginTransaction, so each operation holds an **exclusive**
 * connection for its span (SCardConnect with SCARD_SHARE_EXCLUSIVE). Another process that holds the
 * card makes our connect fail with a sharing violation (`CARD_BUSY`); we retry with exponential
 * backoff until the caller's signal aborts or `busyTimeoutMs` passes, then report `CARD_BUSY`.
 * After the operation the connection is released (other processes can use the card) unless the
 * operation asked to keep it — the JPKI layer keeps it while the session holds a verified PIN, so no
 * other process can use that security state, and releases it with a card reset on disposal.
 */
import { hasErrorCode } from '@shomei/core';
import { cardError } from '../errors.js';
import { isConnectionLoss } from './connection-loss.js';
import { delay, withDeadline } from './deadline.js';
import { type OperationQueue, readerQueue } from './operation-queue.js';
import type { Disposition, Transport } from './transport.js';

export interface CardAccessOptions {
  /** How long to keep retrying while another process holds the card. Default 30 000 ms. */
  busyTimeoutMs?: number;
  /** First retry delay; doubles up to `maxBackoffMs`. Defaults 25 ms and 500 ms. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Queue key; default the transport object. Pass the reader name so that every session on one PC/SC reader in this process shares a queue. */
  queueKey?: string | object;
}

export interface OperationOptions {
  signal?: AbortSignal | undefined;
  /** Keep the exclusive connection after the operation (the session now holds card security state). */
  hold?: boolean;
  /** Disposition when the connection is released after this operation. Default `leave`. */
  release?: Disposition;
}

export class CardAccess {
  readonly transport: Transport;
  readonly #queue: OperationQueue;
  readonly #options: Required<Omit<CardAccessOptions, 'queueKey'>>;
  #held = false;

  constructor(transport: Transport, options: CardAccessOptions = {}) {
    this.transport = transport;
    this.#queue = readerQueue(options.queueKey ?? transport);
    this.#options = {
      busyTimeoutMs: options.busyTimeoutMs ?? 30_000,
      initialBackoffMs: options.initialBackoffMs ?? 25,
      maxBackoffMs: options.maxBackoffMs ?? 500,
    };
  }

  /** True while the session keeps the card connected between operations. */
  get holding(): boolean {
    return this.#held && this.transport.connected;
  }

  /** Runs `operation` with the card connected exclusively, after every earlier operation on this reader. */
  run<T>(operation: (transport: Transport) => Promise<T>, options: OperationOptions = {}): Promise<T> {
    const { signal } = options;
    return this.#queue.run(async () => {
      await this.#ensureConnected(signal);
      let keep = false;
      try {
        const result = await operation(this.transport);
        keep = options.hold === true || this.#held;
        return result;
      } catch (error) {
        // A removed or reset card lost its security state; a broken or cut-short connection is not kept.
        keep = this.#held && this.transport.connected && !isConnectionLoss(error);
        throw error;
      } finally {
        this.#held = keep && this.transport.connected;
        if (!this.#held && this.transport.connected) {
          await this.transport.disconnect(options.release ?? 'leave').catch(() => {});
        }
      }
    }, signal);
  }

  /**
   * Ends a held connection, with `reset` by default so that the card forgets verified PINs
   * (disposal drops the verified state). Queued behind running operations.
   */
  release(disposition: Disposition = 'reset'): Promise<void> {
    return this.#queue.run(async () => {
      this.#held = false;
      if (this.transport.connected) await this.transport.disconnect(disposition).catch(() => {});
    });
  }

  async #ensureConnected(signal: AbortSignal | undefined): Promise<void> {
    if (this.transport.connected) return;
    this.#held = false;
    const giveUpAt = Date.now() + this.#options.busyTimeoutMs;
    let backoff = this.#options.initialBackoffMs;
    for (;;) {
      try {
        await this.transport.connect({ share: 'exclusive', signal });
        return;
      } catch (error) {
        if (!hasErrorCode(error, 'CARD_BUSY')) throw error;
        const left = giveUpAt - Date.now();
        if (left <= 0) {
          throw cardError('CARD_BUSY', undefined, {
            cause: error,
            details: { waitedMs: this.#options.busyTimeoutMs },
          });
        }
        await withDeadline(delay(Math.min(backoff, left), signal), { signal, what: 'the card' });
        backoff = Math.min(backoff * 2, this.#options.maxBackoffMs);
      }
    }
  }
}

/**
 * `PcscContext`: one PC/SC context over npm `pcsclite` — the list of readers, their card state, and
 * events when readers come and go or cards are inserted and removed.
 *
 * The binding is an optional dependency, loaded on first use: a missing addon or libpcsclite gives
 * `PCSC_UNAVAILABLE`, a pcscd that is not running gives `PCSC_NO_SERVICE`, never a raw stack trace.
 * Binding pitfalls handled here (read in pcsclite 1.0.1 `lib/pcsclite.js`, `src/pcsclite.cpp`):
 * - the module signals nothing when the first reader listing is empty, so we hook `start` to learn
 *   when the first listing has arrived;
 * - `close()` cancels the listing thread, whose cancellation then surfaces as an `error` event
 *   ("Command cancelled") after close: errors after close are swallowed;
 * - every reader runs a status thread whose async handle keeps the event loop alive until the reader
 *   is closed, so `close()` closes every reader too.
 */
import { cardError } from '../errors.js';
import { type DeadlineOptions, withDeadline } from './deadline.js';
import { pcscError, SCARD } from './pcsc-status.js';
import type { PcscCardReader, PcscLite, PcscLiteFactory } from './pcsclite.js';

export type PcscEvent =
  | { type: 'reader-attached'; reader: string }
  | { type: 'reader-detached'; reader: string }
  | { type: 'card-inserted'; reader: string; atr: Uint8Array }
  | { type: 'card-removed'; reader: string };

export interface PcscReaderInfo {
  name: string;
  /** Card present (and powered or powerable). */
  cardPresent: boolean;
  /** The card's ATR when present and known. */
  atr: Uint8Array | undefined;
}

interface ReaderState {
  reader: PcscCardReader;
  /** SCARD_STATE_* flags of the last status event; undefined until the first one arrives. */
  state: number | undefined;
  atr: Uint8Array | undefined;
  /** Incremented on every removal, so a connection can tell that its card went away meanwhile. */
  removals: number;
  /** Settles with the reader's first status event. */
  firstStatus: Promise<void>;
}

let factory: Promise<PcscLiteFactory> | undefined;

/** Loads the optional `pcsclite` addon once; PCSC_UNAVAILABLE when it or libpcsclite is missing. */
export function loadPcsclite(): Promise<PcscLiteFactory> {
  factory ??= import('pcsclite').then(
    (module: { default?: unknown }) => {
      const candidate = (module.default ?? module) as unknown;
      if (typeof candidate !== 'function') {
        throw cardError('PCSC_UNAVAILABLE', undefined, {
          cause: new Error('pcsclite did not export a function'),
        });
      }
      return candidate as PcscLiteFactory;
    },
    (error: unknown) => {
      factory = undefined;
      throw cardError('PCSC_UNAVAILABLE', undefined, { cause: error });
    },
  );
  return factory;
}

export interface PcscContextOptions {
  signal?: AbortSignal;
  /** How long to wait for pcscd's first reader listing. Default 5000 ms. */
  timeoutMs?: number;
  /** For tests: a replacement for the `pcsclite` module export. */
  factory?: PcscLiteFactory;
}

export class PcscContext {
  readonly #pcsc: PcscLite;
  readonly #readers = new Map<string, ReaderState>();
  readonly #listeners = new Set<(event: PcscEvent) => void>();
  #closed = false;

  private constructor(pcsc: PcscLite) {
    this.#pcsc = pcsc;
    pcsc.on('error', () => {
      // Errors after close are the cancellation of the listing thread. Before close they mean pcscd went
      // away; the next connect/transmit reports that with an actionable code, so nothing to do here.
    });
    pcsc.on('reader', (reader) => this.#attach(reader));
  }

  /** Establishes a context and waits for the first reader listing. */
  static async open(options: PcscContextOptions = {}): Promise<PcscContext> {
    const create = options.factory ?? (await loadPcsclite());
    let pcsc: PcscLite;
    try {
      pcsc = create();
    } catch (error) {
      throw pcscError(error, 'establishing a PC/SC context');
    }
    // The module calls pcsc.start(cb) on the next tick; wrap it to learn when the first listing is in.
    const originalStart = pcsc.start;
    const firstListing = new Promise<void>((resolve, reject) => {
      pcsc.start = (callback) =>
        originalStart.call(pcsc, (error, readers) => {
          callback(error, readers);
          if (error) reject(pcscError(error, 'listing readers'));
          else resolve();
        });
    });
    const context = new PcscContext(pcsc);
    try {
      await withDeadline(firstListing, {
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? 5000,
        what: 'the reader listing (is pcscd responsive?)',
      } satisfies DeadlineOptions);
      // Each reader's first status arrives from its own thread; wait briefly so that `readers()` is
      // accurate right after open.
      await context.#settleStatuses(options.signal);
    } catch (error) {
      context.close();
      throw error;
    }
    return context;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The readers known now, with card presence. */
  readers(): PcscReaderInfo[] {
    return [...this.#readers.values()].map(({ reader, state, atr }) => ({
      name: reader.name,
      cardPresent: state !== undefined && (state & reader.SCARD_STATE_PRESENT) !== 0,
      atr: atr && atr.length > 0 ? atr : undefined,
    }));
  }

  /** The binding's reader object, or READER_NOT_FOUND / NO_READERS. */
  reader(name: string | undefined): PcscCardReader {
    this.#assertOpen();
    if (this.#readers.size === 0) throw cardError('NO_READERS');
    if (name === undefined) {
      // No name: the first reader with a card, else the first reader.
      const withCard = this.readers().find((r) => r.cardPresent);
      const chosen = withCard?.name ?? [...this.#readers.keys()][0];
      return this.#readers.get(chosen as string)!.reader;
    }
    const found = this.#readers.get(name);
    if (!found) {
      throw cardError('READER_NOT_FOUND', `No card reader named "${name}". Run \`shomei card readers\`.`, {
        details: { reader: name },
      });
    }
    return found.reader;
  }

  /** The number of card removals seen on a reader so far (see ReaderState.removals). */
  removals(name: string): number {
    return this.#readers.get(name)?.removals ?? 0;
  }

  /** The last known ATR of the card in a reader. */
  atr(name: string): Uint8Array | undefined {
    const atr = this.#readers.get(name)?.atr;
    return atr && atr.length > 0 ? atr : undefined;
  }

  /** Subscribes to reader and card events; returns the unsubscribe function. */
  watch(listener: (event: PcscEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Waits until a card is present in `name` (resolves at once when it already is), honouring the
   * signal and timeout.
   */
  waitForCard(name: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    if (this.readers().some((r) => r.name === name && r.cardPresent)) return Promise.resolve();
    let unsubscribe = () => {};
    const inserted = new Promise<void>((resolve) => {
      unsubscribe = this.watch((event) => {
        if (event.type === 'card-inserted' && event.reader === name) resolve();
      });
    });
    return withDeadline(inserted, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      what: `a card insertion in "${name}"`,
    }).finally(unsubscribe);
  }

  /** Releases the context and stops every status thread. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    for (const { reader } of this.#readers.values()) {
      try {
        reader.close();
      } catch {
        // Already closed by the module (reader detached): nothing left to release.
      }
    }
    this.#readers.clear();
    this.#pcsc.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw cardError('TRANSPORT_CLOSED', 'The PC/SC context was closed.');
  }

  #emit(event: PcscEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }

  #attach(reader: PcscCardReader): void {
    let statusArrived = () => {};
    const firstStatus = new Promise<void>((resolve) => {
      statusArrived = resolve;
    });
    const entry: ReaderState = { reader, state: undefined, atr: undefined, removals: 0, firstStatus };
    this.#readers.set(reader.name, entry);
    reader.on('error', () => {
      // The status thread failed (pcscd gone): the reader is unusable; connect will report why.
    });
    reader.on('end', () => {
      if (this.#readers.get(reader.name) === entry) this.#readers.delete(reader.name);
      if (!this.#closed) this.#emit({ type: 'reader-detached', reader: reader.name });
    });
    reader.on('status', (status) => {
      const before = entry.state;
      const wasPresent = before !== undefined && (before & reader.SCARD_STATE_PRESENT) !== 0;
      const present = (status.state & reader.SCARD_STATE_PRESENT) !== 0;
      entry.state = status.state;
      statusArrived();
      entry.atr = present && status.atr ? new Uint8Array(status.atr) : undefined;
      if (wasPresent && !present) {
        entry.removals += 1;
        this.#emit({ type: 'card-removed', reader: reader.name });
      } else if (!wasPresent && present) {
        this.#emit({ type: 'card-inserted', reader: reader.name, atr: entry.atr ?? new Uint8Array(0) });
      }
    });
    this.#emit({ type: 'reader-attached', reader: reader.name });
  }

  /** Each reader's first status comes from its own thread; wait for them (at most 1 s) so `readers()` is accurate. */
  async #settleStatuses(signal: AbortSignal | undefined): Promise<void> {
    const all = Promise.all([...this.#readers.values()].map((r) => r.firstStatus)).then(() => {});
    await withDeadline(all, { signal, timeoutMs: 1000, what: 'the reader status' }).catch(
      (error: unknown) => {
        if (signal?.aborted) throw error;
        // A reader without status after 1 s is reported as empty; its events will still arrive.
      },
    );
  }
}

/** Lists the readers (and whether each holds a card) with a short-lived context. */
export async function listReaders(options: PcscContextOptions = {}): Promise<PcscReaderInfo[]> {
  const context = await PcscContext.open(options);
  try {
    return context.readers();
  } finally {
    context.close();
  }
}

/**
 * Watches readers and cards until the signal aborts; `onEvent` receives the current readers as
 * `reader-attached`/`card-inserted` first. Resolves when the watch has ended.
 */
export async function watchReaders(
  onEvent: (event: PcscEvent) => void,
  options: PcscContextOptions & { signal: AbortSignal },
): Promise<void> {
  const context = await PcscContext.open(options);
  try {
    for (const info of context.readers()) {
      onEvent({ type: 'reader-attached', reader: info.name });
      if (info.cardPresent)
        onEvent({ type: 'card-inserted', reader: info.name, atr: info.atr ?? new Uint8Array(0) });
    }
    context.watch(onEvent);
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      else options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    context.close();
  }
}

export { SCARD };

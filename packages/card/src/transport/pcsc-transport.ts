/**
 * `PcscTransport`: a `Transport` over one PC/SC reader through npm `pcsclite` (design.md §2).
 *
 * - Explicit share mode per connection (`shared` / `exclusive`) and an explicit disposition on
 *   disconnect (`leave` / `reset` / `unpower` / `eject`).
 * - Removal and reset surface as `CARD_REMOVED` / `CARD_RESET`; the connection is then dropped so that
 *   the next `connect()` really reconnects. The binding's `connected` flag goes stale after a removal
 *   or a failed disconnect (its `connect()` then silently does nothing), so we keep our own state and
 *   reset the binding's flag before connecting.
 * - Receive buffers are sized for the largest response the command can produce plus SW1 SW2 (the
 *   binding passes the size to SCardTransmit; too small fails with SCARD_E_INSUFFICIENT_BUFFER).
 * - A native SCardTransmit cannot be cancelled: on abort (the APDU layer's timeout arrives as one) the
 *   call ends with `ABORTED` and the connection is marked broken; the next `connect()` starts afresh.
 */
import { hasErrorCode } from '@shomei/core';
import { cardError } from '../errors.js';
import { withDeadline } from './deadline.js';
import { PcscContext, type PcscContextOptions } from './pcsc-context.js';
import { pcscError, pcscStatusOf } from './pcsc-status.js';
import type { PcscCardReader } from './pcsclite.js';
import type { ConnectOptions, Disposition, TransmitOptions, Transport } from './transport.js';

export interface PcscTransportOptions extends PcscContextOptions {
  /** Reader name; default: the first reader holding a card, else the first reader. */
  reader?: string;
  /**
   * Per-APDU timeout in ms for callers that drive this transport directly. Default none: the one
   * per-exchange timeout belongs to the APDU layer (`ApduChannel`, `timeoutMs` of `openJpkiCard`,
   * default 30 000), which aborts this transmit through its signal; a second timer here would only
   * race it with the same limit.
   */
  transmitTimeoutMs?: number;
  /** Timeout for SCardConnect/SCardDisconnect in ms. Default 10 000. */
  connectTimeoutMs?: number;
}

/** Largest response a command may produce, from its Le field (ISO 7816-4 §5.1), plus SW1 SW2. */
export function responseBufferSize(command: Uint8Array): number {
  const extended = command.length >= 7 && command[4] === 0;
  // Short Le ≤ 256, extended Le ≤ 65 536. Case 1/3 commands still need room for SW1 SW2 and for
  // cards that answer with data anyway; the maximum of each family keeps the rule simple and safe.
  return (extended ? 65_536 : 256) + 2;
}

export class PcscTransport implements Transport {
  readonly name: string;
  #context: PcscContext;
  readonly #ownsContext: boolean;
  #reader: PcscCardReader;
  /** Options to establish a new context after pcscd restarted (only for a context we own). */
  readonly #contextOptions: PcscContextOptions;
  readonly #transmitTimeoutMs: number | undefined;
  readonly #connectTimeoutMs: number;
  #protocol: number | undefined;
  #atr: Uint8Array | undefined;
  #removalsAtConnect = 0;
  #broken = false;
  #closed = false;

  private constructor(
    context: PcscContext,
    ownsContext: boolean,
    reader: PcscCardReader,
    options: PcscTransportOptions,
  ) {
    this.#context = context;
    this.#ownsContext = ownsContext;
    this.#reader = reader;
    this.name = reader.name;
    this.#contextOptions = {
      ...(options.factory ? { factory: options.factory } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
    this.#transmitTimeoutMs = options.transmitTimeoutMs;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  /** Opens a PC/SC context and picks the reader. Does not connect to the card yet. */
  static async open(options: PcscTransportOptions = {}): Promise<PcscTransport> {
    const context = await PcscContext.open(options);
    try {
      return new PcscTransport(context, true, context.reader(options.reader), options);
    } catch (error) {
      context.close();
      throw error;
    }
  }

  /** A transport on a reader of an existing context (the context stays the caller's). */
  static onContext(context: PcscContext, options: Omit<PcscTransportOptions, keyof PcscContextOptions> = {}) {
    return new PcscTransport(context, false, context.reader(options.reader), options);
  }

  get connected(): boolean {
    return this.#protocol !== undefined && !this.#broken;
  }

  get atr(): Uint8Array | undefined {
    return this.#atr;
  }

  async connect(options: ConnectOptions = {}): Promise<void> {
    this.#assertOpen();
    if (this.#protocol !== undefined) {
      if (!this.#broken) return;
      await this.#drop();
    }
    try {
      await this.#connect(options);
    } catch (error) {
      // pcscd restarted: our context died with it. A context we own is established anew and the
      // connection tried once more (SCardConnect sends nothing to the card, so this retries no PIN).
      if (!this.#ownsContext || !hasErrorCode(error, 'PCSC_NO_SERVICE')) throw error;
      await this.#reopenContext(options.signal);
      await this.#connect(options);
    }
  }

  async #reopenContext(signal: AbortSignal | undefined): Promise<void> {
    const old = this.#context;
    const context = await PcscContext.open({ ...this.#contextOptions, ...(signal ? { signal } : {}) });
    try {
      this.#reader = context.reader(this.name);
    } catch (error) {
      context.close();
      throw error;
    }
    this.#context = context;
    try {
      old.close();
    } catch {
      // the old context is dead already
    }
  }

  async #connect(options: ConnectOptions): Promise<void> {
    const reader = this.#reader;
    // Stale flag: after a removal or a failed disconnect the binding still says connected, and its
    // connect() would then return without calling SCardConnect.
    reader.connected = false;
    const shareMode =
      options.share === 'exclusive' ? reader.SCARD_SHARE_EXCLUSIVE : reader.SCARD_SHARE_SHARED;
    const pending = new Promise<number>((resolve, reject) => {
      reader.connect(
        { share_mode: shareMode, protocol: reader.SCARD_PROTOCOL_T0 | reader.SCARD_PROTOCOL_T1 },
        (error, protocol) =>
          error ? reject(pcscError(error, `connecting to "${this.name}"`)) : resolve(protocol),
      );
    });
    const protocol = await withDeadline(pending, {
      signal: options.signal,
      timeoutMs: this.#connectTimeoutMs,
      what: `the connection request on "${this.name}"`,
      // If the connect completes after we gave up, release it at once.
      onAbandon: () =>
        pending.then(
          () => this.#disconnectQuietly(reader.SCARD_LEAVE_CARD),
          () => {},
        ),
    });
    this.#protocol = protocol;
    this.#broken = false;
    this.#removalsAtConnect = this.#context.removals(this.name);
    this.#atr = this.#context.atr(this.name);
  }

  async transmit(command: Uint8Array, options: TransmitOptions = {}): Promise<Uint8Array> {
    this.#assertOpen();
    const protocol = this.#protocol;
    if (protocol === undefined || this.#broken) {
      throw cardError('TRANSPORT_CLOSED', `Not connected to the card in "${this.name}". Connect first.`);
    }
    if (this.#context.removals(this.name) !== this.#removalsAtConnect) {
      await this.#drop();
      throw cardError('CARD_REMOVED');
    }
    const pending = new Promise<Uint8Array>((resolve, reject) => {
      this.#reader.transmit(
        Buffer.from(command),
        responseBufferSize(command),
        protocol,
        (error, response) => {
          if (error) reject(error);
          else resolve(new Uint8Array(response.buffer, response.byteOffset, response.length));
        },
      );
    });
    let response: Uint8Array;
    try {
      response = await withDeadline(pending, {
        signal: options.signal,
        timeoutMs: this.#transmitTimeoutMs,
        what: `a command on "${this.name}"`,
        onAbandon: () => {
          this.#broken = true;
        },
      });
    } catch (error) {
      const status = pcscStatusOf(error);
      if (status === undefined) throw error;
      const mapped = pcscError(error, `sending a command to "${this.name}"`);
      // After a failed SCardTransmit the handle cannot be trusted, whatever the status: removal,
      // reset, a daemon that went away (which can first answer "access denied", then "no service"
      // forever). Forget it so that the next connect() really reconnects; the APDU is never re-sent.
      await this.#drop();
      throw mapped;
    }
    if (response.length < 2) {
      // No status word at all: with vpcd this is the card going away mid-command (the driver sees the
      // connection close); a real reader reports it the same way when the card loses contact.
      await this.#drop();
      throw cardError(
        'CARD_REMOVED',
        'The card stopped answering in the middle of a command (removed or lost contact). Put it back and try again.',
        { details: { responseLength: response.length } },
      );
    }
    return response;
  }

  async disconnect(disposition: Disposition = 'leave'): Promise<void> {
    if (this.#protocol === undefined) return;
    if (this.#broken) {
      // A native call may still be running on this handle; don't queue behind it.
      await this.#drop();
      return;
    }
    const value = this.#dispositionValue(disposition);
    this.#protocol = undefined;
    this.#atr = undefined;
    await withDeadline(this.#disconnectQuietly(value), {
      timeoutMs: this.#connectTimeoutMs,
      what: `the disconnect on "${this.name}"`,
    }).catch(() => {});
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.disconnect('leave');
    this.#closed = true;
    if (this.#ownsContext) this.#context.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #dispositionValue(disposition: Disposition): number {
    const reader = this.#reader;
    switch (disposition) {
      case 'leave':
        return reader.SCARD_LEAVE_CARD;
      case 'reset':
        return reader.SCARD_RESET_CARD;
      case 'unpower':
        return reader.SCARD_UNPOWER_CARD;
      case 'eject':
        return reader.SCARD_EJECT_CARD;
    }
  }

  /** Forgets a dead handle: best-effort SCardDisconnect without waiting on a possibly hung call. */
  async #drop(): Promise<void> {
    const wasBroken = this.#broken;
    this.#protocol = undefined;
    this.#atr = undefined;
    this.#broken = false;
    const attempt = this.#disconnectQuietly(this.#reader.SCARD_LEAVE_CARD);
    if (!wasBroken) await attempt;
    this.#reader.connected = false;
  }

  /** SCardDisconnect whose failure (handle already invalid after removal) is not an error for us. */
  #disconnectQuietly(disposition: number): Promise<void> {
    return new Promise((resolve) => {
      try {
        // Only called while we hold a handle: make the binding's wrapper really call SCardDisconnect.
        this.#reader.connected = true;
        this.#reader.disconnect(disposition, () => {
          // Failed or not, the binding's flag must not keep claiming a connection.
          this.#reader.connected = false;
          resolve();
        });
      } catch {
        resolve();
      }
    });
  }

  #assertOpen(): void {
    if (this.#closed || this.#context.closed) {
      throw cardError('TRANSPORT_CLOSED', `The transport for "${this.name}" was closed.`);
    }
  }
}

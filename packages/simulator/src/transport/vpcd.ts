/**
 * `VpcdBridge`: puts a virtual card into a pcscd reader through vsmartcard's vpcd driver
 * (spec/jpki-card.md §13–14). vpcd is the TCP server (127.0.0.1:35963 for slot 0, 35964 for slot 1);
 * the bridge is the client: connecting = inserting the card, closing = removing it.
 *
 * Rules kept here (spec §14): reassemble frames across TCP chunks; control codes off/on/reset clear
 * the card's volatile state and get no reply, ATR requests get the ATR, unknown codes are ignored;
 * every APDU gets exactly one reply of at least 2 bytes, in order (vpcd blocks on it without a
 * timeout); reconnect in a loop when pcscd is absent or restarts.
 */
import { createConnection, type Socket } from 'node:net';
import { coreError, isShomeiError } from '@shomei/core';
import type { VirtualJpkiCard } from '../card/virtual-card.js';
import { simulatorError } from '../errors.js';
import type { CardFaults } from '../faults/card-faults.js';
import { encodeVpcdFrame, VpcdControl, VpcdFrameReader } from './vpcd-framing.js';

/** vpcd's default CHANNELID 0x8C7B; slot n listens on port 35963 + n (spec §13.1 [C]). */
export const VPCD_BASE_PORT = 35963;

export interface VpcdBridgeOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 35963 + `slot`. */
  port?: number;
  /** vpcd reader slot (0 → `Virtual PCD 00 00`, 1 → `Virtual PCD 00 01`). Default 0. */
  slot?: number;
  /** Wait between connection attempts (spec §14 item 1: ~1 s). Default 1000 ms. */
  reconnectDelayMs?: number;
  /** Fault injection: removal closes the connection, insertion reconnects; delays/corruption apply to replies. */
  faults?: CardFaults;
  /** Lifecycle notices for logs (never APDU contents). */
  onEvent?: (event: VpcdBridgeEvent) => void;
}

export type VpcdBridgeEvent =
  | { type: 'connected'; host: string; port: number }
  | { type: 'disconnected'; reason: 'remote' | 'removed' | 'stopped' | 'error'; message?: string }
  | { type: 'retrying'; inMs: number };

export type VpcdBridgeState = 'stopped' | 'connecting' | 'connected' | 'waiting';

/** Parses `host:port` (for `--vpcd`); throws VPCD_ADDRESS_INVALID. */
export function parseVpcdAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port < 1 || port > 65535) {
    throw simulatorError(
      'VPCD_ADDRESS_INVALID',
      `Not a vpcd address: "${text}". Use host:port, e.g. 127.0.0.1:35963.`,
    );
  }
  return { host: (m[1] ?? m[2])!, port };
}

export class VpcdBridge {
  readonly host: string;
  readonly port: number;
  readonly #card: VirtualJpkiCard;
  readonly #faults: CardFaults | undefined;
  readonly #reconnectDelayMs: number;
  readonly #onEvent: (event: VpcdBridgeEvent) => void;
  #running = false;
  #socket: Socket | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #state: VpcdBridgeState = 'stopped';
  #unsubscribe: (() => void) | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(card: VirtualJpkiCard, options: VpcdBridgeOptions = {}) {
    const slot = options.slot ?? 0;
    if (!Number.isInteger(slot) || slot < 0 || slot > 15) {
      throw coreError('INPUT_INVALID', 'VpcdBridge: slot must be an integer from 0 to 15.');
    }
    const delay = options.reconnectDelayMs ?? 1000;
    if (!Number.isFinite(delay) || delay < 1) {
      throw coreError(
        'INPUT_INVALID',
        'VpcdBridge: reconnectDelayMs must be a positive number of milliseconds.',
      );
    }
    this.#card = card;
    this.#faults = options.faults;
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? VPCD_BASE_PORT + slot;
    this.#reconnectDelayMs = delay;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#faults?.attach(card);
  }

  get state(): VpcdBridgeState {
    return this.#state;
  }

  /** Starts inserting the card: connects now and keeps reconnecting until `stop()`. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#faults?.onPresenceChange((present) => {
      if (!present) this.#drop('removed');
      else if (this.#running && !this.#socket) this.#connect();
    });
    this.#connect();
  }

  /** Removes the card from the reader and stops reconnecting. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const socket = this.#socket;
    this.#drop('stopped');
    if (socket && !socket.closed) await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    this.#state = 'stopped';
  }

  /** Resolves once the bridge is connected to vpcd (the card is in the reader). */
  whenConnected(signal?: AbortSignal): Promise<void> {
    if (this.#state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#waiters.delete(done);
        reject(simulatorError('ABORTED', undefined, { cause: signal?.reason }));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(done);
    });
  }

  #connect(): void {
    if (!this.#running || this.#socket || (this.#faults && !this.#faults.present)) return;
    this.#state = 'connecting';
    const socket = createConnection({ host: this.host, port: this.port });
    this.#socket = socket;
    socket.setNoDelay(true);
    const reader = new VpcdFrameReader();
    // One reply at a time, in arrival order, even when a reply waits on an injected delay.
    let chain = Promise.resolve();
    socket.on('connect', () => {
      this.#state = 'connected';
      this.#onEvent({ type: 'connected', host: this.host, port: this.port });
      for (const w of [...this.#waiters]) w();
      this.#waiters.clear();
    });
    socket.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        chain = chain.then(() => this.#handle(socket, frame));
      }
    });
    socket.on('error', (err) => {
      if (this.#socket === socket)
        this.#onEvent({ type: 'disconnected', reason: 'error', message: err.message });
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      // Losing the reader means losing power (spec §14 item 6).
      this.#card.powerOff();
      if (this.#state === 'connected') this.#onEvent({ type: 'disconnected', reason: 'remote' });
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    if (!this.#running || (this.#faults && !this.#faults.present)) {
      this.#state = this.#running ? 'waiting' : 'stopped';
      return;
    }
    this.#state = 'waiting';
    this.#onEvent({ type: 'retrying', inMs: this.#reconnectDelayMs });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#connect();
    }, this.#reconnectDelayMs);
  }

  #drop(reason: 'removed' | 'stopped'): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = undefined;
    this.#card.powerOff();
    socket.destroy();
    this.#state = this.#running ? 'waiting' : 'stopped';
    this.#onEvent({ type: 'disconnected', reason });
  }

  async #handle(socket: Socket, frame: Uint8Array): Promise<void> {
    if (this.#socket !== socket) return;
    let reply: Uint8Array | undefined;
    if (frame.length === 0) return; // not sent by vpcd; nothing sensible to answer
    if (frame.length === 1) {
      // spec §13.2, §14 item 3: never reply to off/on/reset; ignore unknown codes.
      switch (frame[0]) {
        case VpcdControl.off:
          this.#card.powerOff();
          return;
        case VpcdControl.on:
          this.#card.powerOn();
          return;
        case VpcdControl.reset:
          this.#card.reset();
          return;
        case VpcdControl.atr:
          reply = this.#card.atr;
          break;
        default:
          return;
      }
    } else {
      try {
        reply = this.#faults ? await this.#faults.exchange(this.#card, frame) : this.#card.transmit(frame);
      } catch (e) {
        if (isShomeiError(e) && e.code === 'CARD_REMOVED') return; // the socket is being closed
        reply = Uint8Array.of(0x6f, 0x00);
      }
    }
    if (this.#socket === socket && !socket.destroyed) socket.write(encodeVpcdFrame(reply));
  }
}

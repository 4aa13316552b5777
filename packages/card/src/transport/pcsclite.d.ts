/**
 * Types for the parts of npm `pcsclite` 1.0.x that PcscTransport uses (read from its lib/pcsclite.js and
 * src/*.cpp). The package's own index.d.ts types errors as `any`; these keep `any` out of our code.
 * Errors from the binding are plain `Error`s whose message ends in `(0x8010xxxx)`, the PC/SC status.
 */
import type { EventEmitter } from 'node:events';

export interface PcscReaderStatus {
  /** SCARD_STATE_* flags. */
  state: number;
  atr?: Buffer;
}

export interface PcscCardReader extends EventEmitter {
  readonly name: string;
  /**
   * Set true by a successful connect and false only by a successful disconnect: it stays true after the
   * card was removed or the disconnect failed, and `connect()` then silently does nothing (stale flag).
   */
  connected: boolean;
  state?: number;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_STATE_EMPTY: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_STATE_EXCLUSIVE: number;
  readonly SCARD_STATE_INUSE: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  readonly SCARD_UNPOWER_CARD: number;
  readonly SCARD_EJECT_CARD: number;
  connect(
    options: { share_mode: number; protocol: number },
    callback: (error: Error | null | undefined, protocol: number) => void,
  ): void;
  disconnect(disposition: number, callback: (error: Error | null | undefined) => void): void;
  /** `responseLength` sizes the native receive buffer: too small gives SCARD_E_INSUFFICIENT_BUFFER. */
  transmit(
    data: Buffer,
    responseLength: number,
    protocol: number,
    callback: (error: Error | null | undefined, response: Buffer) => void,
  ): void;
  /** Stops the reader's status thread (joins it synchronously). */
  close(): void;
  on(event: 'status', listener: (status: PcscReaderStatus) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

export interface PcscLite extends EventEmitter {
  /** Reader name → reader, maintained by the module as readers come and go. */
  readonly readers: Record<string, PcscCardReader>;
  /**
   * Native: starts the reader-list thread; the module calls it on the next tick with a callback that
   * receives the multi-string reader list after every change.
   */
  start(callback: (error: Error | undefined, readers: Buffer) => void): void;
  /** Stops the reader-list thread. May still emit an `error` ("Command cancelled") afterwards. */
  close(): void;
  on(event: 'reader', listener: (reader: PcscCardReader) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

/** The module's export: creates a context (SCardEstablishContext; throws when pcscd is not running). */
export type PcscLiteFactory = () => PcscLite;

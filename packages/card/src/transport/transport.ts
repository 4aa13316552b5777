/**
 * `Transport`: how bytes reach a card (design.md §2). A PC/SC reader, an in-process virtual card and a
 * test double all implement it; everything above (ISO 7816, JPKI) only sees this interface.
 */

export interface TransmitOptions {
  signal?: AbortSignal;
}

/** What to do with the card when a connection ends (PC/SC SCardDisconnect dispositions). */
export type Disposition = 'leave' | 'reset' | 'unpower' | 'eject';

export interface ConnectOptions {
  signal?: AbortSignal;
  /** `exclusive` keeps other processes off the card for the span of the connection. Default `shared`. */
  share?: 'shared' | 'exclusive';
}

export interface Transport {
  /** A name for people and logs, e.g. the PC/SC reader name. */
  readonly name: string;
  /** True while a card connection is open. */
  readonly connected: boolean;
  /** The card's Answer To Reset, once connected. */
  readonly atr: Uint8Array | undefined;
  /** Opens a connection to the card in the reader (PC/SC SCardConnect, or power-on for a virtual card). */
  connect(options?: ConnectOptions): Promise<void>;
  /**
   * Sends one command APDU and returns the whole response APDU (data ‖ SW1 SW2), exactly as the card
   * answered: no GET RESPONSE handling, no status-word interpretation (that is the ISO 7816 layer's job).
   */
  transmit(command: Uint8Array, options?: TransmitOptions): Promise<Uint8Array>;
  /** Ends the card connection; `leave` (the default) keeps the card powered for the next connection. */
  disconnect(disposition?: Disposition): Promise<void>;
  /** Releases everything (reader context, sockets). The transport cannot be used afterwards. */
  close(): Promise<void>;
}

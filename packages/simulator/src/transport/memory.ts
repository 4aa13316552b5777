/**
 * `MemoryTransport`: the in-process `Transport` (design.md §2) to a `VirtualJpkiCard`, for unit tests.
 * Command bytes go to the card's operating system unchanged and its response comes back unchanged; with
 * a `CardFaults` in between, the test controls removal, delays, corruption and forced status words.
 */
import type { ConnectOptions, Disposition, TransmitOptions, Transport } from '@shomei/card';
import type { VirtualJpkiCard } from '../card/virtual-card.js';
import { simulatorError } from '../errors.js';
import type { CardFaults } from '../faults/card-faults.js';

export interface MemoryTransportOptions {
  /** Reader name for logs. Default `Virtual JPKI (memory)`. */
  name?: string;
  faults?: CardFaults;
}

export class MemoryTransport implements Transport {
  readonly name: string;
  readonly #card: VirtualJpkiCard;
  readonly #faults: CardFaults | undefined;
  #connected = false;
  #closed = false;
  /** True while the card keeps power between connections (after `disconnect('leave')`). */
  #powered = false;
  readonly #unsubscribe: (() => void) | undefined;

  constructor(card: VirtualJpkiCard, options: MemoryTransportOptions = {}) {
    this.#card = card;
    this.#faults = options.faults;
    this.name = options.name ?? 'Virtual JPKI (memory)';
    this.#faults?.attach(card);
    this.#unsubscribe = this.#faults?.onPresenceChange((present) => {
      if (!present) {
        this.#connected = false;
        this.#powered = false;
      }
    });
  }

  get connected(): boolean {
    return this.#connected;
  }

  get atr(): Uint8Array | undefined {
    return this.#connected ? this.#card.atr : undefined;
  }

  async connect(options: ConnectOptions = {}): Promise<void> {
    if (options.signal?.aborted) throw simulatorError('ABORTED', undefined, { cause: options.signal.reason });
    if (this.#closed) throw simulatorError('TRANSPORT_CLOSED');
    if (this.#faults && !this.#faults.present) throw simulatorError('NO_CARD');
    if (this.#connected) return;
    // A card left powered keeps its security state (PC/SC SCARD_LEAVE_CARD); otherwise this is a cold start.
    if (!this.#powered) this.#card.powerOn();
    this.#powered = true;
    this.#connected = true;
  }

  async transmit(command: Uint8Array, options: TransmitOptions = {}): Promise<Uint8Array> {
    if (options.signal?.aborted) throw simulatorError('ABORTED', undefined, { cause: options.signal.reason });
    if (this.#faults && !this.#faults.present) throw simulatorError('CARD_REMOVED');
    if (!this.#connected) throw simulatorError('TRANSPORT_CLOSED');
    if (this.#faults) return this.#faults.exchange(this.#card, command, options.signal);
    return this.#card.transmit(command);
  }

  async disconnect(disposition: Disposition = 'leave'): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    switch (disposition) {
      case 'leave':
        break;
      case 'reset':
        this.#card.reset();
        break;
      case 'unpower':
      case 'eject':
        this.#card.powerOff();
        this.#powered = false;
        break;
    }
  }

  async close(): Promise<void> {
    await this.disconnect('leave');
    this.#closed = true;
    this.#unsubscribe?.();
  }
}

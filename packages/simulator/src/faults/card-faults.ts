/**
 * Fault injection for test suites (design.md §4 "fault injection"). One `CardFaults` sits between a
 * transport (MemoryTransport, VpcdBridge) and a virtual card and can remove/insert the card, delay
 * responses, corrupt the next response, force a status word for the next matching command, and count
 * and record APDUs with PINs redacted (apdu-record.ts).
 */
import { coreError, throwIfAborted } from '@shomei/core';
import type { VirtualJpkiCard } from '../card/virtual-card.js';
import { simulatorError } from '../errors.js';
import { type ApduRecord, redactCommand } from './apdu-record.js';

/** Which commands a forced status word applies to; omitted fields match anything. */
export interface CommandMatch {
  cla?: number;
  ins?: number;
  p1?: number;
  p2?: number;
}

export type Corruption = 'flip-byte' | 'truncate' | ((response: Uint8Array) => Uint8Array);

interface ForcedSw {
  sw: number;
  match: CommandMatch | ((command: Uint8Array) => boolean);
  remaining: number;
}

export class CardFaults {
  #present = true;
  #delayMs = 0;
  #delayNext: number[] = [];
  #corrupt: Corruption[] = [];
  #forced: ForcedSw[] = [];
  #records: ApduRecord[] = [];
  #count = 0;
  #recording = true;
  readonly #presenceListeners = new Set<(present: boolean) => void>();
  #card: VirtualJpkiCard | undefined;

  /** Whether the card is in the reader. */
  get present(): boolean {
    return this.#present;
  }

  /** Pulls the card out: it loses power; transports fail with CARD_REMOVED / NO_CARD; a vpcd bridge disconnects. */
  removeCard(): void {
    if (!this.#present) return;
    this.#present = false;
    this.#card?.powerOff();
    for (const l of this.#presenceListeners) l(false);
  }

  /** Puts the card back (unpowered; the next connect powers it on). */
  insertCard(): void {
    if (this.#present) return;
    this.#present = true;
    for (const l of this.#presenceListeners) l(true);
  }

  /** Delays every response by `ms` (0 turns it off). Timers are `setTimeout`, so fake clocks apply. */
  delayResponses(ms: number): void {
    this.#delayMs = nonNegative(ms);
  }

  /** Delays only the next response by `ms` (on top of `delayResponses`). */
  delayNextResponse(ms: number): void {
    this.#delayNext.push(nonNegative(ms));
  }

  /** Corrupts the next response: flip the lowest bit of its first byte (default), drop its last byte, or a custom change. */
  corruptNextResponse(how: Corruption = 'flip-byte'): void {
    this.#corrupt.push(how);
  }

  /**
   * Answers the next `times` commands that match with `sw` instead of passing them to the card (the
   * card's state is not touched). `sw` is e.g. `0x6982` or `0x6581`.
   */
  forceStatusWord(
    sw: number,
    match: CommandMatch | ((command: Uint8Array) => boolean) = {},
    options: { times?: number } = {},
  ): void {
    if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff)
      throw coreError('INPUT_INVALID', 'forceStatusWord: sw must be a 16-bit status word, e.g. 0x6982.');
    this.#forced.push({ sw, match, remaining: options.times ?? 1 });
  }

  /** Drops every pending fault (delays, corruptions, forced status words); keeps presence and records. */
  clearFaults(): void {
    this.#delayMs = 0;
    this.#delayNext = [];
    this.#corrupt = [];
    this.#forced = [];
  }

  /** Number of command APDUs that reached the reader since creation or `clearRecords()`. */
  get commandCount(): number {
    return this.#count;
  }

  /** Recorded exchanges, oldest first (VERIFY/CHANGE REFERENCE DATA data redacted). */
  get records(): readonly ApduRecord[] {
    return this.#records;
  }

  /** How many recorded commands had this INS (and CLA, when given). */
  countOf(ins: number, cla?: number): number {
    return this.#records.filter((r) => r.command[1] === ins && (cla === undefined || r.command[0] === cla))
      .length;
  }

  /** Turns recording on or off (counting continues). On by default. */
  setRecording(on: boolean): void {
    this.#recording = on;
  }

  clearRecords(): void {
    this.#records = [];
    this.#count = 0;
  }

  onPresenceChange(listener: (present: boolean) => void): () => void {
    this.#presenceListeners.add(listener);
    return () => this.#presenceListeners.delete(listener);
  }

  /** Binds the card, so that removal cuts its power. Called by the transports. */
  attach(card: VirtualJpkiCard): void {
    this.#card = card;
  }

  /**
   * One exchange through the faults. Throws CARD_REMOVED when the card is (or gets, during a delay)
   * removed, ABORTED when `signal` fires.
   */
  async exchange(card: VirtualJpkiCard, command: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    this.attach(card);
    if (!this.#present) throw simulatorError('CARD_REMOVED');
    this.#count++;
    const forced = this.#takeForced(command);
    let answer = forced === undefined ? card.transmit(command) : Uint8Array.of(forced >> 8, forced & 0xff);
    const wait = this.#delayMs + (this.#delayNext.shift() ?? 0);
    if (wait > 0) await sleep(wait, signal);
    if (!this.#present) throw simulatorError('CARD_REMOVED');
    const corruption = this.#corrupt.shift();
    if (corruption !== undefined) answer = corrupt(answer, corruption);
    if (this.#recording) {
      const { command: stored, redacted } = redactCommand(command);
      const fault = forced !== undefined ? 'forced-sw' : corruption !== undefined ? 'corrupted' : undefined;
      this.#records.push({
        index: this.#records.length + 1,
        command: stored,
        response: answer.slice(),
        redacted,
        ...(fault ? { fault } : {}),
      });
    }
    return answer;
  }

  #takeForced(command: Uint8Array): number | undefined {
    const i = this.#forced.findIndex((f) => matches(f.match, command));
    if (i < 0) return undefined;
    const f = this.#forced[i]!;
    if (--f.remaining <= 0) this.#forced.splice(i, 1);
    return f.sw;
  }
}

function matches(match: ForcedSw['match'], command: Uint8Array): boolean {
  if (typeof match === 'function') return match(command);
  return (
    (match.cla === undefined || command[0] === match.cla) &&
    (match.ins === undefined || command[1] === match.ins) &&
    (match.p1 === undefined || command[2] === match.p1) &&
    (match.p2 === undefined || command[3] === match.p2)
  );
}

function corrupt(r: Uint8Array, how: Corruption): Uint8Array {
  if (typeof how === 'function') return how(r.slice());
  if (how === 'truncate') return r.slice(0, Math.max(0, r.length - 1));
  const out = r.slice();
  if (out.length > 0) out[0]! ^= 0x01;
  return out;
}

function nonNegative(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0)
    throw coreError('INPUT_INVALID', 'A delay must be a non-negative number of milliseconds.');
  return ms;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      throwIfAborted(signal);
    } catch (e) {
      reject(e);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(simulatorError('ABORTED', undefined, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

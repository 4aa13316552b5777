/**
 * The command interpreter of the virtual card: volatile security state and one handler per
 * instruction (spec/jpki-card.md §3–4, §7, §9). It works on the file-system tables (file-system.ts) and
 * the non-volatile memory (card-state.ts); `transmit` always answers with ≥ 2 bytes and never throws.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_SIGN_INPUT } from './card-key.js';
import type { CardState } from './card-state.js';
import { type CommandApdu, parseCommandApdu } from './command-apdu.js';
import type { Applet, ElementaryFile } from './file-system.js';
import { isValidPin, type PinId } from './holder.js';
import { response, SW, swBytesAvailable, swTriesLeft } from './status-words.js';

export class CardOs {
  readonly #state: CardState;
  readonly #applets: readonly Applet[];
  readonly #changed: () => void;
  // Volatile state (spec §4.4): cleared on power off/on and reset.
  #df: Applet | undefined;
  #ef: number | undefined;
  readonly #verified = new Set<PinId>();
  #pending: Uint8Array | undefined;

  /** `changed` is called after every change of non-volatile memory (PIN counters and values). */
  constructor(state: CardState, applets: readonly Applet[], changed: () => void) {
    this.#state = state;
    this.#applets = applets;
    this.#changed = changed;
  }

  clearVolatile(): void {
    this.#df = undefined;
    this.#ef = undefined;
    this.#verified.clear();
    this.#pending = undefined;
  }

  /** Processes one command APDU; always returns data ‖ SW1 SW2, never throws. */
  transmit(command: Uint8Array): Uint8Array {
    try {
      return this.#dispatch(command);
    } catch {
      return response(SW.UNKNOWN);
    }
  }

  #dispatch(bytes: Uint8Array): Uint8Array {
    const parsed = parseCommandApdu(bytes);
    if (!parsed.ok) return response(SW.WRONG_LENGTH);
    const c = parsed.command;
    // GET RESPONSE data survives only until the next command (ISO 7816-4 §7.6.1).
    const pending = this.#pending;
    this.#pending = undefined;
    // The JPKI card speaks CLA 00, and CLA 80 for COMPUTE DIGITAL SIGNATURE only (spec §3.1).
    if (c.cla !== 0x00 && c.cla !== 0x80) return response(SW.CLA_NOT_SUPPORTED);
    const handler = this.#handlerFor(c);
    if (handler === undefined) return response(SW.INS_NOT_SUPPORTED);
    if (handler.cla !== c.cla) return response(SW.CLA_NOT_SUPPORTED);
    // Only short APDUs are known to work on the card (spec §12 [U] for extended).
    if (c.extended) return response(SW.WRONG_LENGTH);
    return handler.run(c, pending);
  }

  #handlerFor(
    c: CommandApdu,
  ): { cla: number; run: (c: CommandApdu, pending: Uint8Array | undefined) => Uint8Array } | undefined {
    switch (c.ins) {
      case 0xa4:
        return { cla: 0x00, run: (x) => this.#select(x) };
      case 0xb0:
        return { cla: 0x00, run: (x) => this.#readBinary(x) };
      case 0x20:
        return { cla: 0x00, run: (x) => this.#verify(x) };
      case 0x24:
        return { cla: 0x00, run: (x) => this.#changeReferenceData(x) };
      case 0x2a:
        return { cla: 0x80, run: (x) => this.#computeSignature(x) };
      case 0x84:
        return this.#state.config.getChallenge ? { cla: 0x00, run: (x) => this.#getChallenge(x) } : undefined;
      case 0xc0:
        return { cla: 0x00, run: (x, p) => this.#getResponse(x, p) };
      default:
        return undefined;
    }
  }

  #currentFile(): ElementaryFile | undefined {
    return this.#ef === undefined ? undefined : this.#df?.files.get(this.#ef);
  }

  /** SELECT (ISO 7816-4 §11.1.1): by DF name (P1=04) or by FID in the current AP (P1=02), spec §2, §3.1. */
  #select(c: CommandApdu): Uint8Array {
    if (c.p2 !== 0x0c && c.p2 !== 0x00) return response(SW.WRONG_P1P2);
    const wantFci = c.p2 === 0x00 && this.#state.config.fciOnSelect;
    if (c.p1 === 0x04) {
      if (c.data.length === 0 || c.data.length > 16) return response(SW.WRONG_LENGTH);
      // Exact match only: answering 90 00 to a foreign AID would let other OpenSC drivers claim the card (spec §7 item 2).
      const applet = this.#applets.find((a) => equalBytes(a.aid, c.data));
      if (!applet) return response(SW.FILE_NOT_FOUND);
      // spec §4.4: another AP loses the verified PINs [I]; re-selecting the same AP clears them by configuration [U].
      if (applet !== this.#df || this.#state.config.clearVerificationOnSelectAp) this.#verified.clear();
      this.#df = applet;
      this.#ef = undefined;
      return response(SW.OK, wantFci ? fciForAid(applet.aid) : undefined);
    }
    if (c.p1 === 0x02) {
      // Only P1=02 works on the real card (spec §2 [C]).
      if (c.data.length !== 2) return response(SW.WRONG_LENGTH);
      if (!this.#df) return response(SW.FILE_NOT_FOUND);
      const fid = (c.data[0]! << 8) | c.data[1]!;
      const file = this.#df.files.get(fid);
      if (!file) return response(SW.FILE_NOT_FOUND);
      // Selecting an EF never needs a PIN and never changes the verified flags (spec §2, §4.4 [C]).
      this.#ef = fid;
      return response(SW.OK, wantFci ? fcpForFile(fid, file) : undefined);
    }
    return response(SW.WRONG_P1P2);
  }

  /** READ BINARY (ISO 7816-4 §11.2.3) with the short-read rule of spec §4.3. */
  #readBinary(c: CommandApdu): Uint8Array {
    if (c.data.length > 0 || c.le === undefined) return response(SW.WRONG_LENGTH);
    // P1 bit 8 selects the short-EF-identifier form, which the card is not known to support [U].
    if (c.p1 & 0x80) return response(SW.WRONG_P1P2);
    const file = this.#currentFile();
    if (!file) return response(SW.NO_CURRENT_EF);
    if (file.kind !== 'binary') return response(SW.INCOMPATIBLE_FILE);
    if (file.readPin && !this.#verified.has(file.readPin)) return response(SW.SECURITY_NOT_SATISFIED);
    const offset = (c.p1 << 8) | c.p2;
    if (offset >= file.data.length) return response(SW.WRONG_OFFSET);
    return response(SW.OK, file.data.subarray(offset, Math.min(file.data.length, offset + c.le)));
  }

  /** VERIFY `00 20 00 80`: status query without data, PIN check with data (spec §3.1, §4.4). */
  #verify(c: CommandApdu): Uint8Array {
    if (c.p1 !== 0x00 || c.p2 !== 0x80) return response(SW.WRONG_P1P2);
    const file = this.#currentFile();
    // Both PINs use the same APDU; the current PIN EF decides which (spec §3.1 notes [C]).
    if (file?.kind !== 'pin') return response(SW.NO_CURRENT_EF);
    const pin = this.#state.pins[file.pin];
    // Status query: always 63 Cx, also when verified and when blocked (63 C0); no state change (spec §7 item 5).
    if (c.data.length === 0) return response(swTriesLeft(pin.tries));
    if (pin.tries === 0) return response(this.#state.config.blockedPinSw);
    if (equalPin(pin.value, c.data)) {
      this.#verified.add(file.pin);
      if (pin.tries !== this.#limit(file.pin)) {
        pin.tries = this.#limit(file.pin);
        this.#changed();
      }
      return response(SW.OK);
    }
    pin.tries -= 1;
    // A wrong PIN also drops an earlier verification (spec §4.4 "recommended" [U]).
    this.#verified.delete(file.pin);
    this.#changed();
    return response(swTriesLeft(pin.tries));
  }

  /** CHANGE REFERENCE DATA `00 24 01 80 Lc <new PIN>` after VERIFY of the same PIN (spec §3.1, §4.4 [U]). */
  #changeReferenceData(c: CommandApdu): Uint8Array {
    if (c.p1 !== 0x01 || c.p2 !== 0x80) return response(SW.WRONG_P1P2);
    const file = this.#currentFile();
    if (file?.kind !== 'pin') return response(SW.NO_CURRENT_EF);
    if (c.data.length === 0) return response(SW.WRONG_LENGTH);
    const pin = this.#state.pins[file.pin];
    if (pin.tries === 0) return response(this.#state.config.blockedPinSw);
    if (!this.#verified.has(file.pin)) return response(SW.SECURITY_NOT_SATISFIED);
    const next = asciiOrUndefined(c.data);
    if (next === undefined || !isValidPin(file.pin, next)) return response(SW.INCORRECT_DATA);
    pin.value = next;
    this.#changed();
    return response(SW.OK);
  }

  /** COMPUTE DIGITAL SIGNATURE `80 2A 00 80 Lc <DigestInfo> 00` (spec §3.1, §4.4, §7 item 8). */
  #computeSignature(c: CommandApdu): Uint8Array {
    if (c.p1 !== 0x00 || c.p2 !== 0x80) return response(SW.WRONG_P1P2);
    const file = this.#currentFile();
    if (file?.kind !== 'key') return response(SW.CONDITIONS_NOT_SATISFIED);
    if (!this.#verified.has(file.pin)) return response(SW.SECURITY_NOT_SATISFIED);
    if (c.data.length === 0) return response(SW.WRONG_LENGTH);
    if (c.data.length > MAX_SIGN_INPUT) return response(SW.INCORRECT_DATA);
    // The verified flag stays set: several signatures may follow one VERIFY (spec §4.4 [I]).
    const signature = this.#state.keys[file.key].sign(c.data);
    return this.#answerWithData(c, signature);
  }

  /** GET CHALLENGE `00 84 00 00 Le` (spec §3.1, §7 item 12). */
  #getChallenge(c: CommandApdu): Uint8Array {
    if (c.p1 !== 0x00 || c.p2 !== 0x00) return response(SW.WRONG_P1P2);
    if (c.data.length > 0 || c.le === undefined) return response(SW.WRONG_LENGTH);
    return response(SW.OK, new Uint8Array(randomBytes(c.le)));
  }

  /** GET RESPONSE `00 C0 00 00 Le` after a `61 xx` (ISO 7816-4 §7.6.1; T=0 clients, spec §3.1). */
  #getResponse(c: CommandApdu, pending: Uint8Array | undefined): Uint8Array {
    if (c.p1 !== 0x00 || c.p2 !== 0x00) return response(SW.WRONG_P1P2);
    if (!pending) return response(SW.CONDITIONS_NOT_SATISFIED);
    if (c.data.length > 0 || c.le === undefined) {
      this.#pending = pending;
      return response(SW.WRONG_LENGTH);
    }
    const chunk = pending.subarray(0, c.le);
    const rest = pending.subarray(chunk.length);
    if (rest.length > 0) {
      this.#pending = rest;
      return response(swBytesAvailable(rest.length), chunk);
    }
    return response(SW.OK, chunk);
  }

  /**
   * Returns response data for a case-4 command: directly when Le covers it; as `61 xx` + GET RESPONSE
   * when Le was absent (a T=0 client drops Le from case-4 APDUs, spec §3); `6C xx` when Le is too small.
   */
  #answerWithData(c: CommandApdu, data: Uint8Array): Uint8Array {
    if (c.le === undefined) {
      this.#pending = data;
      return response(swBytesAvailable(data.length));
    }
    if (c.le < data.length) return response(0x6c00 | (data.length & 0xff));
    return response(SW.OK, data);
  }

  #limit(id: PinId): number {
    return this.#state.config.retryLimits[id];
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Compares a PIN in constant time for equal lengths (the length itself is public policy). */
function equalPin(expected: string, received: Uint8Array): boolean {
  const want = Buffer.from(expected, 'latin1');
  return want.length === received.length && timingSafeEqual(want, received);
}

function asciiOrUndefined(bytes: Uint8Array): string | undefined {
  for (const b of bytes) if (b < 0x20 || b > 0x7e) return undefined;
  return String.fromCharCode(...bytes);
}

/** FCI template `6F { 84 DF name }` (ISO 7816-4 §7.4.1), returned only with fciOnSelect [U]. */
function fciForAid(aid: Uint8Array): Uint8Array {
  return Uint8Array.of(0x6f, aid.length + 2, 0x84, aid.length, ...aid);
}

/** FCP template `62 { 80 size, 83 FID }` (ISO 7816-4 §7.4.3), returned only with fciOnSelect [U]. */
function fcpForFile(fid: number, file: ElementaryFile): Uint8Array {
  const size = file.kind === 'binary' ? file.data.length : 0;
  return Uint8Array.of(0x62, 0x08, 0x80, 0x02, size >> 8, size & 0xff, 0x83, 0x02, fid >> 8, fid & 0xff);
}

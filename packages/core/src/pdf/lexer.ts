/**
 * A strict, bounded PDF object parser (ISO 32000-1 §7.2–7.3) over a window of the file. It never
 * reads past its window: when an object runs off the end of a window that is not the end of the
 * file it throws `NeedMore`, and the caller retries with a larger window up to a hard cap.
 * Nesting depth, name and number lengths are bounded, so hostile input cannot recurse or loop.
 */
import { coreError as pdfError } from '../errors.js';
import type { PdfDict, PdfName, PdfObject, PdfRef, PdfString, PdfValue } from './objects.js';

/** Thrown when the window ends inside an object: read more bytes and parse again. */
export class NeedMore extends Error {
  constructor() {
    super('need more bytes');
  }
}

export const MAX_DEPTH = 64;
const MAX_NAME = 1024;
const MAX_NUMBER = 40;

// ISO 32000-1 §7.2.2: white-space and delimiter characters.
const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
// §7.3.4.2 Table 3: escape sequences in literal strings.
const ESCAPES: Readonly<Record<number, number>> = {
  110: 10,
  114: 13,
  116: 9,
  98: 8,
  102: 12,
  40: 40,
  41: 41,
  92: 92,
};
const isRegular = (c: number): boolean => WS[c] === 0 && DELIM[c] === 0;

/**
 * Long hex strings (a signature's /Contents: the CMS and its zero padding, 10–40 thousand digits) are
 * decoded by the platform when it can: a JavaScript loop over that many digits is hot enough for V8 to
 * optimise it, and its optimising compiler costs a verifying process ~4 MiB of peak memory for that one
 * loop (bench/pdf-verify.bench.ts). Only plain digits take this path; white-space, bad digits and
 * platforms without a decoder use the loop, which reports the offending offset.
 */
const NATIVE_HEX_MIN = 1024;
type HexDecoder = (hex: string) => Uint8Array;
const platformHex: HexDecoder | undefined = (() => {
  const fromHex = (Uint8Array as unknown as { fromHex?: HexDecoder }).fromHex;
  if (typeof fromHex === 'function') return (h) => fromHex(h);
  const B = (globalThis as { Buffer?: { from(s: string, enc: 'hex'): Uint8Array } }).Buffer;
  return B ? (h) => new Uint8Array(B.from(h, 'hex')) : undefined;
})();
const latin1 = new TextDecoder('latin1');

/** `digits` decoded when it is only hex digits and a platform decoder exists; else undefined. */
export function nativeHex(
  digits: Uint8Array,
  decode: HexDecoder | null = platformHex ?? null,
): Uint8Array | undefined {
  if (!decode) return undefined;
  const text = latin1.decode(digits);
  if (!/^[0-9A-Fa-f]*$/.test(text)) return undefined;
  // §7.3.4.3: an odd final digit is followed by an implied 0.
  return decode(text.length % 2 === 0 ? text : `${text}0`);
}

export class Lexer {
  pos = 0;
  constructor(
    /** The window. */
    readonly buf: Uint8Array,
    /** Absolute file offset of buf[0]. */
    readonly base: number,
    /** True when the window reaches the end of the file (running out is then an error, not NeedMore). */
    readonly atEof: boolean,
  ) {}

  get offset(): number {
    return this.base + this.pos;
  }

  private more(what: string): never {
    if (!this.atEof) throw new NeedMore();
    throw pdfError('PDF_MALFORMED', `The file ends inside ${what} (offset ${this.offset}).`);
  }

  fail(detail: string): never {
    throw pdfError('PDF_MALFORMED', `${detail} at offset ${this.offset}.`, {
      details: { offset: this.offset },
    });
  }

  /** Skips white-space and comments. */
  skipWs(): void {
    const b = this.buf;
    for (;;) {
      while (this.pos < b.length && WS[b[this.pos]!] === 1) this.pos++;
      if (this.pos < b.length && b[this.pos] === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
        continue;
      }
      return;
    }
  }

  /** The next regular-character word (keyword or number) without consuming it, or '' at a delimiter. */
  peekWord(): string {
    this.skipWs();
    const b = this.buf;
    let e = this.pos;
    while (e < b.length && isRegular(b[e]!) && e - this.pos <= MAX_NUMBER) e++;
    if (e === b.length && !this.atEof) throw new NeedMore();
    let s = '';
    for (let i = this.pos; i < e; i++) s += String.fromCharCode(b[i]!);
    return s;
  }

  word(): string {
    const w = this.peekWord();
    this.pos += w.length;
    return w;
  }

  expectWord(w: string): void {
    const got = this.word();
    if (got !== w) this.fail(`Expected "${w}" but found "${got.slice(0, 20)}"`);
  }

  /** A non-negative integer token. */
  integer(what: string): number {
    const w = this.word();
    if (!/^\d{1,15}$/.test(w)) this.fail(`Expected ${what} (an integer) but found "${w.slice(0, 20)}"`);
    return Number(w);
  }

  /** Parses one direct object (a reference `n g R` is recognised by look-ahead). */
  value(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) {
      throw pdfError(
        'PDF_LIMIT_EXCEEDED',
        `Objects nest deeper than ${MAX_DEPTH} levels (offset ${this.offset}).`,
      );
    }
    this.skipWs();
    const b = this.buf;
    if (this.pos >= b.length) this.more('an object');
    const c = b[this.pos]!;
    switch (c) {
      case 0x2f: // '/'
        return this.name();
      case 0x28: // '('
        return this.literalString();
      case 0x3c: // '<'
        if (this.pos + 1 >= b.length) this.more('a string or dictionary');
        return b[this.pos + 1] === 0x3c ? this.dict(depth) : this.hexString();
      case 0x5b: {
        // '['
        this.pos++;
        const out: PdfValue[] = [];
        for (;;) {
          this.skipWs();
          if (this.pos >= b.length) this.more('an array');
          if (b[this.pos] === 0x5d) {
            this.pos++;
            return out;
          }
          out.push(this.value(depth + 1));
        }
      }
      default:
        break;
    }
    const w = this.peekWord();
    if (w === '') this.fail(`Unexpected character 0x${c.toString(16).padStart(2, '0')}`);
    if (w === 'null' || w === 'true' || w === 'false') {
      this.pos += w.length;
      return w === 'null' ? null : w === 'true';
    }
    if (/^\d{1,10}$/.test(w)) {
      // Look ahead for `gen R` (ISO 32000-1 §7.3.10).
      const save = this.pos;
      this.pos += w.length;
      const g = this.peekWord();
      if (/^\d{1,5}$/.test(g)) {
        this.pos += g.length;
        if (this.peekWord() === 'R') {
          this.pos += 1;
          return { type: 'ref', num: Number(w), gen: Number(g) } satisfies PdfRef;
        }
      }
      this.pos = save + w.length;
      return Number(w);
    }
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) {
      this.pos += w.length;
      return Number(w);
    }
    return this.fail(`Unexpected token "${w.slice(0, 20)}"`);
  }

  private name(): PdfName {
    const b = this.buf;
    this.pos++; // '/'
    let s = '';
    let bytes: number[] | undefined;
    while (this.pos < b.length && isRegular(b[this.pos]!)) {
      let c = b[this.pos]!;
      if (c === 0x23) {
        // §7.3.5: #xx escapes.
        if (this.pos + 2 >= b.length) this.more('a name');
        const hx = String.fromCharCode(b[this.pos + 1]!, b[this.pos + 2]!);
        if (!/^[0-9a-fA-F]{2}$/.test(hx)) this.fail('Malformed #xx escape in a name');
        c = Number.parseInt(hx, 16);
        this.pos += 2;
      }
      if (c > 0x7e) bytes ??= [];
      if (bytes) bytes.push(c);
      else s += String.fromCharCode(c);
      this.pos++;
      if (s.length + (bytes?.length ?? 0) > MAX_NAME) {
        throw pdfError(
          'PDF_LIMIT_EXCEEDED',
          `A name is longer than ${MAX_NAME} bytes (offset ${this.offset}).`,
        );
      }
    }
    if (this.pos >= b.length) this.more('a name');
    if (bytes) s += new TextDecoder().decode(new Uint8Array(bytes));
    return { type: 'name', name: s };
  }

  private literalString(): PdfString {
    const b = this.buf;
    const start = this.offset;
    this.pos++;
    const out: number[] = [];
    let nest = 1;
    for (;;) {
      if (this.pos >= b.length) this.more('a string');
      const c = b[this.pos++]!;
      if (c === 0x5c) {
        if (this.pos >= b.length) this.more('a string');
        const e = b[this.pos++]!;
        const simple = ESCAPES[e];
        if (simple !== undefined) out.push(simple);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && this.pos < b.length && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x37; i++) {
            v = v * 8 + b[this.pos++]! - 0x30;
          }
          out.push(v & 0xff);
        } else if (e === 13) {
          if (b[this.pos] === 10) this.pos++;
        } else if (e !== 10) out.push(e);
        continue;
      }
      if (c === 0x28) nest++;
      else if (c === 0x29 && --nest === 0) break;
      out.push(c);
    }
    return { type: 'string', bytes: Uint8Array.from(out), hex: false, start, end: this.offset };
  }

  private hexString(): PdfString {
    const b = this.buf;
    const start = this.offset;
    this.pos++;
    const end = b.indexOf(0x3e, this.pos);
    if (end < 0) this.more('a hex string');
    const fast = end - this.pos >= NATIVE_HEX_MIN ? nativeHex(b.subarray(this.pos, end)) : undefined;
    if (fast) {
      this.pos = end + 1;
      return { type: 'string', bytes: fast, hex: true, start, end: this.offset };
    }
    const out = new Uint8Array((end - this.pos + 1) >> 1);
    let n = 0;
    let hi = -1;
    for (let i = this.pos; i < end; i++) {
      const c = b[i]!;
      if (WS[c] === 1) continue;
      const v =
        c <= 0x39 && c >= 0x30 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
      if (v < 0) {
        this.pos = i;
        this.fail('A hex string holds a character that is not a hex digit');
      }
      if (hi < 0) hi = v;
      else {
        out[n++] = (hi << 4) | v;
        hi = -1;
      }
    }
    // §7.3.4.3: an odd final digit is followed by an implied 0.
    if (hi >= 0) out[n++] = hi << 4;
    this.pos = end + 1;
    return { type: 'string', bytes: out.subarray(0, n), hex: true, start, end: this.offset };
  }

  private dict(depth: number): PdfDict {
    const b = this.buf;
    this.pos += 2;
    const map = new Map<string, PdfValue>();
    for (;;) {
      this.skipWs();
      if (this.pos + 1 >= b.length) this.more('a dictionary');
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return { type: 'dict', map };
      }
      if (b[this.pos] !== 0x2f) this.fail('A dictionary key is not a name');
      const key = this.name().name;
      const v = this.value(depth + 1);
      // §7.3.7: a null value is the same as an absent entry; a repeated key is malformed.
      if (map.has(key)) this.fail(`The dictionary repeats the key /${key}`);
      if (v !== null) map.set(key, v);
    }
  }
}

/** Parses `num gen obj <value>` and stops after the value (stream data and endobj are the caller's). */
export function parseObjectHeader(lx: Lexer): { num: number; gen: number; value: PdfObject } {
  const num = lx.integer('an object number');
  const gen = lx.integer('a generation number');
  lx.expectWord('obj');
  return { num, gen, value: lx.value() };
}

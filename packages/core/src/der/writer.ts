/** Minimal DER encoding helpers (X.690 §10) for the structures shomei builds on hot paths. */
import { coreError } from '../errors.js';

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return Uint8Array.from([0x80 | out.length, ...out]);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One element with a single-octet identifier (tag numbers 0–30). */
export function encodeTlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const body = contents.length === 1 ? contents[0]! : concatBytes(...contents);
  return concatBytes(Uint8Array.of(tag), encodeLength(body.length), body);
}

export function encodeOid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map((x) => {
    if (!/^\d+$/.test(x)) throw coreError('INPUT_INVALID', `Not an OID: ${dotted}`);
    return Number(x);
  });
  if (parts.length < 2 || parts[0]! > 2 || (parts[0]! < 2 && parts[1]! > 39)) {
    throw coreError('INPUT_INVALID', `Not an OID: ${dotted}`);
  }
  const subs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
  const out: number[] = [];
  for (const s of subs) {
    const chunk: number[] = [s & 0x7f];
    for (let n = Math.floor(s / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f));
    out.push(...chunk);
  }
  return encodeTlv(0x06, Uint8Array.from(out));
}

/** A non-negative INTEGER from big-endian magnitude bytes (a leading 00 is added when needed). */
export function encodeUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return encodeTlv(0x02, m.length === 0 || (m[0]! & 0x80) !== 0 ? concatBytes(Uint8Array.of(0), m) : m);
}

export function encodeSmallInteger(n: number): Uint8Array {
  if (!Number.isSafeInteger(n)) throw coreError('INPUT_INVALID', `Not an integer: ${n}`);
  const out: number[] = [];
  let x = n;
  do {
    out.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x !== 0 && x !== -1);
  if (n >= 0 && (out[0]! & 0x80) !== 0) out.unshift(0);
  if (n < 0 && (out[0]! & 0x80) === 0) out.unshift(0xff);
  return encodeTlv(0x02, Uint8Array.from(out));
}

export const DER_NULL = Uint8Array.of(0x05, 0x00);

/**
 * A small, allocation-free DER reader for hot paths (CMS verify, CRL index, certificate fields).
 * ITU-T X.690 §8 (BER) and §10 (DER). Every read is bounds-checked against the enclosing element, so a
 * lying length field can never point outside its parent; errors are `DER_MALFORMED` with the offset.
 *
 * Nodes are plain offsets into the caller's bytes: nothing is copied until a value is decoded.
 */
import { coreError } from '../errors.js';

export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;
export type TagClass = (typeof TagClass)[keyof typeof TagClass];

/** Universal tag numbers used by shomei (X.680 §8.4). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
} as const;

export interface Tlv {
  /** The first identifier octet (class, constructed bit and low tag bits), e.g. 0x30 for SEQUENCE. */
  readonly tag: number;
  readonly tagClass: TagClass;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** Offset of the identifier octet. */
  readonly offset: number;
  readonly headerLength: number;
  /** Length of the contents octets (for an indefinite BER length: up to, not including, the end-of-contents). */
  readonly length: number;
  readonly valueOffset: number;
  /** Offset just past the element (past the end-of-contents octets for an indefinite length). */
  readonly end: number;
  readonly indefinite: boolean;
}

export interface ReadOptions {
  /** Accept BER indefinite lengths and non-minimal length octets (X.690 §8.1.3). Default false: strict DER. */
  ber?: boolean;
  /** Maximum nesting walked while resolving an indefinite length. Default 64. */
  maxDepth?: number;
}

const malformed = (detail: string, offset: number) =>
  coreError('DER_MALFORMED', `Malformed DER at offset ${offset}: ${detail}.`, { details: { offset } });

/** Reads the element starting at `offset`, which must end at or before `limit`. */
export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length, options?: ReadOptions): Tlv {
  return readAt(bytes, offset, limit, options, undefined);
}

/**
 * Reads the element at `offset` inside `parent`'s contents. Prefer it (or `children`) to `readTlv` when
 * walking into BER: the ends of nested indefinite-length elements found when `parent` was read are
 * reused, so a walk down nested indefinite lengths visits each octet a bounded number of times
 * instead of once per enclosing level.
 */
export function readChild(bytes: Uint8Array, parent: Tlv, offset: number, options?: ReadOptions): Tlv {
  return readAt(bytes, offset, parent.valueOffset + parent.length, options, ends.get(parent));
}

/**
 * The ends of the indefinite-length elements found while resolving one (X.690 §8.1.3.6): offsets in
 * ascending order with their ends, and the `maxDepth` the walk was bounded by. Shared by every Tlv read
 * from that walk, so reading a nested one again costs a binary search, not a second walk.
 */
interface IndefiniteEnds {
  readonly offsets: Int32Array;
  readonly ends: Int32Array;
  readonly count: number;
  readonly maxDepth: number;
}

const ends = new WeakMap<Tlv, IndefiniteEnds>();

/**
 * Reads the element at `offset`. `known`: ends already resolved by an enclosing walk; `null` asks for
 * the header only (an indefinite element then comes back with `length` and `end` of -1, for
 * `resolveIndefinite` to walk into).
 */
function readAt(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  options: ReadOptions | undefined,
  known: IndefiniteEnds | undefined | null,
): Tlv {
  if (limit > bytes.length) limit = bytes.length;
  if (offset >= limit) throw malformed('unexpected end of data (no identifier octet)', offset);
  const tag = bytes[offset]!;
  let p = offset + 1;
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    // X.690 §8.1.2.4: high-tag-number form, base-128 with continuation bit.
    tagNumber = 0;
    let count = 0;
    for (;;) {
      if (p >= limit) throw malformed('truncated high tag number', offset);
      const b = bytes[p++]!;
      if (count === 0 && b === 0x80 && !options?.ber) throw malformed('non-minimal high tag number', offset);
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (++count > 4) throw malformed('tag number too large', offset);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= limit) throw malformed('truncated length', offset);
  const first = bytes[p++]!;
  let length: number;
  let indefinite = false;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    if (!options?.ber) throw malformed('indefinite length is not allowed in DER', offset);
    if ((tag & 0x20) === 0) throw malformed('indefinite length on a primitive element', offset);
    indefinite = true;
    length = -1;
  } else {
    const n = first & 0x7f;
    if (n === 0x7f) throw malformed('reserved length octet 0xFF', offset);
    if (n > 4) throw malformed(`length of ${n} octets is too large`, offset);
    if (p + n > limit) throw malformed('truncated length octets', offset);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[p + i]!;
    if (!options?.ber && (bytes[p] === 0 || length < 0x80))
      throw malformed('length is not minimally encoded', offset);
    p += n;
  }
  const tagClass = (tag >> 6) as TagClass;
  const constructed = (tag & 0x20) !== 0;
  let end = p + length;
  if (!indefinite) {
    if (end > limit) {
      throw malformed(
        `length ${length} runs past the end of the enclosing data (${limit - p} bytes left)`,
        offset,
      );
    }
  } else if (known === null) {
    end = -1;
  } else {
    // Indefinite length: the contents run to the end-of-contents octets 00 00 (X.690 §8.1.5).
    const maxDepth = options?.maxDepth ?? 64;
    let memo = known;
    end = memo && memo.maxDepth <= maxDepth ? endOf(memo, offset) : -1;
    if (end < 0) {
      memo = resolveIndefinite(bytes, offset, p, limit, options, maxDepth);
      end = memo.ends[0]!;
    } else if (end > limit) {
      throw malformed('missing end-of-contents octets', offset);
    }
    length = end - 2 - p;
    const tlv: Tlv = {
      tag,
      tagClass,
      constructed,
      tagNumber,
      offset,
      headerLength: p - offset,
      length,
      valueOffset: p,
      end,
      indefinite,
    };
    ends.set(tlv, memo!);
    return tlv;
  }
  return {
    tag,
    tagClass,
    constructed,
    tagNumber,
    offset,
    headerLength: p - offset,
    length,
    valueOffset: p,
    end,
    indefinite,
  };
}

/** The recorded end of the indefinite-length element at `offset`, or -1. */
function endOf(memo: IndefiniteEnds, offset: number): number {
  let lo = 0;
  let hi = memo.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const o = memo.offsets[mid]!;
    if (o === offset) return memo.ends[mid]!;
    if (o < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Finds the end of the indefinite-length element at `offset` (contents from `from`) in one pass with
 * an explicit stack: a definite child is skipped by its length, an indefinite one is entered, and
 * every indefinite element met is recorded with its end. Nesting of indefinite lengths is bounded by
 * `maxDepth`.
 */
function resolveIndefinite(
  bytes: Uint8Array,
  offset: number,
  from: number,
  limit: number,
  options: ReadOptions | undefined,
  maxDepth: number,
): IndefiniteEnds {
  if (maxDepth <= 0) throw malformed('indefinite-length nesting too deep', offset);
  let offsets = new Int32Array(8);
  let found = new Int32Array(8);
  offsets[0] = offset;
  let count = 1;
  const open: number[] = [0];
  let q = from;
  while (open.length > 0) {
    if (q + 2 > limit) throw malformed('missing end-of-contents octets', offsets[open[open.length - 1]!]!);
    if (bytes[q] === 0 && bytes[q + 1] === 0) {
      q += 2;
      found[open.pop()!] = q;
      continue;
    }
    const child = readAt(bytes, q, limit, options, null);
    if (!child.indefinite) {
      q = child.end;
      continue;
    }
    if (open.length >= maxDepth) throw malformed('indefinite-length nesting too deep', q);
    if (count === offsets.length) {
      const o = new Int32Array(count * 2);
      o.set(offsets);
      offsets = o;
      const e = new Int32Array(count * 2);
      e.set(found);
      found = e;
    }
    offsets[count] = q;
    open.push(count++);
    q = child.valueOffset;
  }
  return { offsets, ends: found, count, maxDepth };
}

/** Reads a whole buffer that must contain exactly one element (no trailing bytes). */
export function readRoot(bytes: Uint8Array, options?: ReadOptions): Tlv {
  const tlv = readTlv(bytes, 0, bytes.length, options);
  if (tlv.end !== bytes.length)
    throw malformed(`${bytes.length - tlv.end} trailing bytes after the element`, tlv.end);
  return tlv;
}

/** The direct children of a constructed element. */
export function children(bytes: Uint8Array, parent: Tlv, options?: ReadOptions): Tlv[] {
  if (!parent.constructed) throw malformed('expected a constructed element', parent.offset);
  const out: Tlv[] = [];
  const end = parent.valueOffset + parent.length;
  const known = parent.indefinite ? ends.get(parent) : undefined;
  let p = parent.valueOffset;
  while (p < end) {
    const child = readAt(bytes, p, end, options, known);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** Checks the identifier octet; returns the node for chaining. */
export function expectTag(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) {
    throw malformed(
      `expected ${what} (tag 0x${tag.toString(16).padStart(2, '0')}), found tag 0x${tlv.tag.toString(16).padStart(2, '0')}`,
      tlv.offset,
    );
  }
  return tlv;
}

/** The contents octets (a view, not a copy). */
export function contentsOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.valueOffset, tlv.valueOffset + tlv.length);
}

/** The whole encoding, header included (a view, not a copy). */
export function encodingOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.offset, tlv.end);
}

/** Decodes an OBJECT IDENTIFIER to dotted form (X.690 §8.19), rejecting non-minimal subidentifiers. */
export function readOid(bytes: Uint8Array, tlv: Tlv): string {
  expectTag(tlv, Tag.OID, 'OBJECT IDENTIFIER');
  const from = tlv.valueOffset;
  const end = from + tlv.length;
  if (tlv.length === 0) throw malformed('empty OBJECT IDENTIFIER', tlv.offset);
  // The arcs go into one array joined once: a flat string (OIDs are Map keys everywhere), without
  // the copies of re-assembling the first two arcs.
  const arcs: number[] = [];
  let acc = 0;
  let started = false;
  for (let i = from; i < end; i++) {
    const b = bytes[i]!;
    if (!started && b === 0x80) throw malformed('non-minimal OID subidentifier', tlv.offset);
    started = true;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 128) throw malformed('OID subidentifier too large', tlv.offset);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        // X.690 §8.19.4: the first subidentifier packs the first two arcs.
        const top = acc < 40 ? 0 : acc < 80 ? 1 : 2;
        arcs.push(top, acc - 40 * top);
      } else arcs.push(acc);
      acc = 0;
      started = false;
    } else if (i === end - 1) {
      throw malformed('truncated OID subidentifier', tlv.offset);
    }
  }
  return arcs.join('.');
}

/** INTEGER contents as bytes (two's complement, minimal per X.690 §8.3.2). */
export function readIntegerBytes(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  expectTag(tlv, Tag.INTEGER, 'INTEGER');
  const v = contentsOf(bytes, tlv);
  if (v.length === 0) throw malformed('empty INTEGER', tlv.offset);
  if (v.length > 1 && ((v[0] === 0 && (v[1]! & 0x80) === 0) || (v[0] === 0xff && (v[1]! & 0x80) !== 0))) {
    throw malformed('INTEGER is not minimally encoded', tlv.offset);
  }
  return v;
}

/** A small INTEGER (or ENUMERATED) as a number; throws when it does not fit in 48 bits. */
export function readSmallInteger(bytes: Uint8Array, tlv: Tlv): number {
  if (tlv.tag !== Tag.INTEGER && tlv.tag !== Tag.ENUMERATED) expectTag(tlv, Tag.INTEGER, 'INTEGER');
  const v = contentsOf(bytes, tlv);
  if (v.length === 0 || v.length > 6) throw malformed('INTEGER out of range', tlv.offset);
  let n = 0;
  for (const b of v) n = n * 256 + b;
  // Two's complement: a set top bit means n − 2^(8·len).
  return (v[0]! & 0x80) !== 0 ? n - 2 ** (8 * v.length) : n;
}

export function readBoolean(bytes: Uint8Array, tlv: Tlv): boolean {
  expectTag(tlv, Tag.BOOLEAN, 'BOOLEAN');
  if (tlv.length !== 1) throw malformed('BOOLEAN must have one contents octet', tlv.offset);
  const b = bytes[tlv.valueOffset]!;
  if (b !== 0 && b !== 0xff) throw malformed('BOOLEAN must be 0x00 or 0xFF in DER', tlv.offset);
  return b === 0xff;
}

/** BIT STRING: the unused-bit count and the bit bytes (a view). */
export function readBitString(bytes: Uint8Array, tlv: Tlv): { unusedBits: number; bytes: Uint8Array } {
  expectTag(tlv, Tag.BIT_STRING, 'BIT STRING');
  const v = contentsOf(bytes, tlv);
  if (v.length === 0) throw malformed('empty BIT STRING', tlv.offset);
  const unusedBits = v[0]!;
  if (unusedBits > 7 || (v.length === 1 && unusedBits !== 0))
    throw malformed('bad BIT STRING unused-bit count', tlv.offset);
  return { unusedBits, bytes: v.subarray(1) };
}

/**
 * The octets of a signature BIT STRING (RFC 5280 §4.1.1.3): every supported algorithm produces whole
 * octets, so a non-zero unused-bit count is no valid signature. Such a value is returned empty (it can
 * never verify) rather than thrown: PKITS 4.1.2 (BadSignedCACert) expects a bad signature, not a
 * malformed certificate. Taking the octets as they are would let one signature validate under several
 * encodings, i.e. several certificate hashes.
 */
export function readSignatureBitString(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  const { unusedBits, bytes: value } = readBitString(bytes, tlv);
  return unusedBits === 0 ? value : new Uint8Array(0);
}

const digits = (bytes: Uint8Array, from: number, n: number, offset: number): number => {
  let x = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[from + i]! - 0x30;
    if (c < 0 || c > 9) throw malformed('non-digit in time value', offset);
    x = x * 10 + c;
  }
  return x;
};

/**
 * UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) as required by RFC 5280 §4.1.2.5:
 * seconds present, Zulu, no fractional seconds. UTCTime years 50–99 mean 19xx.
 */
export function readTime(bytes: Uint8Array, tlv: Tlv): Date {
  const v = tlv.valueOffset;
  let year: number;
  let p: number;
  if (tlv.tag === Tag.UTC_TIME) {
    if (tlv.length !== 13) throw malformed('UTCTime must be YYMMDDHHMMSSZ', tlv.offset);
    const yy = digits(bytes, v, 2, tlv.offset);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    p = v + 2;
  } else if (tlv.tag === Tag.GENERALIZED_TIME) {
    if (tlv.length !== 15) throw malformed('GeneralizedTime must be YYYYMMDDHHMMSSZ', tlv.offset);
    year = digits(bytes, v, 4, tlv.offset);
    p = v + 4;
  } else {
    throw malformed('expected UTCTime or GeneralizedTime', tlv.offset);
  }
  const month = digits(bytes, p, 2, tlv.offset);
  const day = digits(bytes, p + 2, 2, tlv.offset);
  const hour = digits(bytes, p + 4, 2, tlv.offset);
  const minute = digits(bytes, p + 6, 2, tlv.offset);
  const second = digits(bytes, p + 8, 2, tlv.offset);
  if (bytes[p + 10] !== 0x5a) throw malformed('time must end in Z', tlv.offset);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw malformed('time field out of range', tlv.offset);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) throw malformed('day out of range for month', tlv.offset);
  return new Date(ms);
}

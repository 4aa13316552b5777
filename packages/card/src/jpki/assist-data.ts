/**
 * Parsers for the card-input-assistance AP's files (spec/jpki-card.md §9). The values are personal
 * data and the My Number is legally restricted, so failures say what is wrong with the *structure*
 * and never quote the bytes.
 */
import { cardError } from '../errors.js';

export type HolderSex = 'male' | 'female' | 'unspecified';

/** The four basic facts (基本4情報) as written in the card-input-assistance AP. */
export interface CardAttributes {
  name: string;
  address: string;
  /** As stored on the card: ASCII digits, `YYYYMMDD` on cards seen so far (spec §9 [U] on format). */
  birthDate: string;
  /** §9: `1` male, `2` female, `9` not applicable. */
  sex: HolderSex;
}

interface Tlv {
  tag: number;
  value: Uint8Array;
  end: number;
}

const malformed = (what: string) =>
  cardError('CARD_DATA_MALFORMED', `The card-input-assistance ${what} does not have the expected structure.`);

/**
 * One BER TLV with a private-class tag (X.690 §8.1.2): the tag is returned as its raw bytes read as a
 * big-endian number (`FF 10` → 0xFF10), since the card writes `FF 10` in a non-minimal form (§9).
 */
function readTlv(bytes: Uint8Array, offset: number, what: string): Tlv {
  let p = offset;
  const first = bytes[p++];
  if (first === undefined) throw malformed(what);
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    for (let i = 0; ; i++) {
      const b = bytes[p++];
      if (b === undefined || i >= 3) throw malformed(what);
      tag = tag * 256 + b;
      if ((b & 0x80) === 0) break;
    }
  }
  const l0 = bytes[p++];
  if (l0 === undefined) throw malformed(what);
  let length = l0;
  if (l0 & 0x80) {
    const n = l0 & 0x7f;
    if (n === 0 || n > 2) throw malformed(what);
    length = 0;
    for (let i = 0; i < n; i++) {
      const b = bytes[p++];
      if (b === undefined) throw malformed(what);
      length = length * 256 + b;
    }
  }
  if (p + length > bytes.length) throw malformed(what);
  return { tag, value: bytes.subarray(p, p + length), end: p + length };
}

/** Total size of the TLV starting at 0 from its first bytes, or undefined when more bytes are needed. */
export function assistTlvLength(head: Uint8Array): number {
  const first = head[0];
  if (first === undefined) throw malformed('file');
  let p = 1;
  if ((first & 0x1f) === 0x1f) {
    while (p < head.length && (head[p]! & 0x80) !== 0) p++;
    p++;
  }
  const l0 = head[p];
  if (l0 === undefined) throw malformed('file');
  if (l0 < 0x80) return p + 1 + l0;
  const n = l0 & 0x7f;
  if (n === 0 || n > 2 || p + 1 + n > head.length) throw malformed('file');
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + head[p + 1 + i]!;
  return p + 1 + n + length;
}

/** EF 0001: `FF 10 0C` + 12 ASCII digits (§9). */
export function parseMyNumberEf(bytes: Uint8Array): string {
  const tlv = readTlv(bytes, 0, 'My Number file');
  if (tlv.tag !== 0xff10 || tlv.value.length !== 12) throw malformed('My Number file');
  let digits = '';
  for (const b of tlv.value) {
    if (b < 0x30 || b > 0x39) throw malformed('My Number file');
    digits += String.fromCharCode(b);
  }
  return digits;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(value: Uint8Array, what: string): string {
  try {
    return utf8.decode(value);
  } catch {
    throw malformed(what);
  }
}

const SEX: Readonly<Record<string, HolderSex>> = { '1': 'male', '2': 'female', '9': 'unspecified' };

/** EF 0002: `FF 20 { DF 21 header, DF 22 name, DF 23 address, DF 24 birth date, DF 25 sex }` (§9). */
export function parseAttributesEf(bytes: Uint8Array): CardAttributes {
  const what = 'attributes file';
  const outer = readTlv(bytes, 0, what);
  if (outer.tag !== 0xff20) throw malformed(what);
  const fields = new Map<number, Uint8Array>();
  for (let p = 0; p < outer.value.length; ) {
    const tlv = readTlv(outer.value, p, what);
    fields.set(tlv.tag, tlv.value);
    p = tlv.end;
  }
  const get = (tag: number) => {
    const value = fields.get(tag);
    if (value === undefined) throw malformed(what);
    return text(value, what);
  };
  const sex = SEX[get(0xdf25)];
  if (sex === undefined) throw malformed(what);
  return { name: get(0xdf22), address: get(0xdf23), birthDate: get(0xdf24), sex };
}

/**
 * Contents of the card-input-assistance AP's EFs (券面事項入力補助AP, spec/jpki-card.md §9).
 *
 * These use private-class BER tags; the My Number tag `FF 10` is written in the non-minimal
 * high-tag-number form the real card uses (spec §9 [I, strong]).
 */
import type { HolderProfile, Sex } from './holder.js';

const utf8 = new TextEncoder();

/** BER length octets (X.690 §8.1.3): short form below 128, else 81 xx / 82 xx xx. */
function berLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  return [0x82, n >> 8, n & 0xff];
}

function tlv(tag: readonly number[], value: Uint8Array): Uint8Array {
  const head = [...tag, ...berLength(value.length)];
  const out = new Uint8Array(head.length + value.length);
  out.set(head, 0);
  out.set(value, head.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** EF 0001: `FF 10 0C` + 12 ASCII digits (spec §9). */
export function encodeMyNumberEf(myNumber: string): Uint8Array {
  return tlv([0xff, 0x10], utf8.encode(myNumber));
}

/** Sex code used by the card-input-assistance AP (spec §9: `1` male, `2` female, `9` not applicable). */
export function sexCode(sex: Sex): '1' | '2' | '9' {
  return sex === 'male' ? '1' : sex === 'female' ? '2' : '9';
}

/**
 * EF 0002: `FF 20 { DF 21 header, DF 22 name, DF 23 address, DF 24 birth date, DF 25 sex }` (spec §9).
 * The header's content is [U]; here it holds the big-endian 16-bit offsets of the four value TLVs
 * from the start of the EF (what JSAPDU's schema suggests). Birth date `YYYYMMDD` ASCII [U].
 */
export function encodeAttributesEf(holder: HolderProfile): Uint8Array {
  const values = [
    tlv([0xdf, 0x22], utf8.encode(holder.name)),
    tlv([0xdf, 0x23], utf8.encode(holder.address)),
    tlv([0xdf, 0x24], utf8.encode(holder.birthDate.replaceAll('-', ''))),
    tlv([0xdf, 0x25], utf8.encode(sexCode(holder.sex))),
  ];
  // Layout: FF 20 <len> | DF 21 08 <4 offsets> | values. The outer length is fixed before offsets are known.
  const headerTlvLength = 3 + 8;
  const innerLength = headerTlvLength + values.reduce((n, v) => n + v.length, 0);
  const outerHead = 2 + berLength(innerLength).length;
  const offsets = new Uint8Array(8);
  let at = outerHead + headerTlvLength;
  values.forEach((v, i) => {
    offsets[2 * i] = at >> 8;
    offsets[2 * i + 1] = at & 0xff;
    at += v.length;
  });
  return tlv([0xff, 0x20], concat([tlv([0xdf, 0x21], offsets), ...values]));
}

/** EF 0005: `FF 40 { DF 41 AP info (4 bytes), DF 42 key ID (16 bytes) }`, readable without PIN (spec §9). */
export function encodeBasicInfoEf(apInfo: Uint8Array, keyId: Uint8Array): Uint8Array {
  return tlv([0xff, 0x40], concat([tlv([0xdf, 0x41], apInfo), tlv([0xdf, 0x42], keyId)]));
}

/**
 * Builders for re-shaped SignedData in hostile tests: the fields of a ContentInfo, an eContent split
 * into BER segments, and a detached signature turned into a streamed attached one.
 */

import { concatBytes, seq } from '@shomei/simulator/testing';
import { children, encodingOf, readRoot, type Tlv } from '../../src/der/reader.js';
import { encodeTlv } from '../../src/der/writer.js';

/** The SignedData fields of a ContentInfo, and a function to put a ContentInfo back together. */
export function fieldsOf(der: Uint8Array): {
  fields: Uint8Array[];
  rebuild: (fields: Uint8Array[]) => Uint8Array;
} {
  const root = readRoot(der);
  const [type, explicit] = children(der, root) as [Tlv, Tlv];
  const [sd] = children(der, explicit) as [Tlv];
  const fields = children(der, sd).map((f) => encodingOf(der, f));
  return {
    fields,
    rebuild: (f) => seq(encodingOf(der, type), encodeTlv(0xa0, seq(...f))),
  };
}

/** Header of a definite-length element with a 4-octet length. */
export const header = (tag: number, length: number) =>
  Uint8Array.of(tag, 0x84, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);

/** `content` as a constructed OCTET STRING of `segments` pieces (the last takes the remainder). */
export function segmented(bytes: Uint8Array, segments: number): Uint8Array {
  const size = Math.floor(bytes.length / segments);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < segments; i++) {
    const piece = bytes.subarray(i * size, i === segments - 1 ? bytes.length : (i + 1) * size);
    const h = piece.length < 0x80 ? Uint8Array.of(0x04, piece.length) : header(0x04, piece.length);
    parts.push(h, piece);
    total += h.length + piece.length;
  }
  // Indefinite-length constructed OCTET STRING, as streaming encoders write it (X.690 §8.7.3.2).
  const out = new Uint8Array(2 + total + 2);
  out.set([0x24, 0x80]);
  let at = 2;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A detached SignedData with `eContent` spliced in as its encapsulated content (the same signature). */
export function withEContent(detached: Uint8Array, eContent: Uint8Array): Uint8Array {
  const { fields, rebuild } = fieldsOf(detached);
  const encapOid = children(fields[2]!, readRoot(fields[2]!))[0]!;
  const explicit = concatBytes(header(0xa0, eContent.length), eContent);
  fields[2] = concatBytes(
    header(0x30, encapOid.end - encapOid.offset + explicit.length),
    encodingOf(fields[2]!, encapOid),
    explicit,
  );
  return rebuild(fields);
}

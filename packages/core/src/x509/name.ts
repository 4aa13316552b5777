/**
 * X.501 Name (RFC 5280 §4.1.2.4): raw DER, attributes per RDN, an RFC 4514-style string, and a
 * comparison key implementing the RFC 5280 §7.1 matching rules (case-insensitive, whitespace-folded
 * for the string types, RDNs compared as sets).
 */
import { bytesEqual, toHex } from '../der/bytes.js';
import {
  children,
  contentsOf,
  encodingOf,
  expectTag,
  readOid,
  readRoot,
  Tag,
  type Tlv,
} from '../der/reader.js';
import { coreError } from '../errors.js';
import { ATTRIBUTE_SHORT_NAME } from './oids.js';

export interface NameAttribute {
  readonly oid: string;
  /** RFC 4514 short name (CN, O, …) or the dotted OID when there is none. */
  readonly type: string;
  /** Decoded string value ('' for a non-string value; see `valueDer`). */
  readonly value: string;
  /** Universal tag of the value (0x0c UTF8String, 0x13 PrintableString, …). */
  readonly valueTag: number;
  readonly valueDer: Uint8Array;
}

export interface Name {
  /** The DER of the whole Name (a SEQUENCE). */
  readonly der: Uint8Array;
  /** RDNs in encoding order (most significant first); each RDN is a set of attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** RFC 4514 string (least significant RDN first), e.g. `CN=Alice,O=Example,C=JP`. */
  readonly text: string;
  /** Key for RFC 5280 §7.1 comparison: equal keys mean matching names. */
  readonly matchKey: string;
  /** Per-RDN comparison keys in encoding order (for prefix checks in name constraints). */
  readonly rdnKeys: readonly string[];
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Decodes a directory string by its universal tag; unknown types give ''. */
export function decodeString(tag: number, v: Uint8Array): string {
  switch (tag) {
    case Tag.UTF8_STRING:
      return utf8.decode(v);
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.VISIBLE_STRING:
    case Tag.T61_STRING:
    case 0x12: // NumericString
      return latin1.decode(v);
    case Tag.BMP_STRING: {
      let s = '';
      for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case Tag.UNIVERSAL_STRING: {
      let s = '';
      for (let i = 0; i + 3 < v.length; i += 4) {
        const cp = ((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      return '';
  }
}

const isStringTag = (tag: number): boolean =>
  tag === Tag.UTF8_STRING ||
  tag === Tag.PRINTABLE_STRING ||
  tag === Tag.IA5_STRING ||
  tag === Tag.VISIBLE_STRING ||
  tag === Tag.T61_STRING ||
  tag === Tag.BMP_STRING ||
  tag === Tag.UNIVERSAL_STRING ||
  tag === 0x12;

/** RFC 4514 §2.4 escaping. */
function escapeValue(s: string): string {
  let out = s.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 0) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** RFC 4518-lite normalisation used by RFC 5280 §7.1: fold case, trim, collapse inner whitespace. */
const normalise = (s: string): string => s.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');

/** Parses a Name from the bytes of its SEQUENCE element within `bytes`. */
export function parseNameAt(bytes: Uint8Array, seq: Tlv): Name {
  expectTag(seq, Tag.SEQUENCE, 'Name (SEQUENCE)');
  const rdns: NameAttribute[][] = [];
  const keyParts: string[] = [];
  for (const set of children(bytes, seq)) {
    expectTag(set, Tag.SET, 'RelativeDistinguishedName (SET)');
    const rdn: NameAttribute[] = [];
    const rdnKeys: string[] = [];
    for (const atv of children(bytes, set)) {
      expectTag(atv, Tag.SEQUENCE, 'AttributeTypeAndValue');
      const [t, v, extra] = children(bytes, atv);
      if (!t || !v || extra)
        throw coreError('DER_MALFORMED', 'AttributeTypeAndValue must have two elements.');
      const oid = readOid(bytes, t);
      const raw = contentsOf(bytes, v);
      const isString = isStringTag(v.tag);
      const value = isString ? decodeString(v.tag, raw) : '';
      rdn.push({
        oid,
        type: ATTRIBUTE_SHORT_NAME[oid] ?? oid,
        value,
        valueTag: v.tag,
        valueDer: encodingOf(bytes, v),
      });
      rdnKeys.push(`${oid}=${isString ? normalise(value) : `#${toHex(encodingOf(bytes, v))}`}`);
    }
    rdnKeys.sort();
    keyParts.push(rdnKeys.join('+'));
    rdns.push(rdn);
  }
  const text = rdns
    .slice()
    .reverse()
    .map((rdn) =>
      rdn
        .map((a) => `${a.type}=${isStringTag(a.valueTag) ? escapeValue(a.value) : `#${toHex(a.valueDer)}`}`)
        .join('+'),
    )
    .join(',');
  return { der: encodingOf(bytes, seq), rdns, text, matchKey: keyParts.join(','), rdnKeys: keyParts };
}

export function parseName(der: Uint8Array): Name {
  return parseNameAt(der, readRoot(der));
}

/** RFC 5280 §7.1 name matching (byte equality is the fast path). */
export function namesMatch(a: Name, b: Name): boolean {
  return bytesEqual(a.der, b.der) || a.matchKey === b.matchKey;
}

/** True when the name has no RDNs (an empty subject, RFC 5280 §4.1.2.6). */
export const isEmptyName = (n: Name): boolean => n.rdns.length === 0;

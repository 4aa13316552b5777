/**
 * X.501 Name (RFC 5280 §4.1.2.4): raw DER, attributes per RDN, an RFC 4514-style string for display,
 * and the RFC 5280 §7.1 matching rules (RFC 4518 preparation of string values, RDNs compared as sets,
 * attribute by attribute).
 */
import { bytesEqual, compareBytes, toHex } from '../der/bytes.js';
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
import { encodeTlv } from '../der/writer.js';
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
  /**
   * The value prepared for comparison (RFC 5280 §7.1 / RFC 4518), or `undefined` when the value is
   * not a string or holds a character RFC 4518 §2.4 prohibits: such a value matches only itself, byte
   * for byte.
   */
  readonly prepared: string | undefined;
}

export interface Name {
  /** The DER of the whole Name (a SEQUENCE). */
  readonly der: Uint8Array;
  /** RDNs in encoding order (most significant first); each RDN is a set of attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** RFC 4514 string (least significant RDN first), e.g. `CN=Alice,O=Example,C=JP`. For display only. */
  readonly text: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

const invalid = (what: string) => coreError('DER_MALFORMED', `Invalid ${what} encoding in a string value.`);

/** UTF-16 code units → string, refusing unpaired surrogates (BMPString is UCS-2, no surrogates at all). */
function fromCodePoints(cps: number[], what: string): string {
  let s = '';
  for (const cp of cps) {
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw invalid(what);
    s += String.fromCodePoint(cp);
  }
  return s;
}

/**
 * Decodes a directory string by its universal tag; unknown types give ''. An invalid encoding (bad
 * UTF-8, an odd-length BMPString, a non-ASCII octet in an ASCII type, a surrogate) throws
 * `DER_MALFORMED`: decoding it to U+FFFD would let two different names compare equal.
 */
export function decodeString(tag: number, v: Uint8Array): string {
  switch (tag) {
    case Tag.UTF8_STRING:
      try {
        return utf8.decode(v);
      } catch {
        throw invalid('UTF-8');
      }
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.VISIBLE_STRING:
    case 0x12: // NumericString
      for (const b of v) if (b > 0x7f) throw invalid('ASCII');
      return latin1.decode(v);
    case Tag.T61_STRING:
      // Teletex has no usable Unicode mapping; Latin-1 is what other verifiers display.
      return latin1.decode(v);
    case Tag.BMP_STRING: {
      if (v.length % 2 !== 0) throw invalid('BMPString');
      const cps: number[] = [];
      for (let i = 0; i < v.length; i += 2) cps.push((v[i]! << 8) | v[i + 1]!);
      return fromCodePoints(cps, 'BMPString');
    }
    case Tag.UNIVERSAL_STRING: {
      if (v.length % 4 !== 0) throw invalid('UniversalString');
      const cps: number[] = [];
      for (let i = 0; i < v.length; i += 4)
        cps.push(((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0);
      return fromCodePoints(cps, 'UniversalString');
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

// RFC 4518 §2.2 (Map): the whitespace controls (U+0009–000D, U+0085) and every separator (Zs, Zl,
// Zp) map to SPACE; other control and format characters (Cc, Cf) and the listed ignorable code points
// (soft hyphen, variation selectors, …) map to nothing.
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;
const SEPARATOR = /[\p{Zs}\p{Zl}\p{Zp}]/u;
const IGNORABLE = new Set([0x00ad, 0x034f, 0x1806, 0x180b, 0x180c, 0x180d, 0x200b, 0xfffc]);

const PRINTABLE_ASCII = /^[ -~]*$/;

function mapCharacters(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || SEPARATOR.test(ch)) out += ' ';
    else if (IGNORABLE.has(cp) || (cp >= 0xfe00 && cp <= 0xfe0f) || CONTROL_OR_FORMAT.test(ch)) continue;
    else out += ch;
  }
  return out;
}
// RFC 4518 §2.4 (Prohibit): unassigned, private-use and surrogate code points, and U+FFFD.
const PROHIBITED = /[\p{Cn}\p{Co}\p{Cs}\ufffd]/u;

/**
 * RFC 4518 string preparation, as RFC 5280 §7.1 requires for comparing attribute values: map,
 * case-fold, NFKC, prohibit, and insignificant-space handling. Returns `undefined` for a string with a
 * prohibited character (RFC 4518 §2.4: such a string matches nothing but itself).
 */
export function prepareString(s: string): string | undefined {
  // Fast path: printable ASCII needs only case folding and space handling.
  if (PRINTABLE_ASCII.test(s)) return s.toLowerCase().trim().replace(/ +/g, ' ');
  const mapped = mapCharacters(s);
  // Case folding (RFC 4518 §2.3 uses the full folding of RFC 3454 B.2): upper then lower case
  // also folds ß to ss and the final sigma.
  const folded = mapped.toUpperCase().toLowerCase().normalize('NFKC');
  if (PROHIBITED.test(folded)) return undefined;
  // §2.6.1: insignificant space handling (leading/trailing removed, inner runs compared as one).
  return folded.trim().replace(/ +/g, ' ');
}

/** Total order on attributes for comparing multi-valued RDNs as sets. */
function compareAttributes(a: NameAttribute, b: NameAttribute): number {
  if (a.oid !== b.oid) return a.oid < b.oid ? -1 : 1;
  if (a.prepared !== undefined && b.prepared !== undefined)
    return a.prepared < b.prepared ? -1 : a.prepared > b.prepared ? 1 : 0;
  if (a.prepared !== undefined) return -1;
  if (b.prepared !== undefined) return 1;
  return compareBytes(a.valueDer, b.valueDer);
}

/** The attributes of one RDN in canonical order (a SET compares without regard to order). */
// Module-level on purpose: a memo of a pure function of a parsed object of core's own (never a
// caller's buffer), held weakly, so it adds no lifetime and cannot answer for other data.
const canonical = new WeakMap<readonly NameAttribute[], readonly NameAttribute[]>();
function sortedRdn(rdn: readonly NameAttribute[]): readonly NameAttribute[] {
  if (rdn.length < 2) return rdn;
  let s = canonical.get(rdn);
  if (!s) {
    s = [...rdn].sort(compareAttributes);
    canonical.set(rdn, s);
  }
  return s;
}

/** RFC 5280 §7.1: two attribute values match when their types are equal and their values match. */
export function attributesMatch(a: NameAttribute, b: NameAttribute): boolean {
  if (a.oid !== b.oid) return false;
  if (a.prepared !== undefined && b.prepared !== undefined) return a.prepared === b.prepared;
  return bytesEqual(a.valueDer, b.valueDer);
}

/** RFC 5280 §7.1: two RDNs match when they have the same number of attributes and each matches one of the other's. */
export function rdnsMatch(a: readonly NameAttribute[], b: readonly NameAttribute[]): boolean {
  if (a.length !== b.length) return false;
  const sa = sortedRdn(a);
  const sb = sortedRdn(b);
  for (let i = 0; i < sa.length; i++) if (!attributesMatch(sa[i]!, sb[i]!)) return false;
  return true;
}

function parseAttribute(bytes: Uint8Array, atv: Tlv): NameAttribute {
  expectTag(atv, Tag.SEQUENCE, 'AttributeTypeAndValue');
  const [t, v, extra] = children(bytes, atv);
  if (!t || !v || extra) throw coreError('DER_MALFORMED', 'AttributeTypeAndValue must have two elements.');
  const oid = readOid(bytes, t);
  const isString = isStringTag(v.tag);
  const value = isString ? decodeString(v.tag, contentsOf(bytes, v)) : '';
  return {
    oid,
    type: ATTRIBUTE_SHORT_NAME[oid] ?? oid,
    value,
    valueTag: v.tag,
    valueDer: encodingOf(bytes, v),
    prepared: isString ? prepareString(value) : undefined,
  };
}

/** Parses a RelativeDistinguishedName (a SET of attributes, or its implicitly tagged form). */
export function parseRdnAt(bytes: Uint8Array, set: Tlv): NameAttribute[] {
  const rdn = children(bytes, set).map((atv) => parseAttribute(bytes, atv));
  if (rdn.length === 0) throw coreError('DER_MALFORMED', 'A RelativeDistinguishedName must not be empty.');
  return rdn;
}

const formatRdns = (rdns: readonly (readonly NameAttribute[])[]): string =>
  rdns
    .slice()
    .reverse()
    .map((rdn) =>
      rdn
        .map((a) => `${a.type}=${isStringTag(a.valueTag) ? escapeValue(a.value) : `#${toHex(a.valueDer)}`}`)
        .join('+'),
    )
    .join(',');

/** Parses a Name from the bytes of its SEQUENCE element within `bytes`. */
export function parseNameAt(bytes: Uint8Array, seq: Tlv): Name {
  expectTag(seq, Tag.SEQUENCE, 'Name (SEQUENCE)');
  const rdns: NameAttribute[][] = [];
  for (const set of children(bytes, seq)) {
    expectTag(set, Tag.SET, 'RelativeDistinguishedName (SET)');
    rdns.push(parseRdnAt(bytes, set));
  }
  return { der: encodingOf(bytes, seq), rdns, text: formatRdns(rdns) };
}

export function parseName(der: Uint8Array): Name {
  return parseNameAt(der, readRoot(der));
}

/**
 * The name with one more RDN appended (RFC 5280 §5.2.5: a nameRelativeToCRLIssuer is appended to the
 * CRL issuer's name). `rdnSet` is the DER of the RDN as a SET.
 */
export function appendRdn(base: Name, rdnSet: Uint8Array): Name {
  const inner = base.der.subarray(readRoot(base.der).valueOffset);
  return parseName(encodeTlv(Tag.SEQUENCE, inner, rdnSet));
}

/**
 * RFC 5280 §7.1 name matching: the same number of RDNs, pairwise matching, attribute by attribute
 * (never through a joined string, which an attribute value containing the separator could forge).
 * Byte equality of the DER is the fast path.
 */
export function namesMatch(a: Name, b: Name): boolean {
  if (bytesEqual(a.der, b.der)) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  for (let i = 0; i < a.rdns.length; i++) if (!rdnsMatch(a.rdns[i]!, b.rdns[i]!)) return false;
  return true;
}

/**
 * A key with which equal keys imply matching names and matching names give equal keys. Every part is
 * length-prefixed (RDN sizes, value lengths; OIDs hold only digits and dots), so the key is a
 * prefix-free code and no value can imitate a separator. For hashing only: path building uses it to
 * index candidate issuers, then confirms each with `namesMatch`. Computed once per parsed Name.
 */
export function nameIndexKey(n: Name): string {
  let key = indexKeys.get(n);
  if (key === undefined) {
    key = '';
    for (const rdn of n.rdns) {
      key += `${rdn.length}{`;
      for (const a of sortedRdn(rdn)) {
        // A prepared string, or (value matching only itself) the DER of the value in hex.
        const v = a.prepared ?? toHex(a.valueDer);
        key += `${a.oid}${a.prepared === undefined ? '#' : '='}${v.length}:${v}`;
      }
    }
    indexKeys.set(n, key);
  }
  return key;
}
// Module-level on purpose: a memo of a pure function of a parsed object of core's own (never a
// caller's buffer), held weakly, so it adds no lifetime and cannot answer for other data.
const indexKeys = new WeakMap<Name, string>();

/** True when the name has no RDNs (an empty subject, RFC 5280 §4.1.2.6). */
export const isEmptyName = (n: Name): boolean => n.rdns.length === 0;

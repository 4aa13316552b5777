/**
 * `CrlIndex`: a CRL (RFC 5280 §5) parsed once into a compact index. The header and extensions are
 * decoded normally; the revokedCertificates list — millions of entries on a national CA — is walked
 * by a tight loop that records only offsets into the DER (two Int32Arrays and an open-addressing hash
 * table), never an object per entry. Entries are decoded on demand when a lookup hits.
 *
 * Indirect CRLs (§5.3.3 certificateIssuer) key each entry by (issuer, serial): the issuer changes at
 * "segment" boundaries, which are kept in a short sorted list.
 */
import { fromHex, toHex } from '../der/bytes.js';
import {
  children,
  contentsOf,
  encodingOf,
  expectTag,
  readIntegerBytes,
  readRoot,
  readSignatureBitString,
  readSmallInteger,
  readTime,
  readTlv,
  Tag,
  type Tlv,
} from '../der/reader.js';
import { coreError, isShomeiError } from '../errors.js';
import {
  type AlgorithmIdentifier,
  parseAlgorithmIdentifierAt,
  parseExtensionListAt,
} from '../x509/certificate.js';
import {
  bitMask,
  type DistributionPointName,
  type Extension,
  parseDistributionPointNameAt,
  parseGeneralNames,
} from '../x509/extensions.js';
import type { GeneralName } from '../x509/general-name.js';
import { type Name, namesMatch, parseNameAt } from '../x509/name.js';
import { EXT_OID } from '../x509/oids.js';
import type { RevocationReason } from './types.js';

/** CRLReason (RFC 5280 §5.3.1); value 7 is unused. */
export const CRL_REASONS: readonly (RevocationReason | undefined)[] = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined,
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

/** issuingDistributionPoint (RFC 5280 §5.2.5). */
export interface IssuingDistributionPoint {
  readonly distributionPoint?: DistributionPointName;
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  /** Bit mask over REASON_FLAG_BITS; undefined = all reasons. */
  readonly onlySomeReasons?: number;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

export interface CrlEntry {
  readonly serial: Uint8Array;
  readonly serialHex: string;
  readonly revocationDate: Date;
  /** Absent when the entry has no reasonCode (treat as unspecified). */
  readonly reason?: RevocationReason;
  readonly invalidityDate?: Date;
  /** The certificate issuer this entry applies to (the CRL issuer unless indirect). */
  readonly certificateIssuer: Name | readonly GeneralName[];
  /** OIDs of critical entry extensions this parser does not understand (§5.3: the CRL must then not be used for this entry). */
  readonly unknownCriticalExtensions: readonly string[];
}

const KNOWN_CRL_EXTENSIONS = new Set<string>([
  EXT_OID.authorityKeyIdentifier,
  EXT_OID.issuerAltName,
  EXT_OID.cRLNumber,
  EXT_OID.deltaCRLIndicator,
  EXT_OID.issuingDistributionPoint,
  EXT_OID.freshestCRL,
  EXT_OID.authorityInfoAccess,
]);

// DER contents of the entry extension OIDs recognised on the fast path: 2.5.29.21 / .24 / .29.
const OID_REASON = 0x15;
const OID_INVALIDITY = 0x18;
const OID_CERT_ISSUER = 0x1d;

const malformed = (detail: string, offset: number) =>
  coreError('CRL_MALFORMED', `Malformed CRL at offset ${offset}: ${detail}.`, { details: { offset } });

/** Normalises a serial given as hex (optional 0x, colons) to minimal two's-complement INTEGER contents. */
export function serialFromHex(hex: string): Uint8Array {
  let h = hex.trim().replace(/^0x/i, '').replace(/[:\s]/g, '');
  if (h.length % 2) h = `0${h}`;
  const b = fromHex(h);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && (b[i + 1]! & 0x80) === 0) i++;
  const m = b.subarray(i);
  if (m.length > 0 && (m[0]! & 0x80) !== 0) {
    const out = new Uint8Array(m.length + 1);
    out.set(m, 1);
    return out;
  }
  return m.length ? m : Uint8Array.of(0);
}

// A per-process random basis: the serials of a CRL are chosen by its issuer, and a fixed hash would let
// one pick serials that all land in one probe cluster (quadratic indexing).
const HASH_SEED = (() => {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return a[0]! | 1;
})();

function hashBytes(b: Uint8Array, off: number, len: number): number {
  // FNV-1a, 32-bit, from a random basis, then the murmur3 finaliser so every input bit reaches the
  // low bits the table mask keeps (FNV's multiply only carries upwards).
  let h = 0x811c9dc5 ^ HASH_SEED;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ b[off + i]!, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class CrlIndex {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly version: number;
  readonly tbsSignatureAlgorithm: AlgorithmIdentifier;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly issuer: Name;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly extensions: readonly Extension[];
  readonly crlNumber?: Uint8Array;
  /** Base CRL number for a delta CRL (§5.2.4). */
  readonly deltaCrlIndicator?: Uint8Array;
  readonly issuingDistributionPoint?: IssuingDistributionPoint;
  readonly authorityKeyIdentifier?: Uint8Array;
  readonly freshestCrl?: Extension;
  /** Critical CRL extensions this parser does not understand (§6.3.3 (b)(2)(iii)... such a CRL is unusable). */
  readonly unknownCriticalExtensions: readonly string[];
  /** Number of revoked entries. */
  readonly size: number;

  readonly #entryStart: Int32Array;
  readonly #serialOffset: Int32Array;
  readonly #serialLength: Uint8Array;
  /** Open-addressing hash table over the serials; see `buildTable` for the slot layout. */
  readonly #table: Int32Array;
  readonly #mask: number;
  /** Bits of a slot that hold the entry number; the bits above hold a fingerprint of the hash. */
  readonly #shift: number;
  /** For each entry, the next entry with the same serial plus one (0 ends the chain); absent when none repeats. */
  readonly #next: Int32Array | undefined;
  /** Entry indexes where the certificate issuer changes (indirect CRLs), with the issuer from there on. */
  readonly #segments: { start: number; issuer: readonly GeneralName[] }[] = [];

  private constructor(der: Uint8Array) {
    this.der = der;
    const root = readRoot(der);
    expectTag(root, Tag.SEQUENCE, 'CertificateList');
    const [tbsT, algT, sigT, extra] = children(der, root);
    if (!tbsT || !algT || !sigT || extra) throw malformed('CertificateList must have three elements', 0);
    this.tbs = encodingOf(der, tbsT);
    this.signatureAlgorithm = parseAlgorithmIdentifierAt(der, algT);
    this.signature = readSignatureBitString(der, sigT);
    expectTag(tbsT, Tag.SEQUENCE, 'TBSCertList');
    // Walk TBSCertList fields one by one: `children` would allocate a Tlv per field only (cheap), but
    // revokedCertificates is handled by the fast loop below.
    const end = tbsT.valueOffset + tbsT.length;
    let p = tbsT.valueOffset;
    const next = (): Tlv | undefined => {
      if (p >= end) return undefined;
      const t = readTlv(der, p, end);
      p = t.end;
      return t;
    };
    let t = next();
    this.version = 1;
    if (t?.tag === Tag.INTEGER) {
      this.version = readSmallInteger(der, t) + 1;
      if (this.version !== 2) throw malformed(`unsupported CRL version ${this.version}`, t.offset);
      t = next();
    }
    if (!t) throw malformed('TBSCertList is truncated', tbsT.offset);
    this.tbsSignatureAlgorithm = parseAlgorithmIdentifierAt(der, t);
    t = next();
    if (!t) throw malformed('TBSCertList has no issuer', tbsT.offset);
    this.issuer = parseNameAt(der, t);
    t = next();
    if (!t) throw malformed('TBSCertList has no thisUpdate', tbsT.offset);
    this.thisUpdate = readTime(der, t);
    t = next();
    if (t && (t.tag === Tag.UTC_TIME || t.tag === Tag.GENERALIZED_TIME)) {
      this.nextUpdate = readTime(der, t);
      t = next();
    }
    let revoked: Tlv | undefined;
    if (t?.tag === Tag.SEQUENCE) {
      revoked = t;
      t = next();
    }
    let extensions: Extension[] = [];
    if (t?.tag === 0xa0) {
      if (this.version !== 2) throw malformed('crlExtensions need a v2 CRL', t.offset);
      const [seq, more] = children(der, t);
      if (!seq || more) throw malformed('bad crlExtensions wrapper', t.offset);
      extensions = parseExtensionListAt(der, seq);
      t = next();
    }
    if (t) throw malformed(`unexpected field with tag 0x${t.tag.toString(16)}`, t.offset);
    this.extensions = extensions;
    const unknown: string[] = [];
    for (const e of extensions) {
      try {
        switch (e.oid) {
          case EXT_OID.cRLNumber:
            this.crlNumber = readIntegerBytes(e.value, readRoot(e.value));
            break;
          case EXT_OID.deltaCRLIndicator:
            this.deltaCrlIndicator = readIntegerBytes(e.value, readRoot(e.value));
            break;
          case EXT_OID.issuingDistributionPoint:
            this.issuingDistributionPoint = parseIdp(e.value);
            break;
          case EXT_OID.authorityKeyIdentifier: {
            const r = readRoot(e.value);
            const kid = children(e.value, r).find((c) => c.tag === 0x80);
            if (kid) this.authorityKeyIdentifier = contentsOf(e.value, kid);
            break;
          }
          case EXT_OID.freshestCRL:
            this.freshestCrl = e;
            break;
          default:
            if (e.critical && !KNOWN_CRL_EXTENSIONS.has(e.oid)) unknown.push(e.oid);
        }
      } catch (cause) {
        throw coreError('CRL_MALFORMED', `The CRL's ${e.oid} extension is malformed.`, { cause });
      }
    }
    this.unknownCriticalExtensions = unknown;

    // --- the fast walk over revokedCertificates -------------------------------------------------
    const indirect = this.issuingDistributionPoint?.indirectCRL === true;
    const cap = revoked ? Math.max(16, Math.ceil(revoked.length / 30)) : 0;
    let starts = new Int32Array(cap);
    let serialOffs = new Int32Array(cap);
    let serialLens = new Uint8Array(cap);
    // The serial's hash, taken while its octets are in cache (the table is built after the walk).
    let hashes = new Int32Array(cap);
    let n = 0;
    if (revoked) {
      const b = der;
      let q = revoked.valueOffset;
      const stop = revoked.valueOffset + revoked.length;
      while (q < stop) {
        // RevokedCertificate ::= SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions OPTIONAL }
        const entryStart = q;
        if (b[q] !== 0x30) throw malformed('revoked entry is not a SEQUENCE', q);
        let len = b[q + 1]!;
        q += 2;
        if (len >= 0x80) {
          const k = len & 0x7f;
          if (k < 1 || k > 3) throw malformed('bad entry length', entryStart);
          len = 0;
          for (let i = 0; i < k; i++) len = len * 256 + b[q + i]!;
          if (len < 0x80 || (k > 1 && b[q] === 0)) throw malformed('non-minimal entry length', entryStart);
          q += k;
        }
        const entryEnd = q + len;
        if (entryEnd > stop) throw malformed('revoked entry runs past the list', entryStart);
        if (b[q] !== 0x02) throw malformed('revoked entry serial is not an INTEGER', q);
        const sl = b[q + 1]!;
        if (sl === 0 || sl >= 0x80 || q + 2 + sl > entryEnd) throw malformed('bad serial length', q);
        if (
          sl > 1 &&
          ((b[q + 2] === 0 && (b[q + 3]! & 0x80) === 0) || (b[q + 2] === 0xff && (b[q + 3]! & 0x80) !== 0))
        )
          throw malformed('serial is not minimally encoded', q);
        const so = q + 2;
        q = so + sl;
        // revocationDate: UTCTime (13) or GeneralizedTime (15); decoded lazily.
        const tt = b[q];
        const tl = b[q + 1];
        if (!((tt === 0x17 && tl === 13) || (tt === 0x18 && tl === 15)) || q + 2 + tl > entryEnd)
          throw malformed('bad revocationDate', q);
        q += 2 + tl;
        if (q < entryEnd) {
          if (b[q] !== 0x30 || this.version !== 2) throw malformed('bad crlEntryExtensions', q);
          const issuer = this.#scanEntryExtensions(q, entryEnd, n, indirect);
          if (issuer) this.#segments.push({ start: n, issuer });
        }
        if (n === starts.length) {
          const grow = (a: Int32Array) => {
            const x = new Int32Array(a.length * 2);
            x.set(a);
            return x;
          };
          starts = grow(starts);
          serialOffs = grow(serialOffs);
          hashes = grow(hashes);
          const l = new Uint8Array(serialLens.length * 2);
          l.set(serialLens);
          serialLens = l;
        }
        starts[n] = entryStart;
        serialOffs[n] = so;
        serialLens[n] = sl;
        hashes[n] = hashBytes(b, so, sl);
        n++;
        q = entryEnd;
      }
    }
    this.size = n;
    this.#entryStart = starts.subarray(0, n);
    this.#serialOffset = serialOffs.subarray(0, n);
    this.#serialLength = serialLens.subarray(0, n);
    const built = buildTable(der, serialOffs, serialLens, hashes, n);
    this.#table = built.table;
    this.#mask = built.mask;
    this.#shift = built.shift;
    this.#next = built.next;
  }

  /** Checks entry extensions on the fast path; returns a new certificateIssuer when one starts here. */
  #scanEntryExtensions(
    q: number,
    entryEnd: number,
    index: number,
    indirect: boolean,
  ): readonly GeneralName[] | undefined {
    const b = this.der;
    const seq = readTlv(b, q, entryEnd);
    if (seq.end !== entryEnd) throw malformed('trailing data in revoked entry', seq.end);
    let issuer: readonly GeneralName[] | undefined;
    let p = seq.valueOffset;
    while (p < seq.end) {
      const ext = readTlv(b, p, seq.end);
      p = ext.end;
      const oidT = readTlv(b, ext.valueOffset, ext.end);
      if (oidT.tag !== Tag.OID) throw malformed('entry extension without OID', oidT.offset);
      const v = oidT.valueOffset;
      const isArc = oidT.length === 3 && b[v] === 0x55 && b[v + 1] === 0x1d;
      const last = isArc ? b[v + 2]! : -1;
      if (last === OID_CERT_ISSUER) {
        // §5.3.3: only meaningful in an indirect CRL; it sets the issuer of this and following entries.
        const val = readTlv(b, oidT.end, ext.end);
        const octets = val.tag === Tag.BOOLEAN ? readTlv(b, val.end, ext.end) : val;
        if (octets.tag !== Tag.OCTET_STRING) throw malformed('bad certificateIssuer', octets.offset);
        if (indirect) {
          try {
            issuer = parseGeneralNames(contentsOf(b, octets));
          } catch (cause) {
            throw coreError('CRL_MALFORMED', 'A certificateIssuer entry extension is malformed.', { cause });
          }
        }
      } else if (last !== OID_REASON && last !== OID_INVALIDITY) {
        const c = readTlv(b, oidT.end, ext.end);
        if (c.tag === Tag.BOOLEAN && b[c.valueOffset] === 0xff) this.#criticalEntries.add(index);
      }
    }
    return issuer;
  }

  readonly #criticalEntries = new Set<number>();

  /** Parses a CRL (DER or a view on it). Throws `CRL_MALFORMED` for anything that is not a CRL. */
  static from(der: Uint8Array): CrlIndex {
    try {
      return new CrlIndex(der);
    } catch (cause) {
      if (isShomeiError(cause) && cause.code === 'CRL_MALFORMED') throw cause;
      throw coreError('CRL_MALFORMED', undefined, { cause });
    }
  }

  /** True for an indirect CRL (§5.2.5). */
  get indirect(): boolean {
    return this.issuingDistributionPoint?.indirectCRL === true;
  }

  get isDelta(): boolean {
    return this.deltaCrlIndicator !== undefined;
  }

  /**
   * Index of the entry for `serial` (INTEGER contents as in the certificate), or -1. For an indirect
   * CRL, pass the certificate's issuer to select entries of that issuer (§5.3.3).
   */
  find(serial: Uint8Array, certificateIssuer?: Name): number {
    if (certificateIssuer === undefined) return this.#first(serial);
    for (let i = this.#first(serial); i >= 0; i = this.#nextOf(i)) {
      if (certificateIssuer === undefined || this.#issuerMatches(i, certificateIssuer)) return i;
    }
    return -1;
  }

  /**
   * Every entry for `serial` (a CRL may list a serial more than once), for `certificateIssuer` in an
   * indirect CRL, in no particular order.
   */
  findAll(serial: Uint8Array, certificateIssuer?: Name): number[] {
    const out: number[] = [];
    for (let i = this.#first(serial); i >= 0; i = this.#nextOf(i)) {
      if (certificateIssuer === undefined || this.#issuerMatches(i, certificateIssuer)) out.push(i);
    }
    return out;
  }

  #nextOf(i: number): number {
    return this.#next ? this.#next[i]! - 1 : -1;
  }

  /** The first entry whose serial equals `serial`, or -1 (the head of its duplicate chain). */
  #first(serial: Uint8Array): number {
    const der = this.der;
    const table = this.#table;
    const mask = this.#mask;
    const shift = this.#shift;
    const low = lowBits(shift);
    const sl = serial.length;
    const full = hashBytes(serial, 0, sl);
    const fp = fingerprint(full, shift);
    let h = full & mask;
    for (;;) {
      const slot = table[h]!;
      if (slot === 0) return -1;
      if (slot >>> shift === fp) {
        const i = (slot & low) - 1;
        if (this.#serialLength[i] === sl) {
          const o = this.#serialOffset[i]!;
          let eq = true;
          for (let k = 0; k < sl; k++) {
            if (der[o + k] !== serial[k]) {
              eq = false;
              break;
            }
          }
          if (eq) return i;
        }
      }
      h = (h + 1) & mask;
    }
  }

  #issuerFor(i: number): readonly GeneralName[] | undefined {
    let lo = 0;
    let hi = this.#segments.length - 1;
    let found: readonly GeneralName[] | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.#segments[mid]!;
      if (s.start <= i) {
        found = s.issuer;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  #issuerMatches(i: number, issuer: Name | undefined): boolean {
    const names = this.#issuerFor(i);
    // Before the first certificateIssuer the entries belong to the CRL issuer (§5.3.3).
    if (!names) return !issuer || namesMatch(issuer, this.issuer);
    if (!issuer) return false;
    return names.some((g) => g.type === 'directoryName' && namesMatch(g.name, issuer));
  }

  has(serial: Uint8Array, certificateIssuer?: Name): boolean {
    return this.find(serial, certificateIssuer) >= 0;
  }

  /** The decoded entry for `serial`, or undefined when it is not listed. */
  lookup(serial: Uint8Array | string, certificateIssuer?: Name): CrlEntry | undefined {
    const s = typeof serial === 'string' ? serialFromHex(serial) : serial;
    const i = this.find(s, certificateIssuer);
    return i < 0 ? undefined : this.entry(i);
  }

  /** Decodes entry `i` (0 ≤ i < size). */
  entry(i: number): CrlEntry {
    if (i < 0 || i >= this.size) throw coreError('INPUT_INVALID', `CRL entry ${i} is out of range.`);
    try {
      return this.#decodeEntry(i);
    } catch (cause) {
      throw coreError('CRL_MALFORMED', `CRL entry ${i} is malformed.`, { cause });
    }
  }

  #decodeEntry(i: number): CrlEntry {
    const der = this.der;
    const so = this.#serialOffset[i]!;
    const sl = this.#serialLength[i]!;
    // The walk validated the layout: serial, then a 13- or 15-octet time, then optional extensions.
    const q = so + sl;
    const dateTlv = { tag: der[q]!, length: der[q + 1]!, valueOffset: q + 2, offset: q } as Tlv;
    const revocationDate = readTime(der, dateTlv);
    const start = this.#entryStart[i]!;
    const entryEnd = readTlv(der, start).end;
    const afterDate = q + 2 + dateTlv.length;
    let reason: RevocationReason | undefined;
    let invalidityDate: Date | undefined;
    let unknown: string[] | undefined;
    if (afterDate < entryEnd) {
      for (const e of parseExtensionListAt(der, readTlv(der, afterDate, entryEnd))) {
        if (e.oid === EXT_OID.reasonCode) {
          const code = readSmallInteger(e.value, expectTag(readRoot(e.value), Tag.ENUMERATED, 'CRLReason'));
          reason = CRL_REASONS[code];
        } else if (e.oid === EXT_OID.invalidityDate) {
          invalidityDate = readTime(e.value, readRoot(e.value));
        } else if (e.oid !== EXT_OID.certificateIssuer && e.critical) {
          unknown = unknown ?? [];
          unknown.push(e.oid);
        }
      }
    }
    return new DecodedEntry(
      der.subarray(so, so + sl),
      revocationDate,
      reason,
      invalidityDate,
      this.#issuerFor(i) ?? this.issuer,
      unknown ?? NO_OIDS,
    );
  }

  /** True when entry `i` carries a critical extension the fast path did not recognise. */
  hasUnknownCriticalEntryExtension(i: number): boolean {
    return this.#criticalEntries.has(i);
  }
}

const NO_OIDS: readonly string[] = Object.freeze([]);

/** Mask of the `shift` low bits of a slot (the entry number plus one). */
const lowBits = (shift: number): number => (1 << shift) - 1;

/**
 * The bits of `hash` kept beside the entry number in a slot. An entry takes at least 20 octets of DER,
 * so n < 2^27 and at least five bits remain.
 */
const fingerprint = (hash: number, shift: number): number => hash >>> shift;

/**
 * The serial hash table. Linear probing at load ≤ 1/2; one Int32 per slot: the entry number plus one in
 * the low `shift` bits (0 = empty) and the top bits of the serial's hash above them, so a probe compares
 * serial bytes only when that fingerprint agrees and the table stays as small as a plain index table.
 * A serial listed several times (indirect CRLs: once per certificate issuer; or a hostile list) takes
 * one slot; its other entries hang off the first in a chain, so building stays linear however often a
 * serial repeats.
 *
 * A table larger than the CPU caches is filled in order of home slot (entries counting-sorted by the
 * top bits of their home slot first): inserting in CRL order would miss the cache on nearly every entry.
 */
function buildTable(
  der: Uint8Array,
  serialOffs: Int32Array,
  serialLens: Uint8Array,
  hashes: Int32Array,
  n: number,
): { table: Int32Array; mask: number; shift: number; next: Int32Array | undefined } {
  let size = 16;
  while (size < n * 2) size *= 2;
  const table = new Int32Array(size);
  const mask = size - 1;
  const shift = 32 - Math.clz32(n);
  const low = lowBits(shift);
  let next: Int32Array | undefined;
  const insert = (i: number, full: number): void => {
    const fp = fingerprint(full, shift);
    let h = full & mask;
    let slot = table[h]!;
    while (slot !== 0) {
      if (slot >>> shift === fp) {
        const j = (slot & low) - 1;
        const sl = serialLens[i]!;
        if (serialLens[j] === sl && sameBytes(der, serialOffs[j]!, serialOffs[i]!, sl)) {
          next ??= new Int32Array(n);
          next[i] = next[j]!;
          next[j] = i + 1;
          return;
        }
      }
      h = (h + 1) & mask;
      slot = table[h]!;
    }
    table[h] = (i + 1) | (fp << shift);
  };
  const bits = 31 - Math.clz32(size);
  if (bits <= IN_CACHE_TABLE_BITS) {
    for (let i = 0; i < n; i++) insert(i, hashes[i]! >>> 0);
    return { table, mask, shift, next };
  }
  // Counting sort by the top PARTITION_BITS of the home slot; stable, so the first entry of a serial
  // is still inserted first and heads its chain.
  const down = bits - PARTITION_BITS;
  const start = new Int32Array((1 << PARTITION_BITS) + 1);
  for (let i = 0; i < n; i++) start[((hashes[i]! & mask) >>> down) + 1]!++;
  for (let k = 1; k < start.length; k++) start[k]! += start[k - 1]!;
  const order = new Int32Array(n);
  const orderHash = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const hash = hashes[i]!;
    const at = start[(hash & mask) >>> down]!++;
    order[at] = i;
    orderHash[at] = hash;
  }
  for (let k = 0; k < n; k++) insert(order[k]!, orderHash[k]! >>> 0);
  return { table, mask, shift, next };
}

/** log2 of the table size up to which entries are inserted in CRL order (a 256 KiB table). */
const IN_CACHE_TABLE_BITS = 16;
/** log2 of the number of home-slot ranges the entries of a larger table are sorted into. */
const PARTITION_BITS = 11;

function sameBytes(b: Uint8Array, x: number, y: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (b[x + k] !== b[y + k]) return false;
  return true;
}

/** A decoded entry; `serialHex` is computed on first use (lookups on hot paths rarely need it). */
class DecodedEntry implements CrlEntry {
  readonly reason?: RevocationReason;
  readonly invalidityDate?: Date;
  constructor(
    readonly serial: Uint8Array,
    readonly revocationDate: Date,
    reason: RevocationReason | undefined,
    invalidityDate: Date | undefined,
    readonly certificateIssuer: Name | readonly GeneralName[],
    readonly unknownCriticalExtensions: readonly string[],
  ) {
    if (reason) this.reason = reason;
    if (invalidityDate) this.invalidityDate = invalidityDate;
  }

  get serialHex(): string {
    return toHex(this.serial);
  }
}

function parseIdp(v: Uint8Array): IssuingDistributionPoint {
  const r = expectTag(readRoot(v), Tag.SEQUENCE, 'IssuingDistributionPoint');
  let distributionPoint: DistributionPointName | undefined;
  let onlyUser = false;
  let onlyCA = false;
  let reasons: number | undefined;
  let indirect = false;
  let onlyAttr = false;
  const flag = (t: Tlv) => {
    if (t.length !== 1 || (v[t.valueOffset] !== 0xff && v[t.valueOffset] !== 0))
      throw malformed('bad IDP flag', t.offset);
    return v[t.valueOffset] === 0xff;
  };
  for (const c of children(v, r)) {
    switch (c.tag) {
      case 0xa0:
        distributionPoint = parseDistributionPointNameAt(v, c);
        break;
      case 0x81:
        onlyUser = flag(c);
        break;
      case 0x82:
        onlyCA = flag(c);
        break;
      case 0x83:
        reasons = bitMask(v, c);
        break;
      case 0x84:
        indirect = flag(c);
        break;
      case 0x85:
        onlyAttr = flag(c);
        break;
      default:
        throw malformed('unknown IDP field', c.offset);
    }
  }
  return {
    ...(distributionPoint ? { distributionPoint } : {}),
    onlyContainsUserCerts: onlyUser,
    onlyContainsCACerts: onlyCA,
    ...(reasons === undefined ? {} : { onlySomeReasons: reasons }),
    indirectCRL: indirect,
    onlyContainsAttributeCerts: onlyAttr,
  };
}

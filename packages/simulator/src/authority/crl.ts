/**
 * Complete and delta CRLs (RFC 5280 §5) written straight into one buffer: the revoked list is
 * columnar (serials back to back, times and reasons in typed arrays), so a 1,000,000-entry CRL costs
 * two passes over the arrays and one signature, with no object per entry.
 */
import { type KeyObject, sign as rsaSign } from 'node:crypto';
import { encodeLength, encodeSmallInteger, encodeTlv } from '@shomei/core/der';
import { simulatorError } from '../errors.js';
import { encodeExtension, encodeTime, SHA256_WITH_RSA } from '../issuing/x509-encode.js';

/** CRLReason (RFC 5280 §5.3.1). 7 is not used. */
export const CRL_REASON = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type CrlReason = keyof typeof CRL_REASON;

export function isCrlReason(value: string): value is CrlReason {
  return Object.hasOwn(CRL_REASON, value);
}

/** The revoked list in columns; entry i's serial is `serials[serialOffsets[i] … serialOffsets[i+1]]`. */
export interface RevokedList {
  count: number;
  /** Serial magnitudes (unsigned, big-endian, no leading zero octets), back to back. */
  serials: Uint8Array;
  serialOffsets: Uint32Array;
  /** Revocation time of each entry, milliseconds since the epoch. */
  revokedAt: Float64Array;
  /** CRLReason per entry; -1 omits the extension (RFC 5280 §5.3.1: omit rather than `unspecified`). */
  reasons: Int8Array;
}

export function revokedListFrom(
  entries: readonly { serial: Uint8Array; revokedAt: Date; reason?: CrlReason }[],
): RevokedList {
  const serials = entries.map((e) => {
    let s = e.serial;
    while (s.length > 1 && s[0] === 0) s = s.subarray(1);
    if (s.length > 20)
      throw simulatorError(
        'AUTHORITY_STATE_INVALID',
        'A revoked serial number is longer than 20 octets (RFC 5280 §4.1.2.2): the authority state is damaged.',
      );
    return s;
  });
  let total = 0;
  for (const s of serials) total += s.length;
  const list: RevokedList = {
    count: entries.length,
    serials: new Uint8Array(total),
    serialOffsets: new Uint32Array(entries.length + 1),
    revokedAt: new Float64Array(entries.length),
    reasons: new Int8Array(entries.length),
  };
  let o = 0;
  entries.forEach((e, i) => {
    list.serials.set(serials[i]!, o);
    list.serialOffsets[i] = o;
    o += serials[i]!.length;
    list.revokedAt[i] = e.revokedAt.getTime();
    list.reasons[i] = e.reason === undefined || e.reason === 'unspecified' ? -1 : CRL_REASON[e.reason];
  });
  list.serialOffsets[entries.length] = o;
  return list;
}

export interface CrlOptions {
  /** Encoded issuer Name, byte-identical to the CA certificate's subject (RFC 5280 §5.1.2.3). */
  issuer: Uint8Array;
  issuerKey: KeyObject;
  /** The CA's subject key identifier, for the authorityKeyIdentifier extension (§5.2.1). */
  issuerKeyId: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: number;
  /** Present for a delta CRL: the number of its base complete CRL (§5.2.4). */
  baseCrlNumber?: number;
  /** For a complete CRL: where its delta CRLs are published (freshestCRL, §5.2.6). */
  deltaUrl?: string;
  revoked: RevokedList;
}

// crlEntryExtensions { Extension { reasonCode, OCTET STRING { ENUMERATED r } } }: 14 octets with r (§5.3.1).
const REASON_EXT_PREFIX = Uint8Array.of(
  0x30,
  0x0c,
  0x30,
  0x0a,
  0x06,
  0x03,
  0x55,
  0x1d,
  0x15,
  0x04,
  0x03,
  0x0a,
  0x01,
);

/** Bytes an entry's INTEGER contents need: the magnitude plus a 00 when its top bit is set. */
function serialContentLength(list: RevokedList, i: number): number {
  const start = list.serialOffsets[i]!;
  const len = list.serialOffsets[i + 1]! - start;
  if (len === 0) return 1;
  return len + ((list.serials[start]! & 0x80) !== 0 ? 1 : 0);
}

/** Encodes a CertificateList and signs it with sha256WithRSAEncryption. */
export function buildCrl(o: CrlOptions): Uint8Array {
  const list = o.revoked;
  // Pass 1: the length of every entry (and so of revokedCertificates).
  let timeCacheMs = Number.NaN;
  let timeCache: Uint8Array = new Uint8Array(0);
  const timeAt = (ms: number) => {
    const second = Math.floor(ms / 1000) * 1000;
    if (second !== timeCacheMs) {
      timeCacheMs = second;
      timeCache = encodeTime(new Date(second));
    }
    return timeCache;
  };
  let entriesLength = 0;
  for (let i = 0; i < list.count; i++) {
    const serial = serialContentLength(list, i);
    const body =
      2 +
      serial +
      timeAt(list.revokedAt[i]!).length +
      (list.reasons[i]! >= 0 ? REASON_EXT_PREFIX.length + 1 : 0);
    entriesLength += 1 + encodeLength(body).length + body;
  }

  const extensions = [
    encodeExtension('2.5.29.35', false, encodeTlv(0x30, encodeTlv(0x80, o.issuerKeyId))),
    encodeExtension('2.5.29.20', false, encodeSmallInteger(o.crlNumber)),
  ];
  if (o.baseCrlNumber !== undefined) {
    extensions.push(encodeExtension('2.5.29.27', true, encodeSmallInteger(o.baseCrlNumber)));
  }
  if (o.deltaUrl !== undefined) {
    const uri = encodeTlv(0x86, new TextEncoder().encode(o.deltaUrl));
    extensions.push(
      encodeExtension(
        '2.5.29.46',
        false,
        encodeTlv(0x30, encodeTlv(0x30, encodeTlv(0xa0, encodeTlv(0xa0, uri)))),
      ),
    );
  }
  const head = [
    encodeSmallInteger(1), // v2: required with extensions (§5.1.2.1)
    SHA256_WITH_RSA,
    o.issuer,
    encodeTime(o.thisUpdate),
    encodeTime(o.nextUpdate),
  ];
  const tail = encodeTlv(0xa0, encodeTlv(0x30, ...extensions));
  // §5.1.2.6: when there are no revoked certificates the list is absent, not empty.
  const listHeader =
    list.count > 0 ? Uint8Array.from([0x30, ...encodeLength(entriesLength)]) : new Uint8Array(0);
  let tbsContent = tail.length + listHeader.length + (list.count > 0 ? entriesLength : 0);
  for (const h of head) tbsContent += h.length;
  const tbsHeader = Uint8Array.from([0x30, ...encodeLength(tbsContent)]);
  const tbsLength = tbsHeader.length + tbsContent;
  const signatureLength = 1 + encodeLength(1 + keyBytes(o.issuerKey)).length + 1 + keyBytes(o.issuerKey);
  const outerContent = tbsLength + SHA256_WITH_RSA.length + signatureLength;
  const outerHeader = Uint8Array.from([0x30, ...encodeLength(outerContent)]);
  const out = new Uint8Array(outerHeader.length + outerContent);

  // Pass 2: write.
  let p = 0;
  const put = (b: Uint8Array) => {
    out.set(b, p);
    p += b.length;
  };
  put(outerHeader);
  const tbsStart = p;
  put(tbsHeader);
  for (const h of head) put(h);
  put(listHeader);
  for (let i = 0; i < list.count; i++) {
    const start = list.serialOffsets[i]!;
    const end = list.serialOffsets[i + 1]!;
    const serialLen = serialContentLength(list, i);
    const time = timeAt(list.revokedAt[i]!);
    const reason = list.reasons[i]!;
    const body = 2 + serialLen + time.length + (reason >= 0 ? REASON_EXT_PREFIX.length + 1 : 0);
    out[p++] = 0x30;
    put(encodeLength(body));
    out[p++] = 0x02;
    out[p++] = serialLen;
    if (end === start) out[p++] = 0;
    else if ((list.serials[start]! & 0x80) !== 0) out[p++] = 0;
    put(list.serials.subarray(start, end));
    put(time);
    if (reason >= 0) {
      put(REASON_EXT_PREFIX);
      out[p++] = reason;
    }
  }
  put(tail);
  const tbs = out.subarray(tbsStart, p);
  const signature = rsaSign('sha256', tbs, o.issuerKey);
  put(SHA256_WITH_RSA);
  put(encodeTlv(0x03, Uint8Array.of(0), new Uint8Array(signature)));
  if (p !== out.length) throw new Error(`CRL length mismatch: wrote ${p} of ${out.length}`);
  return out;
}

function keyBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
}

/**
 * `count` synthetic entries for verifier tests at scale: serials `prefix ‖ i` (8 octets, big-endian),
 * one revocation time, reasons cycling through keyCompromise, cessationOfOperation and none.
 * Columnar, so a million entries are three typed arrays.
 */
export function syntheticRevokedList(
  count: number,
  options: { revokedAt: Date; prefix?: number },
): RevokedList {
  if (!Number.isSafeInteger(count) || count < 0 || count > 2 ** 32 - 1)
    throw new RangeError('count out of range');
  const prefix = options.prefix ?? 0x50;
  const serials = new Uint8Array(count * 8);
  const serialOffsets = new Uint32Array(count + 1);
  const revokedAt = new Float64Array(count).fill(options.revokedAt.getTime());
  const reasons = new Int8Array(count);
  const cycle = [CRL_REASON.keyCompromise, CRL_REASON.cessationOfOperation, -1];
  for (let i = 0, o = 0; i < count; i++, o += 8) {
    serials[o] = prefix;
    serials[o + 3] = Math.floor(i / 2 ** 32) & 0xff;
    serials[o + 4] = (i >>> 24) & 0xff;
    serials[o + 5] = (i >>> 16) & 0xff;
    serials[o + 6] = (i >>> 8) & 0xff;
    serials[o + 7] = i & 0xff;
    serialOffsets[i] = o;
    reasons[i] = cycle[i % 3]!;
  }
  serialOffsets[count] = count * 8;
  return { count, serials, serialOffsets, revokedAt, reasons };
}

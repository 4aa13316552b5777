/**
 * Fast raw-DER generation of large CRLs for the benchmarks (no pkijs: it cannot even load them).
 * Entries carry 20-byte serials (the RFC 5280 §4.1.2.2 maximum) and a reasonCode on 30 % of them,
 * about 43 bytes per entry — a 1,000,000-entry CRL is ~43 MB like the reference file.
 */
import {
  concatBytes,
  DER_NULL,
  encodeLength,
  encodeOid,
  encodeTlv,
} from '../packages/core/src/der/writer.js';
import { signatureAlgorithmFor } from '../packages/core/src/x509/algorithms.js';

const subtle = globalThis.crypto.subtle;

/** The serial of entry i: 20 bytes, positive, minimal, unique (i in the last 4 bytes). */
export function serialOf(i: number): Uint8Array {
  const s = new Uint8Array(20);
  let x = (i * 2654435761) >>> 0 || 1;
  for (let k = 0; k < 16; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s[k] = x & 0xff;
  }
  s[0] = 0x10 | (s[0]! & 0x6f);
  s[16] = (i >>> 24) & 0xff;
  s[17] = (i >>> 16) & 0xff;
  s[18] = (i >>> 8) & 0xff;
  s[19] = i & 0xff;
  return s;
}

const ascii = (s: string) => new TextEncoder().encode(s);

export interface GeneratedCrl {
  der: Uint8Array;
  issuerKey: CryptoKeyPair;
  issuerSpki: Uint8Array;
}

export async function generateCrl(
  n: number,
  options: { key?: CryptoKeyPair; issuerName?: Uint8Array } = {},
): Promise<GeneratedCrl> {
  const issuerKey =
    options.key ??
    ((await subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair);
  const issuerSpki = new Uint8Array(await subtle.exportKey('spki', issuerKey.publicKey));
  const date = ascii('260101000000Z');
  const reason = Uint8Array.of(
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
    0x01,
  );
  let total = 0;
  for (let i = 0; i < n; i++) total += 2 + 22 + 15 + (i % 10 < 3 ? reason.length : 0);
  const list = new Uint8Array(total);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const withReason = i % 10 < 3;
    list[p++] = 0x30;
    list[p++] = 22 + 15 + (withReason ? reason.length : 0);
    list[p++] = 0x02;
    list[p++] = 20;
    list.set(serialOf(i), p);
    p += 20;
    list[p++] = 0x17;
    list[p++] = 13;
    list.set(date, p);
    p += 13;
    if (withReason) {
      list.set(reason, p);
      p += reason.length;
    }
  }
  const alg = encodeTlv(0x30, encodeOid(signatureAlgorithmFor('RSA', 'SHA-256').oid), DER_NULL);
  const issuer =
    options.issuerName ??
    encodeTlv(
      0x30,
      encodeTlv(0x31, encodeTlv(0x30, encodeOid('2.5.4.6'), encodeTlv(0x13, ascii('JP')))),
      encodeTlv(0x31, encodeTlv(0x30, encodeOid('2.5.4.3'), encodeTlv(0x0c, ascii('Bench CA')))),
    );
  const head = concatBytes(
    Uint8Array.of(0x02, 0x01, 0x01),
    alg,
    issuer,
    encodeTlv(0x17, ascii('260101000000Z')),
    encodeTlv(0x17, ascii('300101000000Z')),
  );
  const exts = encodeTlv(
    0xa0,
    encodeTlv(0x30, encodeTlv(0x30, encodeOid('2.5.29.20'), encodeTlv(0x04, Uint8Array.of(2, 1, 1)))),
  );
  const listHeader = concatBytes(Uint8Array.of(0x30), encodeLength(list.length));
  const tbsLen = head.length + listHeader.length + list.length + exts.length;
  const tbs = concatBytes(Uint8Array.of(0x30), encodeLength(tbsLen), head, listHeader, list, exts);
  const sig = new Uint8Array(
    await subtle.sign('RSASSA-PKCS1-v1_5', issuerKey.privateKey, tbs as Uint8Array<ArrayBuffer>),
  );
  const sigBits = encodeTlv(0x03, Uint8Array.of(0), sig);
  const bodyLen = tbs.length + alg.length + sigBits.length;
  const der = concatBytes(Uint8Array.of(0x30), encodeLength(bodyLen), tbs, alg, sigBits);
  return { der, issuerKey, issuerSpki };
}

/**
 * Large CRLs for scale tests and benchmarks, written by the authority's CRL producer: entries carry
 * 20-octet serials (the RFC 5280 §4.1.2.2 maximum) and a keyCompromise reasonCode on 30 % of them,
 * about 43 octets per entry, so a 1,000,000-entry CRL is ~43 MB.
 */
import { buildCrl, CRL_REASON, type RevokedList } from '../authority/crl.js';
import { asKeyObject, encodeName, keyIdentifier, type NameAttribute } from '../issuing/x509-encode.js';
import { generateKey } from './certificates.js';

const subtle = globalThis.crypto.subtle;

/** The serial of entry i: 20 octets, positive, minimal, unique (i in the last 4 octets). */
export function largeCrlSerial(i: number): Uint8Array {
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

export interface LargeCrl {
  readonly der: Uint8Array;
  readonly issuerKey: CryptoKeyPair;
  /** SubjectPublicKeyInfo DER of the issuer's key. */
  readonly issuerSpki: Uint8Array;
}

const BENCH_CA: NameAttribute[] = [
  ['country', 'JP'],
  ['commonName', 'Bench CA'],
];

/**
 * A complete CRL of `count` entries (`largeCrlSerial(0 … count-1)`, revoked 2026-01-01, valid
 * 2026-01-01 to 2030-01-01), signed with `key` (a fresh RSA-2048 key when omitted).
 */
export async function largeCrl(
  count: number,
  options: { key?: CryptoKeyPair; issuerName?: Uint8Array } = {},
): Promise<LargeCrl> {
  const issuerKey: CryptoKeyPair = options.key ?? (await generateKey('rsa'));
  const issuerSpki = new Uint8Array(await subtle.exportKey('spki', issuerKey.publicKey));
  const at = Date.UTC(2026, 0, 1);
  const revoked: RevokedList = {
    count,
    serials: new Uint8Array(count * 20),
    serialOffsets: new Uint32Array(count + 1),
    revokedAt: new Float64Array(count).fill(at),
    reasons: new Int8Array(count),
  };
  for (let i = 0; i < count; i++) {
    revoked.serials.set(largeCrlSerial(i), i * 20);
    revoked.serialOffsets[i] = i * 20;
    revoked.reasons[i] = i % 10 < 3 ? CRL_REASON.keyCompromise : -1;
  }
  revoked.serialOffsets[count] = count * 20;
  const der = buildCrl({
    issuer: options.issuerName ?? encodeName(BENCH_CA),
    issuerKey: asKeyObject(issuerKey.privateKey),
    issuerKeyId: keyIdentifier(issuerSpki),
    thisUpdate: new Date(at),
    nextUpdate: new Date(Date.UTC(2030, 0, 1)),
    crlNumber: 1,
    revoked,
  });
  return { der, issuerKey, issuerSpki };
}

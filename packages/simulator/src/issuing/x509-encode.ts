/**
 * DER building blocks the authority signs with: names, times, algorithm identifiers, extensions and
 * the SIGNED{…} wrapper shared by certificates, CRLs and OCSP responses (RFC 5280 §4.1, §5.1).
 *
 * Written directly over core's DER writer rather than through pkijs: the CRL path must stream a
 * million entries without an object each, and one encoder for every structure keeps them consistent.
 */
import { createHash, KeyObject, sign as nodeSign } from 'node:crypto';
import { digestAlgorithm, digestByOid, type HashAlgorithmName, signatureAlgorithmFor } from '@shomei/core';
import { DER_NULL, encodeOid, encodeTlv, encodeUnsignedInteger } from '@shomei/core/der';

/** X.500 attribute types (RFC 5280 Appendix A.1). */
export const ATTRIBUTE_TYPE = {
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
} as const;

export type AttributeType = keyof typeof ATTRIBUTE_TYPE;

/** One RDN with one attribute; `C` is a PrintableString (RFC 5280 §A.1 `X520countryName`), the rest UTF8String. */
export type NameAttribute = readonly [AttributeType, string];

export function encodeName(attributes: readonly NameAttribute[]): Uint8Array {
  const utf8 = new TextEncoder();
  return encodeTlv(
    0x30,
    ...attributes.map(([type, value]) =>
      encodeTlv(
        0x31,
        encodeTlv(
          0x30,
          encodeOid(ATTRIBUTE_TYPE[type]),
          encodeTlv(type === 'country' ? 0x13 : 0x0c, utf8.encode(value)),
        ),
      ),
    ),
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2: no fractional seconds). */
export function encodeGeneralizedTime(date: Date): Uint8Array {
  const s = `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return encodeTlv(0x18, new TextEncoder().encode(s));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function encodeTime(date: Date): Uint8Array {
  const y = date.getUTCFullYear();
  if (y < 1950 || y >= 2050) return encodeGeneralizedTime(date);
  const s = `${pad(y % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return encodeTlv(0x17, new TextEncoder().encode(s));
}

/** sha256WithRSAEncryption with NULL parameters (RFC 4055 §5). */
export const SHA256_WITH_RSA = encodeTlv(
  0x30,
  encodeOid(signatureAlgorithmFor('RSA', 'SHA-256').oid),
  DER_NULL,
);

/** ecdsa-with-SHA256: the parameters field is absent (RFC 5758 §3.2). */
export const ECDSA_WITH_SHA256 = encodeTlv(0x30, encodeOid(signatureAlgorithmFor('EC', 'SHA-256').oid));

/** A node:crypto key, or the KeyObject of a WebCrypto key. */
export function asKeyObject(key: KeyObject | CryptoKey): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key);
}

/** The signature AlgorithmIdentifier a key signs with here: SHA-256 with RSA PKCS#1 v1.5 or ECDSA. */
export function signatureAlgorithmOf(key: KeyObject | CryptoKey): Uint8Array {
  return asKeyObject(key).asymmetricKeyType === 'ec' ? ECDSA_WITH_SHA256 : SHA256_WITH_RSA;
}

export type HashName = HashAlgorithmName;

/** The SHA hash an OID names (core's algorithm table); undefined for MD5 and unknown OIDs. */
export function hashAlgorithmName(oid: string): HashName | undefined {
  const d = digestByOid(oid);
  return d && d.name !== 'MD5' ? d.name : undefined;
}

export function digest(hash: HashName, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(digestAlgorithm(hash).nodeName).update(data).digest());
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } (RFC 5280 §4.1). */
export function encodeExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return encodeTlv(
    0x30,
    encodeOid(oid),
    critical ? Uint8Array.of(0x01, 0x01, 0xff) : new Uint8Array(0),
    encodeTlv(0x04, value),
  );
}

/** The subjectPublicKey BIT STRING contents of a SubjectPublicKeyInfo (without the unused-bits octet). */
export function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  // SPKI ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }; walk two headers.
  const header = (at: number) => {
    const first = spki[at + 1]!;
    const lenBytes = first < 0x80 ? 0 : first & 0x7f;
    let len = first;
    if (lenBytes > 0) {
      len = 0;
      for (let i = 0; i < lenBytes; i++) len = len * 256 + spki[at + 2 + i]!;
    }
    return { value: at + 2 + lenBytes, end: at + 2 + lenBytes + len };
  };
  const outer = header(0);
  const alg = header(outer.value);
  const bits = header(alg.end);
  return spki.subarray(bits.value + 1, bits.end);
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  return digest('SHA-1', subjectPublicKeyBits(spki));
}

/**
 * The signature value over `tbs` as a certificate, CRL or OCSP response carries it: PKCS#1 v1.5 for
 * RSA, a DER Ecdsa-Sig-Value for EC (RFC 3279 §2.2.3). A WebCrypto key is used through its KeyObject.
 */
export function signatureValue(tbs: Uint8Array, key: KeyObject | CryptoKey): Uint8Array {
  return new Uint8Array(nodeSign('sha256', tbs, asKeyObject(key)));
}

/** Deliberate departures from a well-formed SIGNED{…}, for fixtures a verifier must refuse. */
export interface SigningQuirks {
  /** The outer AlgorithmIdentifier DER instead of the key's own. */
  readonly algorithm?: Uint8Array;
  /** Flip a bit in the signature value. */
  readonly corrupt?: boolean;
}

/** SIGNED{ToBeSigned} (RFC 5280 §4.1.1.2/3): the TBS, the key's signature algorithm and the signature. */
export function signStructure(
  tbs: Uint8Array,
  key: KeyObject | CryptoKey,
  quirks: SigningQuirks = {},
): Uint8Array {
  const signature = signatureValue(tbs, key);
  if (quirks.corrupt) signature[signature.length - 3]! ^= 0x01;
  const algorithm = quirks.algorithm ?? signatureAlgorithmOf(key);
  return encodeTlv(0x30, tbs, algorithm, encodeTlv(0x03, Uint8Array.of(0), signature));
}

/**
 * A DER BIT STRING of named bits (bit 0 is the most significant bit of the first octet) with the
 * trailing zero bits removed, as X.690 §11.2.2 requires of named bit lists (keyUsage, reasons).
 */
export function encodeNamedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return Uint8Array.of(0x03, 0x01, 0x00);
  const max = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return encodeTlv(0x03, Uint8Array.of(7 - (max & 7)), bytes);
}

export function encodeSerial(serial: Uint8Array): Uint8Array {
  return encodeUnsignedInteger(serial);
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

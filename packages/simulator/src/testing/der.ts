/**
 * Short DER builders for test fixtures (certificates, CRLs, OCSP responses, CMS), over core's DER
 * writer and the authority's encoder: names from RFC 4514-style text, general names, times and bit
 * strings, so a fixture reads like the ASN.1 it builds.
 */
import {
  concatBytes,
  DER_NULL,
  encodeOid,
  encodeSmallInteger,
  encodeTlv,
  encodeUnsignedInteger,
} from '@shomei/core/der';
import { encodeGeneralizedTime, encodeNamedBits, encodeTime } from '../issuing/x509-encode.js';

export const seq = (...parts: Uint8Array[]): Uint8Array => encodeTlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]): Uint8Array => encodeTlv(0x31, ...parts);
export const oid = encodeOid;
export const int = encodeSmallInteger;
export const uint = encodeUnsignedInteger;
export const octets = (b: Uint8Array): Uint8Array => encodeTlv(0x04, b);
export const bool = (b: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, b ? 0xff : 0x00);
export const utf8 = (s: string): Uint8Array => encodeTlv(0x0c, new TextEncoder().encode(s));
export const printable = (s: string): Uint8Array => encodeTlv(0x13, new TextEncoder().encode(s));
export const ia5 = (s: string): Uint8Array => encodeTlv(0x16, new TextEncoder().encode(s));
export const bitString = (b: Uint8Array, unused = 0): Uint8Array => encodeTlv(0x03, Uint8Array.of(unused), b);
/** Context-specific tag: constructed (EXPLICIT or constructed IMPLICIT) or primitive IMPLICIT. */
export const ctx = (n: number, constructed: boolean, ...parts: Uint8Array[]): Uint8Array =>
  encodeTlv((constructed ? 0xa0 : 0x80) | n, ...parts);
/** Re-tags an encoded element as context [n] IMPLICIT, keeping its constructed bit. */
export const implicit = (n: number, der: Uint8Array): Uint8Array => {
  const out = der.slice();
  out[0] = (der[0]! & 0x20) | 0x80 | n;
  return out;
};
export { concatBytes, DER_NULL };

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2). */
export const generalizedTime = encodeGeneralizedTime;
/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export const time = encodeTime;
/** A named bit list (bit 0 = MSB of the first octet) as a DER BIT STRING with minimal unused bits. */
export const namedBits = encodeNamedBits;

const SHORT: Record<string, string> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  DC: '0.9.2342.19200300.100.1.25',
  emailAddress: '1.2.840.113549.1.9.1',
};

/**
 * A Name from an RFC 4514-style string (least significant first, `CN=Leaf,O=Test,C=JP`); `+` joins
 * multi-valued RDNs. C is a PrintableString, emailAddress and DC are IA5String, the rest UTF8String.
 */
export function name(text: string): Uint8Array {
  if (text === '') return seq();
  const rdns = text.split(',').map((rdn) =>
    set(
      ...rdn.split('+').map((atv) => {
        const eq = atv.indexOf('=');
        const type = atv.slice(0, eq).trim();
        const value = atv.slice(eq + 1);
        const o = SHORT[type] ?? type;
        const enc =
          type === 'C'
            ? printable(value)
            : type === 'emailAddress' || type === 'DC'
              ? ia5(value)
              : utf8(value);
        return seq(oid(o), enc);
      }),
    ),
  );
  return seq(...rdns.reverse());
}

/** GeneralName encoders (RFC 5280 §4.2.1.6). */
export const gn = {
  email: (s: string): Uint8Array => encodeTlv(0x81, new TextEncoder().encode(s)),
  dns: (s: string): Uint8Array => encodeTlv(0x82, new TextEncoder().encode(s)),
  uri: (s: string): Uint8Array => encodeTlv(0x86, new TextEncoder().encode(s)),
  ip: (b: number[]): Uint8Array => encodeTlv(0x87, Uint8Array.from(b)),
  dir: (text: string): Uint8Array => encodeTlv(0xa4, name(text)),
  other: (typeId: string, valueDer: Uint8Array): Uint8Array =>
    encodeTlv(0xa0, oid(typeId), ctx(0, true, valueDer)),
  registeredId: (o: string): Uint8Array => implicit(8, oid(o)),
};

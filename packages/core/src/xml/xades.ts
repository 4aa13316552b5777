/**
 * The XAdES qualifying properties shomei writes (ETSI EN 319 132-1 v1.1.1): SignedProperties with
 * SigningTime (§5.2.1) and SigningCertificateV2 (§5.2.2, the certificate digest and RFC 5035
 * IssuerSerial), and for XAdES-T an UnsignedSignatureProperties/SignatureTimeStamp (§5.3).
 */
import { certificateIds } from '../cms/certificate-ids.js';
import { digestBytes } from '../cms/hasher.js';
import { toBase64 } from '../der/bytes.js';
import { encodeTlv } from '../der/writer.js';
import type { HashAlgorithmName } from '../signer.js';
import { C14N, DIGEST_URI, XADES_NS } from './algorithms.js';

export interface XadesObjectInput {
  readonly prefix: string;
  readonly signatureId: string;
  readonly signedPropertiesId: string;
  readonly signingTime: Date;
  readonly certificate: Uint8Array;
  readonly hash: HashAlgorithmName;
}

/** xsd:dateTime in UTC without fractions, as XAdES signers commonly write SigningTime. */
const dateTime = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

/** The ds:Object holding xades:QualifyingProperties with the signed properties. */
export async function xadesObject(i: XadesObjectInput): Promise<string> {
  const q = (n: string) => (i.prefix ? `${i.prefix}:${n}` : n);
  const ids = certificateIds(i.certificate);
  const issuerSerial = encodeTlv(
    0x30,
    encodeTlv(0x30, encodeTlv(0xa4, ids.issuer)),
    encodeTlv(0x02, ids.serial),
  );
  const certDigest = toBase64(await digestBytes(i.hash, i.certificate));
  return (
    `<${q('Object')}><xades:QualifyingProperties xmlns:xades="${XADES_NS}" Target="#${i.signatureId}">` +
    `<xades:SignedProperties Id="${i.signedPropertiesId}"><xades:SignedSignatureProperties>` +
    `<xades:SigningTime>${dateTime(i.signingTime)}</xades:SigningTime>` +
    `<xades:SigningCertificateV2><xades:Cert><xades:CertDigest>` +
    `<${q('DigestMethod')} Algorithm="${DIGEST_URI[i.hash]}"/><${q('DigestValue')}>${certDigest}</${q('DigestValue')}>` +
    `</xades:CertDigest><xades:IssuerSerialV2>${toBase64(issuerSerial)}</xades:IssuerSerialV2></xades:Cert></xades:SigningCertificateV2>` +
    `</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></${q('Object')}>`
  );
}

/** UnsignedProperties with a SignatureTimeStamp over the canonical SignatureValue (inclusive C14N 1.0). */
export function xadesUnsignedProperties(prefix: string, token: Uint8Array): string {
  const q = (n: string) => (prefix ? `${prefix}:${n}` : n);
  return (
    `<xades:UnsignedProperties><xades:UnsignedSignatureProperties><xades:SignatureTimeStamp>` +
    `<${q('CanonicalizationMethod')} Algorithm="${C14N.c14n}"/>` +
    `<xades:EncapsulatedTimeStamp>${toBase64(token)}</xades:EncapsulatedTimeStamp>` +
    `</xades:SignatureTimeStamp></xades:UnsignedSignatureProperties></xades:UnsignedProperties>`
  );
}

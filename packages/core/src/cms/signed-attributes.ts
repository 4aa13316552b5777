/**
 * CAdES-BES signed attributes (ETSI EN 319 122-1 §5.2): contentType, messageDigest, signingTime
 * (RFC 5652 §11) and signingCertificateV2 (RFC 5035 §3).
 */
import { compareBytes } from '../der/bytes.js';
import { concatBytes, encodeOid, encodeTlv } from '../der/writer.js';
import type { HashAlgorithmName } from '../signer.js';
import { digestAlgorithmIdentifier } from './algorithms.js';
import type { CertificateIds } from './certificate-ids.js';
import { ATTRIBUTE_OID } from './oids.js';

export function attribute(oid: string, ...values: readonly Uint8Array[]): Uint8Array {
  return encodeTlv(0x30, encodeOid(oid), encodeTlv(0x31, sortedSetContents(values)));
}

/** DER SET OF: elements sorted by their encodings (X.690 §11.6). */
export function sortedSetContents(elements: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...[...elements].sort(compareBytes));
}

/**
 * RFC 5652 §11.3: signingTime is UTCTime for 1950–2049 and GeneralizedTime otherwise; seconds, Zulu,
 * no fractions.
 */
export function encodeTime(time: Date): Uint8Array {
  const iso = time.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const year = time.getUTCFullYear();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  if (year >= 1950 && year < 2050) return encodeTlv(0x17, new TextEncoder().encode(`${digits.slice(2)}Z`));
  return encodeTlv(0x18, new TextEncoder().encode(`${digits}Z`));
}

/**
 * ESSCertIDv2 for the signer certificate. hashAlgorithm is omitted for SHA-256 (its DEFAULT, so DER
 * must omit it); issuerSerial names the issuer as a directoryName [4] GeneralName (RFC 5035 §4).
 */
export function signingCertificateV2(
  hash: HashAlgorithmName,
  certHash: Uint8Array,
  ids: CertificateIds,
): Uint8Array {
  const issuerSerial = encodeTlv(
    0x30,
    encodeTlv(0x30, encodeTlv(0xa4, ids.issuer)),
    encodeTlv(0x02, ids.serial),
  );
  const essCertId = encodeTlv(
    0x30,
    ...(hash === 'SHA-256' ? [] : [digestAlgorithmIdentifier(hash)]),
    encodeTlv(0x04, certHash),
    issuerSerial,
  );
  return attribute(ATTRIBUTE_OID.signingCertificateV2, encodeTlv(0x30, encodeTlv(0x30, essCertId)));
}

export interface SignedAttributeInput {
  contentType: string;
  messageDigest: Uint8Array;
  signingTime?: Date;
  hash: HashAlgorithmName;
  certHash: Uint8Array;
  ids: CertificateIds;
}

/** The SET OF Attribute as DER with the SET tag (0x31): the bytes the signature covers (RFC 5652 §5.4). */
export function signedAttributes(input: SignedAttributeInput): Uint8Array {
  const attrs = [
    attribute(ATTRIBUTE_OID.contentType, encodeOid(input.contentType)),
    attribute(ATTRIBUTE_OID.messageDigest, encodeTlv(0x04, input.messageDigest)),
    ...(input.signingTime ? [attribute(ATTRIBUTE_OID.signingTime, encodeTime(input.signingTime))] : []),
    signingCertificateV2(input.hash, input.certHash, input.ids),
  ];
  return encodeTlv(0x31, sortedSetContents(attrs));
}

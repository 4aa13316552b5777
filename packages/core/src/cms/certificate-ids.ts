/**
 * The few certificate fields CMS needs to name a signer (RFC 5652 §10.2.4 IssuerAndSerialNumber,
 * RFC 5035 §4 IssuerSerial): read straight from the TBSCertificate with the DER reader.
 * Full certificate parsing belongs to x509/.
 */
import { children, encodingOf, expectTag, readIntegerBytes, readRoot, Tag } from '../der/reader.js';
import { coreError } from '../errors.js';

export interface CertificateIds {
  /** DER Name of the issuer. */
  readonly issuer: Uint8Array;
  /** Contents octets of the serialNumber INTEGER. */
  readonly serial: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
}

export function certificateIds(cert: Uint8Array): CertificateIds {
  try {
    const root = expectTag(readRoot(cert), Tag.SEQUENCE, 'Certificate');
    const [tbs] = children(cert, root);
    const fields = children(cert, expectTag(tbs!, Tag.SEQUENCE, 'TBSCertificate'));
    // RFC 5280 §4.1: version is [0] EXPLICIT and DEFAULT v1, so it may be absent.
    const f = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
    const [serial, , issuer, , , spki] = f;
    if (!serial || !issuer || !spki) throw new Error('TBSCertificate is truncated');
    return {
      serial: readIntegerBytes(cert, serial),
      issuer: encodingOf(cert, expectTag(issuer, Tag.SEQUENCE, 'issuer Name')),
      spki: encodingOf(cert, expectTag(spki, Tag.SEQUENCE, 'SubjectPublicKeyInfo')),
    };
  } catch (cause) {
    throw coreError('INPUT_INVALID', 'The signer certificate is not a DER X.509 certificate.', { cause });
  }
}

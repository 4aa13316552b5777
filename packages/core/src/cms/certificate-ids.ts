/**
 * The certificate fields CMS and XAdES need to name a signer (RFC 5652 §10.2.4
 * IssuerAndSerialNumber, RFC 5035 §4 IssuerSerial), taken from core's certificate parser.
 */
import { coreError } from '../errors.js';
import { parseCertificate } from '../x509/certificate.js';

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
    const c = parseCertificate(cert);
    return { issuer: c.issuer.der, serial: c.serial, spki: c.spki };
  } catch (cause) {
    throw coreError('INPUT_INVALID', 'The signer certificate is not a DER X.509 certificate.', { cause });
  }
}

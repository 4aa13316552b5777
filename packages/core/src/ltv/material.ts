/**
 * The validation material a signature carries: certificates and revocation data from every place a
 * CAdES signature may hold them — SignedData.certificates and .crls (RFC 5652 §10.2.1, OCSP responses
 * as id-ri-ocsp-response per RFC 5940 §2.2.1), the certificate-values and revocation-values
 * attributes (RFC 5126 §6.3.3–6.3.4), and the certificates inside timestamp tokens. XAdES
 * (CertificateValues/RevocationValues) and PAdES (the DSS dictionary) fill the same shape.
 */
import { bytesEqual } from '../der/bytes.js';
import { children, contentsOf, encodingOf, readOid, readRoot, Tag } from '../der/reader.js';
import { encodeOid, encodeTlv } from '../der/writer.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import { namesMatch } from '../x509/name.js';
import type { RawSignedData, RawSignerInfo } from './cms-structure.js';
import { LTV_OID } from './oids.js';

export interface EvidenceMaterial {
  readonly certificates: Certificate[];
  /** DER CertificateLists. */
  readonly crls: Uint8Array[];
  /** DER OCSPResponses. */
  readonly ocsp: Uint8Array[];
}

export const emptyMaterial = (): EvidenceMaterial => ({ certificates: [], crls: [], ocsp: [] });

/** An OCSPResponse (RFC 6960 §4.2.1) wrapping a BasicOCSPResponse, as revocation-values stores the latter. */
export function wrapBasicOcsp(basic: Uint8Array): Uint8Array {
  return encodeTlv(
    Tag.SEQUENCE,
    Uint8Array.of(0x0a, 0x01, 0x00),
    encodeTlv(
      0xa0,
      encodeTlv(Tag.SEQUENCE, encodeOid(LTV_OID.ocspBasic), encodeTlv(Tag.OCTET_STRING, basic)),
    ),
  );
}

/** SignedData.crls entry for an OCSP response: [1] OtherRevocationInfoFormat (RFC 5940 §2.2.1). */
export function ocspRevocationChoice(ocspResponse: Uint8Array): Uint8Array {
  return encodeTlv(0xa1, encodeOid(LTV_OID.riOcspResponse), ocspResponse);
}

/**
 * Parses a certificate, or undefined when it is malformed. parseCertificate keeps parses by content
 * (confirmed byte for byte) and copies what it keeps, so the fresh views each validation extracts of
 * the same embedded certificates map to the same objects, and path results cached for them are reused.
 */
export function certificateOf(der: Uint8Array): Certificate | undefined {
  try {
    return parseCertificate(der);
  } catch {
    return undefined;
  }
}

export function addCertificate(m: EvidenceMaterial, c: Certificate | undefined): void {
  if (
    c &&
    !m.certificates.some((x) => x === c || (x.serialHex === c.serialHex && namesMatch(x.issuer, c.issuer)))
  )
    m.certificates.push(c);
}

/** Reads one RevocationInfoChoice into the material (unknown "other" formats are skipped). */
function addRevocationChoice(m: EvidenceMaterial, choice: Uint8Array): void {
  try {
    if (choice[0] === Tag.SEQUENCE) {
      m.crls.push(choice);
      return;
    }
    if (choice[0] !== 0xa1) return;
    const [format, value] = children(choice, readRoot(choice));
    if (format && value && readOid(choice, format) === LTV_OID.riOcspResponse)
      m.ocsp.push(encodingOf(choice, value));
  } catch {
    // An unreadable entry gives no evidence; validation reports what is then missing.
  }
}

/** RFC 5126 §6.3.4 RevocationValues: crlVals [0], ocspVals [1] (BasicOCSPResponse), otherRevVals [2]. */
function addRevocationValues(m: EvidenceMaterial, value: Uint8Array): void {
  try {
    for (const part of children(value, readRoot(value))) {
      const [seq] = children(value, part);
      if (!seq) continue;
      for (const item of children(value, seq)) {
        const der = encodingOf(value, item);
        if (part.tag === 0xa0) m.crls.push(der);
        else if (part.tag === 0xa1) m.ocsp.push(wrapBasicOcsp(der));
      }
    }
  } catch {
    // as above
  }
}

function addCertificateValues(m: EvidenceMaterial, value: Uint8Array): void {
  try {
    for (const c of children(value, readRoot(value))) addCertificate(m, certificateOf(encodingOf(value, c)));
  } catch {
    // as above
  }
}

/** Certificates and CRLs inside a timestamp token (its own SignedData). */
export function addTokenMaterial(m: EvidenceMaterial, token: RawSignedData): void {
  for (const c of token.certificates) if (c[0] === Tag.SEQUENCE) addCertificate(m, certificateOf(c));
  for (const r of token.crls) addRevocationChoice(m, r);
}

/** Everything a CAdES signature carries for one signer (and the SignedData-level material). */
export function cmsMaterial(sd: RawSignedData, si: RawSignerInfo): EvidenceMaterial {
  const m = emptyMaterial();
  for (const c of sd.certificates) if (c[0] === Tag.SEQUENCE) addCertificate(m, certificateOf(c));
  for (const r of sd.crls) addRevocationChoice(m, r);
  for (const a of si.unsigned) {
    for (const v of a.values) {
      if (a.oid === LTV_OID.certificateValues) addCertificateValues(m, v);
      else if (a.oid === LTV_OID.revocationValues) addRevocationValues(m, v);
    }
  }
  return m;
}

/** Adds caller-supplied material (certificates as DER or parsed, CRLs, OCSP responses). */
export function addSupplied(
  m: EvidenceMaterial,
  s: {
    certificates?: readonly (Uint8Array | Certificate)[];
    crls?: readonly Uint8Array[];
    ocsp?: readonly Uint8Array[];
  },
): void {
  for (const c of s.certificates ?? []) addCertificate(m, c instanceof Uint8Array ? certificateOf(c) : c);
  m.crls.push(...(s.crls ?? []));
  m.ocsp.push(...(s.ocsp ?? []));
}

/** The certificate a SignerInfo names in its sid (RFC 5652 §5.3: issuer and serial, or key identifier). */
export function certificateFor(si: RawSignerInfo, certs: readonly Certificate[]): Certificate | undefined {
  const sid = si.signedFields[1]!;
  try {
    const root = readRoot(sid, { ber: true });
    if (root.tag === 0x80) {
      const keyId = contentsOf(sid, root);
      return certs.find(
        (c) => c.subjectKeyIdentifier !== undefined && bytesEqual(c.subjectKeyIdentifier, keyId),
      );
    }
    const [issuer, serial] = children(sid, root, { ber: true });
    if (!issuer || !serial) return undefined;
    const issuerDer = encodingOf(sid, issuer);
    const serialBytes = contentsOf(sid, serial);
    return certs.find((c) => bytesEqual(c.serial, serialBytes) && bytesEqual(c.issuer.der, issuerDer));
  } catch {
    return undefined;
  }
}

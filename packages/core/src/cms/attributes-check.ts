/**
 * Checks of the signed attributes a verifier must make: RFC 5652 §11.1 (contentType), §11.2
 * (messageDigest), §11.3 (signingTime) and the ESS signing-certificate binding (RFC 5035 §3,
 * RFC 2634 §5.4), which stops an attacker from substituting another certificate for the same key.
 */
import { bytesEqual } from '../der/bytes.js';
import {
  children,
  contentsOf,
  encodingOf,
  expectTag,
  readIntegerBytes,
  readOid,
  readRoot,
  readTime,
  Tag,
} from '../der/reader.js';
import type { HashAlgorithmName } from '../signer.js';
import type { Certificate } from '../x509/certificate.js';
import { DIGEST_BY_OID } from './algorithms.js';
import { digestBytes } from './hasher.js';
import { ATTRIBUTE_OID } from './oids.js';
import type { Attribute } from './signed-data.js';

export type AttributeCheck = { ok: true; detail?: string } | { ok: false; code: string; detail: string };

const bad = (code: string, detail: string): AttributeCheck => ({ ok: false, code, detail });

/** The single value of a single-valued attribute, or a failure (RFC 5652 §11: exactly one of each). */
export function singleValue(
  attrs: readonly Attribute[],
  oid: string,
  what: string,
): Uint8Array | AttributeCheck | undefined {
  const found = attrs.filter((a) => a.oid === oid);
  if (found.length === 0) return undefined;
  if (found.length > 1 || found[0]!.values.length !== 1) {
    return bad('CMS_ATTRIBUTE_INVALID', `the ${what} attribute must appear once with one value`);
  }
  return found[0]!.values[0]!;
}

const isCheck = (x: unknown): x is AttributeCheck => typeof x === 'object' && x !== null && 'ok' in x;

export function checkContentType(attrs: readonly Attribute[], eContentType: string): AttributeCheck {
  const v = singleValue(attrs, ATTRIBUTE_OID.contentType, 'contentType');
  if (v === undefined)
    return bad('CMS_ATTRIBUTE_INVALID', 'the contentType attribute is missing (RFC 5652 §11.1)');
  if (isCheck(v)) return v;
  let oid: string;
  try {
    oid = readOid(v, readRoot(v));
  } catch {
    return bad('CMS_ATTRIBUTE_INVALID', 'the contentType attribute is not an OBJECT IDENTIFIER');
  }
  return oid === eContentType
    ? { ok: true, detail: oid }
    : bad(
        'CMS_CONTENT_TYPE_MISMATCH',
        `signed contentType ${oid} differs from the encapsulated ${eContentType}`,
      );
}

export function checkMessageDigest(attrs: readonly Attribute[], digest: Uint8Array): AttributeCheck {
  const v = singleValue(attrs, ATTRIBUTE_OID.messageDigest, 'messageDigest');
  if (v === undefined) {
    return bad('CMS_ATTRIBUTE_INVALID', 'the messageDigest attribute is missing (RFC 5652 §11.2)');
  }
  if (isCheck(v)) return v;
  let signed: Uint8Array;
  try {
    signed = contentsOf(v, expectTag(readRoot(v), Tag.OCTET_STRING, 'messageDigest'));
  } catch {
    return bad('CMS_ATTRIBUTE_INVALID', 'the messageDigest attribute is not an OCTET STRING');
  }
  return bytesEqual(signed, digest)
    ? { ok: true }
    : bad('CMS_DIGEST_MISMATCH', 'the digest of the content differs from the signed messageDigest');
}

/** signingTime, when present and well-formed. */
export function signingTime(attrs: readonly Attribute[]): Date | undefined {
  const v = singleValue(attrs, ATTRIBUTE_OID.signingTime, 'signingTime');
  if (!(v instanceof Uint8Array)) return undefined;
  try {
    return readTime(v, readRoot(v));
  } catch {
    return undefined;
  }
}

// Module-level on purpose: a memo of a pure function of a parsed object of core's own (never a
// caller's buffer), held weakly, so it adds no lifetime and cannot answer for other data.
const certHashes = new WeakMap<Certificate, Map<HashAlgorithmName, Promise<Uint8Array>>>();

/** Hash of a certificate's DER, once per parsed certificate and algorithm. */
function certHash(cert: Certificate, hash: HashAlgorithmName): Promise<Uint8Array> {
  let m = certHashes.get(cert);
  if (!m) {
    m = new Map();
    certHashes.set(cert, m);
  }
  let p = m.get(hash);
  if (!p) {
    p = digestBytes(hash, cert.der);
    m.set(hash, p);
  }
  return p;
}

/** IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber } against the certificate (RFC 5035 §4). */
function issuerSerialMatches(
  der: Uint8Array,
  seqTlv: ReturnType<typeof readRoot>,
  cert: Certificate,
): boolean {
  const [names, serial] = children(der, seqTlv);
  if (!names || !serial) return false;
  const dirNames = children(der, names).filter((g) => g.tag === 0xa4);
  const issuerOk = dirNames.some((g) => {
    const [name] = children(der, g);
    return name !== undefined && bytesEqual(encodingOf(der, name), cert.issuer.der);
  });
  return issuerOk && bytesEqual(readIntegerBytes(der, serial), cert.serial);
}

/**
 * signingCertificateV2 (or v1): the first ESSCertID must hash to the signer certificate and, when
 * issuerSerial is present, name its issuer and serial. Absent attribute: ok with a note (plain CMS
 * from e.g. `openssl cms -sign` has none; CAdES-BES requires it).
 */
export async function checkSigningCertificate(
  attrs: readonly Attribute[],
  cert: Certificate,
): Promise<AttributeCheck> {
  const v2 = singleValue(attrs, ATTRIBUTE_OID.signingCertificateV2, 'signingCertificateV2');
  const v1 = singleValue(attrs, ATTRIBUTE_OID.signingCertificate, 'signingCertificate');
  const v = v2 ?? v1;
  if (v === undefined) return { ok: true, detail: 'no signing-certificate attribute (not CAdES-BES)' };
  if (isCheck(v)) return v;
  try {
    const [certs] = children(v, expectTag(readRoot(v), Tag.SEQUENCE, 'SigningCertificate'));
    const [first] = children(v, expectTag(certs!, Tag.SEQUENCE, 'certs'));
    const parts = children(v, expectTag(first!, Tag.SEQUENCE, 'ESSCertID'));
    let i = 0;
    let hash: HashAlgorithmName = v2 !== undefined ? 'SHA-256' : 'SHA-1';
    if (v2 !== undefined && parts[0]?.tag === Tag.SEQUENCE) {
      const name = DIGEST_BY_OID[readOid(v, children(v, parts[0])[0]!)];
      if (!name || name === 'MD5') {
        return bad('CMS_ALGORITHM_UNSUPPORTED', 'signingCertificateV2 uses an unsupported hash');
      }
      hash = name;
      i = 1;
    }
    const certHashValue = contentsOf(v, expectTag(parts[i]!, Tag.OCTET_STRING, 'certHash'));
    if (!bytesEqual(certHashValue, await certHash(cert, hash))) {
      return bad('CMS_SIGNING_CERT_MISMATCH', `the ${hash} certHash does not match the signer certificate`);
    }
    const issuerSerial = parts[i + 1];
    if (issuerSerial && !issuerSerialMatches(v, issuerSerial, cert)) {
      return bad('CMS_SIGNING_CERT_MISMATCH', 'issuerSerial does not name the signer certificate');
    }
    return { ok: true, detail: v2 !== undefined ? 'signingCertificateV2' : 'signingCertificate (v1)' };
  } catch {
    return bad('CMS_ATTRIBUTE_INVALID', 'the signing-certificate attribute is malformed');
  }
}

/**
 * A fast X.509 v3 certificate parser on core's DER reader (RFC 5280 §4.1). pkijs takes milliseconds
 * per certificate (design.md §5); this walks the DER once and decodes the fields that path validation,
 * revocation and CMS need. Parsed certificates are cached by their bytes.
 */

import { toHex } from '../der/bytes.js';
import {
  children,
  contentsOf,
  encodingOf,
  expectTag,
  readBitString,
  readBoolean,
  readIntegerBytes,
  readOid,
  readRoot,
  readSignatureBitString,
  readSmallInteger,
  readTime,
  Tag,
  type Tlv,
} from '../der/reader.js';
import { coreError, isShomeiError } from '../errors.js';
import {
  type AccessDescription,
  type AuthorityKeyIdentifier,
  type BasicConstraints,
  type DistributionPoint,
  type Extension,
  type KeyUsage,
  type NameConstraints,
  type PolicyConstraints,
  type PolicyInformation,
  type PolicyMapping,
  parseAccessDescriptions,
  parseAuthorityKeyIdentifier,
  parseBasicConstraints,
  parseCertificatePolicies,
  parseCrlDistributionPoints,
  parseGeneralNames,
  parseInhibitAnyPolicy,
  parseKeyUsage,
  parseNameConstraints,
  parseOctetString,
  parseOidSequence,
  parsePolicyConstraints,
  parsePolicyMappings,
} from './extensions.js';
import type { GeneralName } from './general-name.js';
import { type Name, namesMatch, parseNameAt } from './name.js';
import { ALG_OID, EXT_OID } from './oids.js';
import { sameContent } from './same-content.js';

export interface AlgorithmIdentifier {
  readonly oid: string;
  /** DER of the parameters element, when present (e.g. NULL for RSA, a curve OID for EC). */
  readonly params?: Uint8Array;
}

export interface Certificate {
  readonly der: Uint8Array;
  /** DER of TBSCertificate: the signed bytes. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** serialNumber INTEGER contents (two's complement, as encoded). */
  readonly serial: Uint8Array;
  /** Lower-case hex of `serial`. */
  readonly serialHex: string;
  /** The signature field inside TBSCertificate. */
  readonly tbsSignatureAlgorithm: AlgorithmIdentifier;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  /** signatureValue BIT STRING bytes. */
  readonly signature: Uint8Array;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER of SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  readonly publicKeyAlgorithm: AlgorithmIdentifier;
  /** subjectPublicKey BIT STRING bytes. */
  readonly publicKey: Uint8Array;
  /** RSA modulus size in bits, for RSA keys. */
  readonly rsaModulusBits?: number;
  readonly issuerUniqueId?: Uint8Array;
  readonly subjectUniqueId?: Uint8Array;
  /** Every extension in order, with criticality. */
  readonly extensions: readonly Extension[];
  readonly basicConstraints?: BasicConstraints;
  readonly keyUsage?: KeyUsage;
  readonly extKeyUsage?: readonly string[];
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: AuthorityKeyIdentifier;
  readonly subjectAltName?: readonly GeneralName[];
  readonly issuerAltName?: readonly GeneralName[];
  readonly certificatePolicies?: readonly PolicyInformation[];
  readonly policyMappings?: readonly PolicyMapping[];
  readonly policyConstraints?: PolicyConstraints;
  readonly inhibitAnyPolicy?: number;
  readonly nameConstraints?: NameConstraints;
  readonly crlDistributionPoints?: readonly DistributionPoint[];
  readonly freshestCrl?: readonly DistributionPoint[];
  readonly authorityInfoAccess?: readonly AccessDescription[];
  /** Issuer and subject match (RFC 5280 §6.1: "self-issued"). */
  readonly selfIssued: boolean;
  /** Universal tags of notBefore and notAfter (0x17 UTCTime, 0x18 GeneralizedTime), for the profile check. */
  readonly validityTags: readonly [number, number];
  /** OIDs of extensions that appear more than once (RFC 5280 §4.2 forbids it; only the first is used). */
  readonly duplicateExtensions?: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function parseAlgorithmIdentifierAt(bytes: Uint8Array, tlv: Tlv): AlgorithmIdentifier {
  const [oid, params, extra] = children(bytes, expectTag(tlv, Tag.SEQUENCE, 'AlgorithmIdentifier'));
  if (!oid || extra) throw coreError('DER_MALFORMED', 'AlgorithmIdentifier must have one or two elements.');
  return params
    ? { oid: readOid(bytes, oid), params: encodingOf(bytes, params) }
    : { oid: readOid(bytes, oid) };
}

function rsaBits(bytes: Uint8Array): number | undefined {
  try {
    const seq = readRoot(bytes);
    const [n] = children(bytes, seq);
    if (!n) return undefined;
    const m = readIntegerBytes(bytes, n);
    let i = 0;
    while (i < m.length && m[i] === 0) i++;
    if (i === m.length) return 0;
    return (m.length - i - 1) * 8 + (32 - Math.clz32(m[i]!));
  } catch {
    return undefined;
  }
}

/** Decoders for the extensions this parser understands; the path validator treats these as known. */
const DECODERS: Readonly<Record<string, (v: Uint8Array, out: Mutable<Certificate>) => void>> = {
  [EXT_OID.basicConstraints]: (v, o) => {
    o.basicConstraints = parseBasicConstraints(v);
  },
  [EXT_OID.keyUsage]: (v, o) => {
    o.keyUsage = parseKeyUsage(v);
  },
  [EXT_OID.extKeyUsage]: (v, o) => {
    o.extKeyUsage = parseOidSequence(v, 'extKeyUsage');
  },
  [EXT_OID.subjectKeyIdentifier]: (v, o) => {
    o.subjectKeyIdentifier = parseOctetString(v);
  },
  [EXT_OID.authorityKeyIdentifier]: (v, o) => {
    o.authorityKeyIdentifier = parseAuthorityKeyIdentifier(v);
  },
  [EXT_OID.subjectAltName]: (v, o) => {
    o.subjectAltName = parseGeneralNames(v);
  },
  [EXT_OID.issuerAltName]: (v, o) => {
    o.issuerAltName = parseGeneralNames(v);
  },
  [EXT_OID.certificatePolicies]: (v, o) => {
    o.certificatePolicies = parseCertificatePolicies(v);
  },
  [EXT_OID.policyMappings]: (v, o) => {
    o.policyMappings = parsePolicyMappings(v);
  },
  [EXT_OID.policyConstraints]: (v, o) => {
    o.policyConstraints = parsePolicyConstraints(v);
  },
  [EXT_OID.inhibitAnyPolicy]: (v, o) => {
    o.inhibitAnyPolicy = parseInhibitAnyPolicy(v);
  },
  [EXT_OID.nameConstraints]: (v, o) => {
    o.nameConstraints = parseNameConstraints(v);
  },
  [EXT_OID.cRLDistributionPoints]: (v, o) => {
    o.crlDistributionPoints = parseCrlDistributionPoints(v);
  },
  [EXT_OID.freshestCRL]: (v, o) => {
    o.freshestCrl = parseCrlDistributionPoints(v);
  },
  [EXT_OID.authorityInfoAccess]: (v, o) => {
    o.authorityInfoAccess = parseAccessDescriptions(v);
  },
};

/** OIDs of the certificate extensions this parser decodes. */
export const KNOWN_CERTIFICATE_EXTENSIONS: ReadonlySet<string> = new Set(Object.keys(DECODERS));

/**
 * Parses the Extensions SEQUENCE (RFC 5280 §4.1.2.9) into a list. A repeated OID is an error, unless
 * `duplicates` is given: then the first instance is kept and the OID is recorded there, so that path
 * validation can report the certificate with its own code.
 */
export function parseExtensionListAt(bytes: Uint8Array, seq: Tlv, duplicates?: string[]): Extension[] {
  const list: Extension[] = [];
  const seen = new Set<string>();
  for (const e of children(bytes, expectTag(seq, Tag.SEQUENCE, 'Extensions'))) {
    const parts = children(bytes, expectTag(e, Tag.SEQUENCE, 'Extension'));
    const oid = readOid(bytes, parts[0] ?? e);
    let critical = false;
    let i = 1;
    if (parts[i]?.tag === Tag.BOOLEAN) critical = readBoolean(bytes, parts[i++]!);
    const value = parts[i];
    if (!value || parts.length !== i + 1) throw coreError('DER_MALFORMED', `Extension ${oid} is malformed.`);
    expectTag(value, Tag.OCTET_STRING, 'extnValue');
    if (seen.has(oid)) {
      if (!duplicates) throw coreError('DER_MALFORMED', `Extension ${oid} appears twice (RFC 5280 §4.2).`);
      if (!duplicates.includes(oid)) duplicates.push(oid);
      continue;
    }
    seen.add(oid);
    list.push({ oid, critical, value: contentsOf(bytes, value) });
  }
  return list;
}

/**
 * A validity time in the RFC 5280 §4.1.2.5 form (UTCTime or GeneralizedTime YYYYMMDDHHMMSSZ, seconds
 * present, no fraction). Anything else — a fractional second, a missing Z, an offset — is refused with
 * CERT_TIME_MALFORMED rather than read approximately: a strict verifier must not guess a certificate's
 * lifetime, and the report must not call a malformed certificate "expired".
 */
function validityTime(der: Uint8Array, tlv: Tlv, field: 'notBefore' | 'notAfter'): Date {
  try {
    return readTime(der, tlv);
  } catch (cause) {
    // Not a time element at all: the structure is wrong, which CERT_MALFORMED says.
    if (tlv.tag !== Tag.UTC_TIME && tlv.tag !== Tag.GENERALIZED_TIME) throw cause;
    throw coreError('CERT_TIME_MALFORMED', `The certificate's ${field} is not a valid RFC 5280 time.`, {
      cause,
      details: { field },
    });
  }
}

function parseUncached(der: Uint8Array): Certificate {
  const root = expectTag(readRoot(der), Tag.SEQUENCE, 'Certificate');
  const [tbsTlv, sigAlgTlv, sigTlv, extra] = children(der, root);
  if (!tbsTlv || !sigAlgTlv || !sigTlv || extra)
    throw coreError('DER_MALFORMED', 'Certificate must have three elements.');
  const tbsParts = children(der, expectTag(tbsTlv, Tag.SEQUENCE, 'TBSCertificate'));
  let i = 0;
  let version = 1;
  if (tbsParts[0]?.tag === 0xa0) {
    const [v] = children(der, tbsParts[0]);
    if (!v) throw coreError('DER_MALFORMED', 'Empty version.');
    version = readSmallInteger(der, v) + 1;
    if (version < 1 || version > 3)
      throw coreError('DER_MALFORMED', `Unknown certificate version ${version}.`);
    i = 1;
  }
  const [serialT, sigT, issuerT, validityT, subjectT, spkiT] = tbsParts.slice(i, i + 6);
  if (!serialT || !sigT || !issuerT || !validityT || !subjectT || !spkiT)
    throw coreError('DER_MALFORMED', 'TBSCertificate is missing fields.');
  const serial = readIntegerBytes(der, serialT);
  const [nb, na, vExtra] = children(der, expectTag(validityT, Tag.SEQUENCE, 'Validity'));
  if (!nb || !na || vExtra) throw coreError('DER_MALFORMED', 'Validity must have two times.');
  const [pkAlgT, pkT, pkExtra] = children(der, expectTag(spkiT, Tag.SEQUENCE, 'SubjectPublicKeyInfo'));
  if (!pkAlgT || !pkT || pkExtra) throw coreError('DER_MALFORMED', 'SubjectPublicKeyInfo is malformed.');
  const publicKeyAlgorithm = parseAlgorithmIdentifierAt(der, pkAlgT);
  const publicKey = readBitString(der, pkT).bytes;
  const issuer = parseNameAt(der, issuerT);
  const subject = parseNameAt(der, subjectT);
  const cert: Mutable<Certificate> = {
    der,
    tbs: encodingOf(der, tbsTlv),
    version,
    serial,
    serialHex: toHex(serial),
    tbsSignatureAlgorithm: parseAlgorithmIdentifierAt(der, sigT),
    signatureAlgorithm: parseAlgorithmIdentifierAt(der, sigAlgTlv),
    signature: readSignatureBitString(der, sigTlv),
    issuer,
    subject,
    notBefore: validityTime(der, nb, 'notBefore'),
    notAfter: validityTime(der, na, 'notAfter'),
    validityTags: [nb.tag, na.tag],
    spki: encodingOf(der, spkiT),
    publicKeyAlgorithm,
    publicKey,
    extensions: [],
    selfIssued: namesMatch(issuer, subject),
    // Every optional field exists from the start (undefined until decoded), in one order: all parsed
    // certificates share one object shape, so the validation code reading them stays monomorphic.
    rsaModulusBits: undefined,
    issuerUniqueId: undefined,
    subjectUniqueId: undefined,
    basicConstraints: undefined,
    keyUsage: undefined,
    extKeyUsage: undefined,
    subjectKeyIdentifier: undefined,
    authorityKeyIdentifier: undefined,
    subjectAltName: undefined,
    issuerAltName: undefined,
    certificatePolicies: undefined,
    policyMappings: undefined,
    policyConstraints: undefined,
    inhibitAnyPolicy: undefined,
    nameConstraints: undefined,
    crlDistributionPoints: undefined,
    freshestCrl: undefined,
    authorityInfoAccess: undefined,
    duplicateExtensions: undefined,
  };
  if (publicKeyAlgorithm.oid === ALG_OID.rsaEncryption) {
    const bits = rsaBits(publicKey);
    if (bits !== undefined) cert.rsaModulusBits = bits;
  }
  for (const t of tbsParts.slice(i + 6)) {
    if (t.tag === 0x81) cert.issuerUniqueId = contentsOf(der, t);
    else if (t.tag === 0x82) cert.subjectUniqueId = contentsOf(der, t);
    else if (t.tag === 0xa3) {
      if (version !== 3) throw coreError('DER_MALFORMED', 'Extensions require a v3 certificate.');
      const [seq, more] = children(der, t);
      if (!seq || more) throw coreError('DER_MALFORMED', 'Bad extensions wrapper.');
      const duplicates: string[] = [];
      cert.extensions = parseExtensionListAt(der, seq, duplicates);
      if (duplicates.length) cert.duplicateExtensions = duplicates;
    } else throw coreError('DER_MALFORMED', `Unexpected TBSCertificate field tag 0x${t.tag.toString(16)}.`);
  }
  for (const ext of cert.extensions) {
    const decode = DECODERS[ext.oid];
    if (!decode) continue;
    try {
      decode(ext.value, cert);
    } catch (cause) {
      throw coreError('CERT_MALFORMED', `The certificate's ${ext.oid} extension is malformed.`, {
        cause,
        details: { extension: ext.oid },
      });
    }
  }
  return cert;
}

// Module-level on purpose: a memo of a pure function, found by content (a numeric key from the length
// and the signature's last octets, a hit confirmed byte for byte against the certificate's private
// copy), bounded, holding parsed certificates that nothing mutates. It cannot answer for other bytes,
// so it needs no context; it is never keyed by the identity of the caller's buffer, which the caller
// may overwrite.
const byContent = new Map<number, Certificate>();
const CACHE_LIMIT = 1024;

/** A 32-bit key from the length and the last 32 octets (the end of the signature value). */
const contentKey = (der: Uint8Array): number => {
  let h = Math.imul(der.length, 0x9e3779b1);
  for (let i = Math.max(0, der.length - 32); i < der.length; i++) h = Math.imul(h ^ der[i]!, 0x01000193);
  return h ^ (h >>> 15);
};

/**
 * Parses a DER X.509 certificate. Throws `CERT_MALFORMED` (with the DER error as cause) for anything
 * that is not a well-formed certificate, `CERT_TIME_MALFORMED` for a validity time outside the RFC
 * 5280 §4.1.2.5 form. The result is frozen in spirit: do not mutate it (it is cached).
 */
export function parseCertificate(der: Uint8Array): Certificate {
  const key = contentKey(der);
  const cached = byContent.get(key);
  if (cached && sameContent(cached.der, der)) return cached;
  let cert: Certificate;
  try {
    // Keep a private copy so a caller reusing its buffer cannot change a cached certificate.
    cert = parseUncached(new Uint8Array(der)); // a copy even for a Node Buffer (whose slice() is a view)
  } catch (cause) {
    if (isShomeiError(cause) && (cause.code === 'CERT_MALFORMED' || cause.code === 'CERT_TIME_MALFORMED'))
      throw cause;
    throw coreError('CERT_MALFORMED', undefined, { cause });
  }
  if (byContent.size >= CACHE_LIMIT) byContent.delete(byContent.keys().next().value as number);
  byContent.set(key, cert);
  return cert;
}

/** Finds an extension by OID. */
export const findExtension = (cert: Certificate, oid: string): Extension | undefined =>
  cert.extensions.find((e) => e.oid === oid);

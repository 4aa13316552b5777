/**
 * The JPKI-shaped certificate profile the authority issues (spec/jpki-card.md §11): CA certificates
 * like the J-LIS ones, the signing certificate with the holder's facts as SAN otherNames, the
 * authentication certificate without personal data, and the time-stamping unit's certificate.
 * Where §11 marks a field [U] (end-entity DN, key usage, CRL DP/AIA), the choice is ours and says so.
 */
import type { KeyObject } from 'node:crypto';
import {
  JPKI_CERTIFICATE_PROFILE,
  JPKI_SAN_OID,
  type JpkiSanField,
  KEY_USAGE_BITS,
  type KeyUsageName,
} from '@shomei/core';
import { encodeOid, encodeTlv } from '@shomei/core/der';
import {
  encodeExtension,
  encodeName,
  encodeNamedBits,
  encodeSerial,
  encodeTime,
  keyIdentifier,
  type NameAttribute,
  type SigningQuirks,
  signatureAlgorithmOf,
  signStructure,
  utf8,
} from './x509-encode.js';

export const EXT = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

const AIA_OCSP = '1.3.6.1.5.5.7.48.1';
const AIA_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';
const EKU_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

export interface CertificateFields {
  serial: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  publicKey: Uint8Array;
  extensions: readonly Uint8Array[];
}

/**
 * Deliberate departures from the profile, for test fixtures a verifier must refuse or tolerate
 * (`@shomei/simulator/testing`); the authority itself never sets them.
 */
export interface CertificateQuirks extends SigningQuirks {
  /** Version 1: no version field and no extensions (RFC 5280 §4.1.2.1). */
  readonly version?: 1 | 3;
  /** The serialNumber INTEGER as encoded, instead of `fields.serial`. */
  readonly serial?: Uint8Array;
  /** The TBS `signature` AlgorithmIdentifier instead of the key's own. */
  readonly tbsAlgorithm?: Uint8Array;
  /** The Validity SEQUENCE as encoded (a malformed time, say). */
  readonly validity?: Uint8Array;
}

/** TBSCertificate (RFC 5280 §4.1), version 3, signed with the issuer's key (RSA or EC, SHA-256). */
export function buildCertificate(
  fields: CertificateFields,
  issuerKey: KeyObject | CryptoKey,
  quirks: CertificateQuirks = {},
): Uint8Array {
  const v3 = (quirks.version ?? 3) === 3;
  const tbs = encodeTlv(
    0x30,
    v3 ? encodeTlv(0xa0, Uint8Array.of(0x02, 0x01, 0x02)) : new Uint8Array(0),
    quirks.serial ?? encodeSerial(fields.serial),
    quirks.tbsAlgorithm ?? signatureAlgorithmOf(issuerKey),
    fields.issuer,
    quirks.validity ?? encodeTlv(0x30, encodeTime(fields.notBefore), encodeTime(fields.notAfter)),
    fields.subject,
    fields.publicKey,
    v3 && fields.extensions.length > 0
      ? encodeTlv(0xa3, encodeTlv(0x30, ...fields.extensions))
      : new Uint8Array(0),
  );
  return signStructure(tbs, issuerKey, quirks);
}

const JLIS = 'Japan Agency for Local Authority Information Systems';

/**
 * spec §11 [C]: `C=JP, O=JPKI, OU=JPKI for …, OU=Japan Agency for Local Authority Information Systems`.
 * The first OU also carries the start of the CA's key identifier, so two test authorities (or two
 * runs of one test) never have CAs of the same name: a certificate is never checked against the
 * wrong CA by name, and a wrong trust anchor is reported as "no trusted issuer".
 */
export function caName(
  purpose: 'sign' | 'auth',
  label: string | undefined,
  publicKey: Uint8Array,
): NameAttribute[] {
  const ou = JPKI_CERTIFICATE_PROFILE[purpose].caUnit;
  const tag = Array.from(keyIdentifier(publicKey).subarray(0, 4), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return [
    ['country', 'JP'],
    ['organization', 'JPKI'],
    ['organizationalUnit', `${ou} (${label ? `${label} ` : ''}key ${tag})`],
    ['organizationalUnit', JLIS],
  ];
}

/** The optional common root (not part of the J-LIS hierarchy, which has two self-signed CAs). */
export function rootName(label?: string): NameAttribute[] {
  return [
    ['country', 'JP'],
    ['organization', 'JPKI'],
    ['organizationalUnit', label ? `shomei simulator root (${label})` : 'shomei simulator root'],
  ];
}

/** End-entity subject DN is [U] in spec §11: the CA's country and organisation and a serial CN. */
export function holderName(serialHex: string): NameAttribute[] {
  return [
    ['country', 'JP'],
    ['organization', 'JPKI'],
    ['commonName', serialHex.toUpperCase()],
  ];
}

/** KeyUsage BIT STRING (RFC 5280 §4.2.1.3) of named bits 0 (digitalSignature) … 8 (decipherOnly). */
export function keyUsage(names: readonly KeyUsageName[]): Uint8Array {
  return encodeNamedBits(names.map((n) => KEY_USAGE_BITS.indexOf(n)));
}

function akiExtension(issuerKeyId: Uint8Array): Uint8Array {
  return encodeExtension(EXT.authorityKeyIdentifier, false, encodeTlv(0x30, encodeTlv(0x80, issuerKeyId)));
}

/** DistributionPoint with a fullName URI (RFC 5280 §4.2.1.13). */
export function crlDistributionPointsUri(url: string): Uint8Array {
  return encodeTlv(0x30, encodeTlv(0x30, encodeTlv(0xa0, encodeTlv(0xa0, encodeTlv(0x86, utf8(url))))));
}

/** DistributionPoint with a fullName directoryName, as the J-LIS CA certificates carry (spec §11 [C]). */
function crlDistributionPointsDirName(name: Uint8Array): Uint8Array {
  return encodeTlv(0x30, encodeTlv(0x30, encodeTlv(0xa0, encodeTlv(0xa0, encodeTlv(0xa4, name)))));
}

export interface CaCertificateOptions {
  serial: Uint8Array;
  subject: NameAttribute[];
  publicKey: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** Absent: self-signed. */
  issuer?: { name: NameAttribute[]; key: KeyObject; publicKey: Uint8Array; crlUrl: string };
  key: KeyObject;
}

/**
 * spec §11 [C]: keyUsage critical keyCertSign + cRLSign; basicConstraints critical CA:TRUE;
 * SAN = directoryName `C=JP, O=公的個人認証サービス`; CRL DP = directoryName equal to the CA's DN; SKI.
 * Under the optional root, the CRL DP is the root CRL's URL instead (so a verifier can check it).
 */
export function buildCaCertificate(o: CaCertificateOptions): Uint8Array {
  const subject = encodeName(o.subject);
  const ski = keyIdentifier(o.publicKey);
  const extensions = [
    encodeExtension(EXT.keyUsage, true, keyUsage(JPKI_CERTIFICATE_PROFILE.ca.keyUsage)),
    encodeExtension(EXT.basicConstraints, true, encodeTlv(0x30, Uint8Array.of(0x01, 0x01, 0xff))),
    encodeExtension(
      EXT.subjectAltName,
      false,
      encodeTlv(
        0x30,
        encodeTlv(
          0xa4,
          encodeName([
            ['country', 'JP'],
            ['organization', '公的個人認証サービス'],
          ]),
        ),
      ),
    ),
    encodeExtension(
      EXT.crlDistributionPoints,
      false,
      o.issuer ? crlDistributionPointsUri(o.issuer.crlUrl) : crlDistributionPointsDirName(subject),
    ),
    encodeExtension(EXT.subjectKeyIdentifier, false, encodeTlv(0x04, ski)),
  ];
  if (o.issuer) extensions.push(akiExtension(keyIdentifier(o.issuer.publicKey)));
  return buildCertificate(
    {
      serial: o.serial,
      issuer: o.issuer ? encodeName(o.issuer.name) : subject,
      subject,
      notBefore: o.notBefore,
      notAfter: o.notAfter,
      publicKey: o.publicKey,
      extensions,
    },
    o.issuer ? o.issuer.key : o.key,
  );
}

/** The holder's facts as the signing certificate carries them (spec §11). */
export interface HolderFacts {
  name: string;
  nameSubstitute?: string;
  address: string;
  addressSubstitute?: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  sex: 'male' | 'female' | 'unspecified';
}

/** Japanese era digit of a date (reported profile: `EYYYYMMDD`, spec §11 [U]): 1 Meiji … 5 Reiwa. */
export function eraDigit(isoDate: string): number {
  const d = isoDate.replaceAll('-', '');
  if (d >= '20190501') return 5;
  if (d >= '19890108') return 4;
  if (d >= '19261225') return 3;
  if (d >= '19120730') return 2;
  return 1;
}

/**
 * GeneralNames of otherName `[0] { type-id, [0] EXPLICIT UTF8String }` (spec §11 [C] structure; the
 * UTF8String and the sex/date encodings are third-party reports [U]). Sex follows ISO/IEC 5218
 * (1 male, 2 female, 9 not applicable).
 */
export function holderSubjectAltName(h: HolderFacts): Uint8Array {
  const facts: [JpkiSanField, string | undefined][] = [
    ['name', h.name],
    ['nameSubstitute', h.nameSubstitute],
    ['sex', h.sex === 'male' ? '1' : h.sex === 'female' ? '2' : '9'],
    ['birthDate', `${eraDigit(h.birthDate)}${h.birthDate.replaceAll('-', '')}`],
    ['address', h.address],
    ['addressSubstitute', h.addressSubstitute],
  ];
  return encodeTlv(
    0x30,
    ...facts
      .filter((f): f is [JpkiSanField, string] => f[1] !== undefined)
      .map(([field, value]) =>
        encodeTlv(0xa0, encodeOid(JPKI_SAN_OID[field]), encodeTlv(0xa0, encodeTlv(0x0c, utf8(value)))),
      ),
  );
}

export interface EndEntityOptions {
  kind: 'sign' | 'auth';
  serial: Uint8Array;
  publicKey: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  policy: string;
  holder?: HolderFacts;
  ca: { name: NameAttribute[]; key: KeyObject; publicKey: Uint8Array };
  crlUrl: string;
  ocspUrl: string;
  caIssuersUrl: string;
}

/**
 * Signing certificate: keyUsage digitalSignature + nonRepudiation, the holder's SAN; authentication
 * certificate: digitalSignature only, no personal data (spec §11; the bits themselves are [U]).
 * Both carry the CA's CRL DP and an AIA with the OCSP responder, so a verifier can check either.
 */
export function buildEndEntityCertificate(o: EndEntityOptions): Uint8Array {
  const extensions = [
    encodeExtension(EXT.keyUsage, true, keyUsage(JPKI_CERTIFICATE_PROFILE[o.kind].keyUsage)),
    encodeExtension(EXT.certificatePolicies, false, encodeTlv(0x30, encodeTlv(0x30, encodeOid(o.policy)))),
    encodeExtension(EXT.crlDistributionPoints, false, crlDistributionPointsUri(o.crlUrl)),
    encodeExtension(
      EXT.authorityInfoAccess,
      false,
      encodeTlv(
        0x30,
        encodeTlv(0x30, encodeOid(AIA_OCSP), encodeTlv(0x86, utf8(o.ocspUrl))),
        encodeTlv(0x30, encodeOid(AIA_CA_ISSUERS), encodeTlv(0x86, utf8(o.caIssuersUrl))),
      ),
    ),
    akiExtension(keyIdentifier(o.ca.publicKey)),
    encodeExtension(EXT.subjectKeyIdentifier, false, encodeTlv(0x04, keyIdentifier(o.publicKey))),
  ];
  if (JPKI_CERTIFICATE_PROFILE[o.kind].holderFacts.length > 0 && o.holder) {
    extensions.push(encodeExtension(EXT.subjectAltName, false, holderSubjectAltName(o.holder)));
  }
  const serialHex = Buffer.from(o.serial).toString('hex');
  return buildCertificate(
    {
      serial: o.serial,
      issuer: encodeName(o.ca.name),
      subject: encodeName(holderName(serialHex)),
      notBefore: o.notBefore,
      notAfter: o.notAfter,
      publicKey: o.publicKey,
      extensions,
    },
    o.ca.key,
  );
}

/** RFC 3161 §2.3: the TSA certificate has exactly one EKU, id-kp-timeStamping, marked critical. */
export function buildTsaCertificate(o: {
  serial: Uint8Array;
  publicKey: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  ca: { name: NameAttribute[]; key: KeyObject; publicKey: Uint8Array };
  crlUrl: string;
  ocspUrl: string;
}): Uint8Array {
  return buildCertificate(
    {
      serial: o.serial,
      issuer: encodeName(o.ca.name),
      subject: encodeName([
        ['country', 'JP'],
        ['organization', 'JPKI'],
        ['commonName', 'shomei simulator time-stamping unit'],
      ]),
      notBefore: o.notBefore,
      notAfter: o.notAfter,
      publicKey: o.publicKey,
      extensions: [
        encodeExtension(EXT.keyUsage, true, keyUsage(['digitalSignature', 'nonRepudiation'])),
        encodeExtension(EXT.extKeyUsage, true, encodeTlv(0x30, encodeOid(EKU_TIME_STAMPING))),
        encodeExtension(EXT.crlDistributionPoints, false, crlDistributionPointsUri(o.crlUrl)),
        encodeExtension(
          EXT.authorityInfoAccess,
          false,
          encodeTlv(0x30, encodeTlv(0x30, encodeOid(AIA_OCSP), encodeTlv(0x86, utf8(o.ocspUrl)))),
        ),
        akiExtension(keyIdentifier(o.ca.publicKey)),
        encodeExtension(EXT.subjectKeyIdentifier, false, encodeTlv(0x04, keyIdentifier(o.publicKey))),
      ],
    },
    o.ca.key,
  );
}

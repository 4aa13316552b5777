/**
 * A SignedData kept as the encodings of its parts, so that unsigned data can be added without
 * touching what is signed (RFC 5652 §5): certificates, RevocationInfoChoices and unsigned attributes
 * are added; every other element is written back byte for byte. The output is DER where shomei
 * writes the structure (lengths, SET OF order per X.690 §11.6); the parts themselves are kept as
 * they came, which is what the signature, the timestamps and the ATSHashIndexV3 refer to.
 */

import { CMS_OID } from '../cms/oids.js';
import { octetString, signerInfo as parsedSignerInfo, type SignedData } from '../cms/signed-data.js';
import { compareBytes } from '../der/bytes.js';
import {
  children,
  contentsOf,
  encodingOf,
  expectTag,
  type ReadOptions,
  readOid,
  readRoot,
  readSmallInteger,
  Tag,
  type Tlv,
} from '../der/reader.js';
import { encodeOid, encodeSmallInteger, encodeTlv } from '../der/writer.js';
import { coreError, isShomeiError } from '../errors.js';

const BER: ReadOptions = { ber: true };

export interface RawAttribute {
  readonly oid: string;
  /** The OID element of attrType (tag, length, value). */
  readonly type: Uint8Array;
  /** Each AttributeValue's encoding. */
  readonly values: readonly Uint8Array[];
}

export interface RawSignerInfo {
  /** version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature: encodings in order. */
  readonly signedFields: readonly Uint8Array[];
  /** The signature value (contents of the signature OCTET STRING). */
  readonly signature: Uint8Array;
  readonly unsigned: RawAttribute[];
}

export interface RawSignedData {
  readonly version: Uint8Array;
  readonly digestAlgorithms: Uint8Array;
  /** The eContentType OID element. */
  readonly eContentType: Uint8Array;
  readonly eContentTypeOid: string;
  /** The encapsulated content octets; absent for a detached signature. */
  readonly content?: Uint8Array;
  readonly certificates: Uint8Array[];
  /** RevocationInfoChoice encodings: a CertificateList, or [1] OtherRevocationInfoFormat. */
  readonly crls: Uint8Array[];
  readonly signerInfos: RawSignerInfo[];
}

const malformed = (detail: string, cause?: unknown) =>
  coreError('CMS_MALFORMED', `Malformed CMS SignedData: ${detail}.`, cause ? { cause } : undefined);

function attributes(bytes: Uint8Array, set: Tlv): RawAttribute[] {
  return children(bytes, set, BER).map((a) => {
    const [type, values] = children(bytes, expectTag(a, Tag.SEQUENCE, 'Attribute'), BER);
    if (!type || !values) throw malformed('Attribute without values');
    return {
      oid: readOid(bytes, type),
      type: encodingOf(bytes, type),
      values: children(bytes, expectTag(values, Tag.SET, 'AttributeValues'), BER).map((v) =>
        encodingOf(bytes, v),
      ),
    };
  });
}

function signerInfo(bytes: Uint8Array, tlv: Tlv): RawSignerInfo {
  const f = children(bytes, expectTag(tlv, Tag.SEQUENCE, 'SignerInfo'), BER);
  const last = f[f.length - 1];
  const hasUnsigned = last?.tag === 0xa1;
  const signed = hasUnsigned ? f.slice(0, -1) : f;
  const sig = signed[signed.length - 1];
  if (signed.length < 5 || !sig || sig.tag !== Tag.OCTET_STRING) throw malformed('SignerInfo is truncated');
  if (signed.some((t) => t.indefinite)) {
    throw coreError(
      'CMS_UNSUPPORTED',
      'A SignerInfo field uses a BER indefinite length; it cannot be extended.',
    );
  }
  return {
    signedFields: signed.map((t) => encodingOf(bytes, t)),
    signature: contentsOf(bytes, sig),
    unsigned: hasUnsigned ? attributes(bytes, last!) : [],
  };
}

/** Reads a ContentInfo holding SignedData into its parts. Errors: CMS_MALFORMED, CMS_NOT_SIGNED_DATA. */
export function readRawSignedData(der: Uint8Array): RawSignedData {
  return walk(der, false).raw;
}

/**
 * The SignedData both as its parts (readRawSignedData) and parsed for verification (the
 * parseSignedData view: only SEQUENCE certificates and CRLs), from one walk of the encoding.
 */
export function readSignedDataViews(der: Uint8Array): { raw: RawSignedData; sd: SignedData } {
  const { raw, sd } = walk(der, true);
  return { raw, sd: sd! };
}

function walk(der: Uint8Array, parsed: boolean): { raw: RawSignedData; sd?: SignedData } {
  try {
    const root = expectTag(readRoot(der, BER), Tag.SEQUENCE, 'ContentInfo');
    const [typeTlv, explicit] = children(der, root, BER);
    if (!typeTlv || readOid(der, typeTlv) !== CMS_OID.signedData) {
      throw coreError('CMS_NOT_SIGNED_DATA', 'The CMS content is not SignedData.');
    }
    if (explicit?.tag !== 0xa0) throw malformed('ContentInfo has no content');
    const [sdTlv] = children(der, explicit, BER);
    if (!sdTlv) throw malformed('ContentInfo content is empty');
    const f = children(der, expectTag(sdTlv, Tag.SEQUENCE, 'SignedData'), BER);
    const [version, digestAlgs, encap] = f;
    if (!version || !digestAlgs || !encap) throw malformed('SignedData is truncated');
    const [eType, eContent] = children(der, expectTag(encap, Tag.SEQUENCE, 'EncapsulatedContentInfo'), BER);
    if (!eType) throw malformed('EncapsulatedContentInfo has no type');
    let content: Uint8Array | undefined;
    if (eContent) {
      const inner = children(der, expectTag(eContent, 0xa0, 'eContent'), BER);
      if (inner.length !== 1) throw malformed('eContent must hold one OCTET STRING');
      content = octetString(der, inner[0]!);
    }
    const certificates: Uint8Array[] = [];
    const crls: Uint8Array[] = [];
    let p = 3;
    if (f[p]?.tag === 0xa0) {
      for (const c of children(der, f[p]!, BER)) certificates.push(encodingOf(der, c));
      p++;
    }
    if (f[p]?.tag === 0xa1) {
      for (const c of children(der, f[p]!, BER)) crls.push(encodingOf(der, c));
      p++;
    }
    const sis = f[p];
    if (!sis || f.length !== p + 1) throw malformed('signerInfos missing or followed by extra data');
    const signerTlvs = children(der, expectTag(sis, Tag.SET, 'signerInfos'), BER);
    const raw: RawSignedData = {
      version: encodingOf(der, version),
      digestAlgorithms: encodingOf(der, expectTag(digestAlgs, Tag.SET, 'digestAlgorithms')),
      eContentType: encodingOf(der, eType),
      eContentTypeOid: readOid(der, eType),
      ...(content ? { content } : {}),
      certificates,
      crls,
      signerInfos: signerTlvs.map((s) => signerInfo(der, s)),
    };
    if (!parsed) return { raw };
    // CertificateChoices and RevocationInfoChoices: only plain (SEQUENCE) ones, as parseSignedData.
    const sd: SignedData = {
      version: readSmallInteger(der, version),
      contentType: raw.eContentTypeOid,
      ...(content ? { content } : {}),
      certificates: certificates.filter((c) => c[0] === Tag.SEQUENCE),
      crls: crls.filter((c) => c[0] === Tag.SEQUENCE),
      signerInfos: signerTlvs.map((s) => parsedSignerInfo(der, s)),
    };
    return { raw, sd };
  } catch (cause) {
    if (isShomeiError(cause) && cause.code.startsWith('CMS_')) throw cause;
    throw malformed(isShomeiError(cause) ? cause.message.replace(/\.$/, '') : 'unreadable', cause);
  }
}

/** X.690 §11.6: the elements of a SET OF in ascending order of their encodings. */
const sortedSet = (items: readonly Uint8Array[]): Uint8Array[] => [...items].sort(compareBytes);

export function encodeAttribute(a: RawAttribute): Uint8Array {
  return encodeTlv(Tag.SEQUENCE, a.type, encodeTlv(Tag.SET, ...sortedSet(a.values)));
}

function encodeSignerInfo(si: RawSignerInfo): Uint8Array {
  const unsigned = si.unsigned.length
    ? [encodeTlv(0xa1, ...sortedSet(si.unsigned.map(encodeAttribute)))]
    : [];
  return encodeTlv(Tag.SEQUENCE, ...si.signedFields, ...unsigned);
}

/** Writes the parts back as a DER ContentInfo. */
export function writeRawSignedData(sd: RawSignedData): Uint8Array {
  const encap = encodeTlv(
    Tag.SEQUENCE,
    sd.eContentType,
    ...(sd.content ? [encodeTlv(0xa0, encodeTlv(Tag.OCTET_STRING, sd.content))] : []),
  );
  // RFC 5652 §5.1: an "other" RevocationInfoChoice (e.g. an OCSP response) requires version 5.
  const version = sd.crls.some((c) => c[0] === 0xa1) ? encodeSmallInteger(5) : sd.version;
  const body = encodeTlv(
    Tag.SEQUENCE,
    version,
    sd.digestAlgorithms,
    encap,
    ...(sd.certificates.length ? [encodeTlv(0xa0, ...sortedSet(sd.certificates))] : []),
    ...(sd.crls.length ? [encodeTlv(0xa1, ...sortedSet(sd.crls))] : []),
    encodeTlv(Tag.SET, ...sortedSet(sd.signerInfos.map(encodeSignerInfo))),
  );
  return encodeTlv(Tag.SEQUENCE, encodeOid(CMS_OID.signedData), encodeTlv(0xa0, body));
}

/** An unsigned attribute with one value. */
export function attribute(oid: string, value: Uint8Array): RawAttribute {
  return { oid, type: encodeOid(oid), values: [value] };
}

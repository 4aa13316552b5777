/**
 * SignedData parser on core's DER reader (RFC 5652 §5), for the verify hot path (design.md §5 keeps
 * pkijs off it). BER is accepted where senders commonly stream (indefinite lengths, a constructed
 * eContent OCTET STRING, X.690 §8.7.3); signed attributes must be DER, as §5.4 requires for the bytes
 * the signature covers (a signer whose attributes are not is marked, and verifyCms refuses it).
 */

import {
  children,
  contentsOf,
  encodingOf,
  expectTag,
  type ReadOptions,
  readChild,
  readIntegerBytes,
  readOid,
  readRoot,
  readSmallInteger,
  readTlv,
  Tag,
  type Tlv,
} from '../der/reader.js';
import { coreError, isShomeiError } from '../errors.js';
import { CMS_OID } from './oids.js';

const BER: ReadOptions = { ber: true };

// OIDs repeat in every SignedData (algorithms, attribute types): decode each encoding once, found by
// an FNV-1a hash of its contents octets and confirmed byte for byte against a private copy. Module-
// level on purpose: a bounded memo of a pure function (OID bytes → dotted text) that cannot be stale.
const oidMemo = new Map<number, { bytes: Uint8Array; dotted: string }>();
function oid(bytes: Uint8Array, tlv: Tlv): string {
  if (tlv.tag !== Tag.OID) return readOid(bytes, tlv);
  const end = tlv.valueOffset + tlv.length;
  let h = 0x811c9dc5 ^ tlv.length;
  for (let i = tlv.valueOffset; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  const hit = oidMemo.get(h);
  if (hit && hit.bytes.length === tlv.length) {
    let same = true;
    for (let i = 0; i < tlv.length; i++) {
      if (hit.bytes[i] !== bytes[tlv.valueOffset + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit.dotted;
  }
  const dotted = readOid(bytes, tlv);
  if (oidMemo.size < 1024) oidMemo.set(h, { bytes: bytes.slice(tlv.valueOffset, end), dotted });
  return dotted;
}

export interface AlgorithmId {
  readonly oid: string;
  /** DER of the parameters, when present. */
  readonly params?: Uint8Array;
}

export interface Attribute {
  readonly oid: string;
  /** DER of each value in the SET. */
  readonly values: readonly Uint8Array[];
}

export type SignerIdentifier =
  | { readonly type: 'issuerAndSerialNumber'; readonly issuer: Uint8Array; readonly serial: Uint8Array }
  | { readonly type: 'subjectKeyIdentifier'; readonly keyId: Uint8Array };

export interface SignerInfo {
  readonly version: number;
  readonly sid: SignerIdentifier;
  readonly digestAlgorithm: AlgorithmId;
  /** The signed attributes re-tagged as SET (0x31): the bytes the signature covers (§5.4). */
  readonly signedAttrsDer?: Uint8Array;
  readonly signedAttrs?: readonly Attribute[];
  /** Why the signed attributes are not DER (RFC 5652 §5.4), when they are not: such a signer is refused. */
  readonly signedAttrsNotDer?: string;
  readonly signatureAlgorithm: AlgorithmId;
  readonly signature: Uint8Array;
  readonly unsignedAttrs: readonly Attribute[];
}

export interface SignedData {
  readonly version: number;
  readonly contentType: string;
  /** The encapsulated content; absent for a detached signature. */
  readonly content?: Uint8Array;
  /** DER certificates (other CertificateChoices are skipped). */
  readonly certificates: readonly Uint8Array[];
  /** DER CRLs carried in the SignedData. */
  readonly crls: readonly Uint8Array[];
  readonly signerInfos: readonly SignerInfo[];
}

const malformed = (detail: string, cause?: unknown) =>
  coreError('CMS_MALFORMED', `Malformed CMS SignedData: ${detail}.`, cause ? { cause } : undefined);

function algorithm(bytes: Uint8Array, tlv: Tlv): AlgorithmId {
  const [oidTlv, params] = children(bytes, expectTag(tlv, Tag.SEQUENCE, 'AlgorithmIdentifier'), BER);
  if (!oidTlv) throw malformed('empty AlgorithmIdentifier');
  return { oid: oid(bytes, oidTlv), ...(params ? { params: encodingOf(bytes, params) } : {}) };
}

function attributes(bytes: Uint8Array, set: Tlv): Attribute[] {
  return children(bytes, set, BER).map((a) => {
    const [type, values] = children(bytes, expectTag(a, Tag.SEQUENCE, 'Attribute'), BER);
    if (!type || !values) throw malformed('Attribute without values');
    return {
      oid: oid(bytes, type),
      values: children(bytes, expectTag(values, Tag.SET, 'AttributeValues'), BER).map((v) =>
        encodingOf(bytes, v),
      ),
    };
  });
}

/**
 * OCTET STRING contents, joining the segments of a BER constructed encoding (X.690 §8.7.3). Two
 * linear walks with an explicit stack — one to size, one to copy — so a stream cut into hundreds of
 * thousands of segments costs one allocation and no argument spreading, and nesting is bounded.
 */
export function octetString(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  if (tlv.tag === Tag.OCTET_STRING) return contentsOf(bytes, tlv);
  if (tlv.tag !== 0x24) throw malformed('eContent is not an OCTET STRING');
  const walk = (visit: (from: number, length: number) => void): void => {
    // Each frame: the next child offset, the end of its parent's contents, and the parent.
    const stack: [number, number, Tlv][] = [[tlv.valueOffset, tlv.valueOffset + tlv.length, tlv]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top[0] >= top[1]) {
        stack.pop();
        continue;
      }
      const child = readChild(bytes, top[2], top[0], BER);
      top[0] = child.end;
      if (child.tag === Tag.OCTET_STRING) visit(child.valueOffset, child.length);
      else if (child.tag === 0x24 && stack.length < 8)
        stack.push([child.valueOffset, child.valueOffset + child.length, child]);
      else throw malformed('a segment of the constructed eContent is not an OCTET STRING');
    }
  };
  let total = 0;
  walk((_, length) => {
    total += length;
  });
  const out = new Uint8Array(total);
  let at = 0;
  walk((from, length) => {
    out.set(bytes.subarray(from, from + length), at);
    at += length;
  });
  return out;
}

const STRING_TAGS = new Set([0x03, 0x04, 0x0c, 0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a, 0x1b, 0x1c, 0x1e]);

/**
 * Why `tlv` (the signed attributes) is not DER, or undefined when it is. RFC 5652 §5.4: the signature
 * covers the DER encoding of the SET OF attributes, so a definite minimal length everywhere, primitive
 * strings only, BOOLEAN as 00/FF and SET OF elements in ascending order of their encodings
 * (X.690 §10–11). OpenSSL re-encodes before verifying; shomei refuses instead, with its own code.
 */
/** X.690 §11.6 order of two encodings in `bytes` (shorter first on a common prefix), without copies. */
function compareEncodings(bytes: Uint8Array, a: Tlv, b: Tlv): number {
  const la = a.end - a.offset;
  const lb = b.end - b.offset;
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) {
    const d = bytes[a.offset + i]! - bytes[b.offset + i]!;
    if (d !== 0) return d;
  }
  return la - lb;
}

function derProblem(bytes: Uint8Array, tlv: Tlv, depth = 0): string | undefined {
  if (depth > 32) return 'nesting is too deep';
  if (tlv.indefinite) return 'an indefinite length';
  if (depth === 0) {
    // The outer header was read leniently (BER); read it again as DER.
    try {
      readTlv(bytes, tlv.offset, tlv.end);
    } catch {
      return 'a length that is not minimally encoded';
    }
  }
  const end = tlv.valueOffset + tlv.length;
  if (tlv.tagClass === 0 && tlv.constructed && STRING_TAGS.has(tlv.tagNumber)) return 'a constructed string';
  if (
    tlv.tag === Tag.BOOLEAN &&
    tlv.length === 1 &&
    bytes[tlv.valueOffset] !== 0 &&
    bytes[tlv.valueOffset] !== 0xff
  )
    return 'a BOOLEAN that is neither 00 nor FF';
  if (!tlv.constructed) return undefined;
  let p = tlv.valueOffset;
  let previous: Tlv | undefined;
  // The signed attributes themselves (tag [0] IMPLICIT SET OF) and every SET OF inside are sorted.
  const sorted = tlv.tag === Tag.SET || depth === 0;
  while (p < end) {
    let child: Tlv;
    try {
      child = readTlv(bytes, p, end);
    } catch (e) {
      return isShomeiError(e)
        ? e.message.replace(/^Malformed DER at offset \d+: /, '').replace(/\.$/, '')
        : 'unreadable';
    }
    const problem = derProblem(bytes, child, depth + 1);
    if (problem) return problem;
    if (sorted && previous && compareEncodings(bytes, previous, child) > 0)
      return 'a SET OF whose elements are not sorted';
    previous = child;
    p = child.end;
  }
  return undefined;
}

/** Field `i` of a SignerInfo, which must be present. */
function fieldAt(f: readonly Tlv[], i: number): Tlv {
  const t = f[i];
  if (!t) throw malformed('SignerInfo is truncated');
  return t;
}

/** One SignerInfo at `tlv` in `bytes` (RFC 5652 §5.3); views into `bytes`. */
export function signerInfo(bytes: Uint8Array, tlv: Tlv): SignerInfo {
  const f = children(bytes, expectTag(tlv, Tag.SEQUENCE, 'SignerInfo'), BER);
  let i = 0;
  const version = readSmallInteger(bytes, fieldAt(f, i++));
  const sidTlv = fieldAt(f, i++);
  let sid: SignerIdentifier;
  if (sidTlv.tag === Tag.SEQUENCE) {
    const [issuer, serial] = children(bytes, sidTlv, BER);
    if (!issuer || !serial) throw malformed('IssuerAndSerialNumber is truncated');
    sid = {
      type: 'issuerAndSerialNumber',
      issuer: encodingOf(bytes, expectTag(issuer, Tag.SEQUENCE, 'issuer Name')),
      serial: readIntegerBytes(bytes, serial),
    };
  } else if (sidTlv.tag === 0x80) {
    sid = { type: 'subjectKeyIdentifier', keyId: contentsOf(bytes, sidTlv) };
  } else {
    throw malformed('unknown SignerIdentifier');
  }
  const digestAlgorithm = algorithm(bytes, fieldAt(f, i++));
  let signedAttrsDer: Uint8Array | undefined;
  let signedAttrs: Attribute[] | undefined;
  let notDer: string | undefined;
  let t = fieldAt(f, i++);
  if (t.tag === 0xa0) {
    notDer = derProblem(bytes, t);
    signedAttrs = attributes(bytes, t);
    // §5.4: the signature covers the DER of the SET OF, i.e. the [0] IMPLICIT tag replaced by SET.
    signedAttrsDer = encodingOf(bytes, t).slice();
    signedAttrsDer[0] = Tag.SET;
    t = fieldAt(f, i++);
  }
  const signatureAlgorithm = algorithm(bytes, t);
  const sigTlv = expectTag(fieldAt(f, i++), Tag.OCTET_STRING, 'signature');
  const unsigned = f[i]?.tag === 0xa1 ? attributes(bytes, f[i]!) : [];
  return {
    version,
    sid,
    digestAlgorithm,
    ...(signedAttrs ? { signedAttrs, signedAttrsDer } : {}),
    ...(notDer ? { signedAttrsNotDer: notDer } : {}),
    signatureAlgorithm,
    signature: contentsOf(bytes, sigTlv),
    unsignedAttrs: unsigned,
  };
}

/**
 * Parses a ContentInfo holding SignedData. Errors: CMS_MALFORMED, CMS_NOT_SIGNED_DATA, CMS_UNSUPPORTED,
 * and CMS_TOO_MANY_SIGNERS beyond `maxSigners`.
 */
export function parseSignedData(der: Uint8Array, options: { maxSigners?: number } = {}): SignedData {
  try {
    const root = expectTag(readRoot(der, BER), Tag.SEQUENCE, 'ContentInfo');
    const [typeTlv, explicit] = children(der, root, BER);
    if (!typeTlv) throw malformed('empty ContentInfo');
    const contentType = oid(der, typeTlv);
    if (contentType !== CMS_OID.signedData) {
      throw coreError(
        'CMS_NOT_SIGNED_DATA',
        `The CMS content type is ${contentType}, not SignedData (${CMS_OID.signedData}).`,
        { details: { contentType } },
      );
    }
    if (explicit?.tag !== 0xa0) throw malformed('ContentInfo has no content');
    const [sdTlv] = children(der, explicit, BER);
    if (!sdTlv) throw malformed('ContentInfo content is empty');
    const f = children(der, expectTag(sdTlv, Tag.SEQUENCE, 'SignedData'), BER);
    const [versionTlv, digestAlgs, encap] = f;
    if (!versionTlv || !digestAlgs || !encap) throw malformed('SignedData is truncated');
    const version = readSmallInteger(der, versionTlv);
    expectTag(digestAlgs, Tag.SET, 'digestAlgorithms');
    const [eType, eContent] = children(der, expectTag(encap, Tag.SEQUENCE, 'EncapsulatedContentInfo'), BER);
    if (!eType) throw malformed('EncapsulatedContentInfo has no type');
    let content: Uint8Array | undefined;
    if (eContent) {
      if (eContent.tag !== 0xa0) throw malformed('eContent must be [0] EXPLICIT');
      const inner = children(der, eContent, BER);
      if (inner.length !== 1) throw malformed('eContent must hold one OCTET STRING');
      content = octetString(der, inner[0]!);
    }
    const certificates: Uint8Array[] = [];
    const crls: Uint8Array[] = [];
    let p = 3;
    if (f[p]?.tag === 0xa0) {
      // CertificateChoices: only plain certificates (SEQUENCE) are used; others are skipped.
      for (const c of children(der, f[p]!, BER))
        if (c.tag === Tag.SEQUENCE) certificates.push(encodingOf(der, c));
      p++;
    }
    if (f[p]?.tag === 0xa1) {
      for (const c of children(der, f[p]!, BER)) if (c.tag === Tag.SEQUENCE) crls.push(encodingOf(der, c));
      p++;
    }
    const sis = f[p];
    if (!sis || f.length !== p + 1) throw malformed('signerInfos missing or followed by extra data');
    const signerTlvs = children(der, expectTag(sis, Tag.SET, 'signerInfos'), BER);
    // Each SignerInfo costs a signature and a path validation: refuse before decoding any of them.
    if (options.maxSigners !== undefined && signerTlvs.length > options.maxSigners) {
      throw coreError(
        'CMS_TOO_MANY_SIGNERS',
        `The SignedData has ${signerTlvs.length} SignerInfos; at most ${options.maxSigners} are verified (maxSigners).`,
        { details: { signers: signerTlvs.length, maxSigners: options.maxSigners } },
      );
    }
    const signerInfos = signerTlvs.map((s) => signerInfo(der, s));
    return {
      version,
      contentType: oid(der, eType),
      ...(content ? { content } : {}),
      certificates,
      crls,
      signerInfos,
    };
  } catch (cause) {
    if (isShomeiError(cause) && cause.code.startsWith('CMS_')) throw cause;
    throw malformed(isShomeiError(cause) ? cause.message.replace(/\.$/, '') : 'unreadable', cause);
  }
}

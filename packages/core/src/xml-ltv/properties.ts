/**
 * The XAdES unsigned signature properties of the long-term levels (ETSI EN 319 132-1 v1.1.1), read
 * and written as text:
 * - §5.3 SignatureTimeStamp and §5.5.2 xades141:ArchiveTimeStamp (XAdESTimeStampType: an optional
 *   ds:CanonicalizationMethod, then xades:EncapsulatedTimeStamp with a DER RFC 3161 token);
 * - §5.4.1 CertificateValues (EncapsulatedX509Certificate), §5.4.2 RevocationValues (CRLValues/
 *   EncapsulatedCRLValue, OCSPValues/EncapsulatedOCSPValue holding a DER OCSPResponse), and §5.5.3
 *   xades141:TimeStampValidationData, which carries the same two children for material added after
 *   an archive timestamp (changing the earlier CertificateValues would break that timestamp);
 * - §5.5.2.2 the archive timestamp's input: the output of each ds:Reference in order, then the
 *   canonical SignedInfo, SignatureValue and KeyInfo, then each unsigned signature property that
 *   precedes the archive timestamp, in order, then every ds:Object other than the one holding the
 *   QualifyingProperties — each element canonicalized with the archive timestamp's method;
 * - the older xades:ArchiveTimeStamp of ETSI TS 101 903 v1.3.2 (namespace of the 1.3.2 properties),
 *   still written by other producers: its input (§7.7.1) is the same but for the last step, which
 *   takes only the ds:Objects that no ds:Reference of SignedInfo references (TS 101 903 v1.4.1 moved
 *   the property to the 1.4.1 namespace when it made every other ds:Object part of the input).
 * A XAdESTimeStampType may hold several time-stamps (`EncapsulatedTimeStamp` or `XMLTimeStamp`, in
 * any number, EN 319 132-1 §4.4.3.2); an XMLTimeStamp has no standard format, so it is reported as
 * not supported rather than validated.
 */
import { fromBase64, toBase64 } from '../der/bytes.js';
import { children, readRoot, Tag } from '../der/reader.js';
import { concatBytes } from '../der/writer.js';
import { addCertificate, certificateOf, type EvidenceMaterial, wrapBasicOcsp } from '../ltv/material.js';
import { C14N, C14N_BY_URI, DSIG_NS, XADES_NS } from '../xml/algorithms.js';
import { canonicalize } from '../xml/c14n.js';
import {
  attributeValue,
  childElements,
  inScopeNamespaces,
  textContent,
  type XmlElement,
} from '../xml/dom.js';
import { type DereferenceContext, decodeFragment, referenceContent } from '../xml/references.js';
import type { ParsedSignature } from '../xml/signature.js';

export const XADES141_NS = 'http://uri.etsi.org/01903/v1.4.1#';

/** The unsigned properties of one XAdES signature as found in the document. */
export interface XadesUnsigned {
  readonly qualifying: XmlElement;
  readonly unsignedProperties?: XmlElement;
  readonly usp?: XmlElement;
  /** The children of UnsignedSignatureProperties, in order. */
  readonly properties: readonly XmlElement[];
}

export function unsignedOf(qualifying: XmlElement): XadesUnsigned {
  const up = childElements(qualifying, XADES_NS, 'UnsignedProperties')[0];
  const usp = up ? childElements(up, XADES_NS, 'UnsignedSignatureProperties')[0] : undefined;
  return {
    qualifying,
    ...(up ? { unsignedProperties: up } : {}),
    ...(usp ? { usp } : {}),
    properties: usp ? childElements(usp) : [],
  };
}

export const isProperty = (el: XmlElement, ns: string, name: string): boolean =>
  el.namespaceURI === ns && el.localName === name;

/** Which archive timestamp rule applies: EN 319 132-1 §5.5.2 (1.4.1) or TS 101 903 v1.3.2 §7.7.1. */
export type ArchiveVersion = '1.3.2' | '1.4.1';

/** What a timestamp property proves: the signature value, or (archive) everything before it. */
export type TimestampRole =
  | { readonly kind: 'signature-timestamp' }
  | { readonly kind: 'archive-timestamp'; readonly version: ArchiveVersion };

/** The role of an unsigned signature property that is a proof of existence, else undefined. */
export function timestampRole(el: XmlElement): TimestampRole | undefined {
  if (isProperty(el, XADES_NS, 'SignatureTimeStamp')) return { kind: 'signature-timestamp' };
  if (isProperty(el, XADES141_NS, 'ArchiveTimeStamp')) return { kind: 'archive-timestamp', version: '1.4.1' };
  if (isProperty(el, XADES_NS, 'ArchiveTimeStamp')) return { kind: 'archive-timestamp', version: '1.3.2' };
  return undefined;
}

/** One time-stamp inside a XAdESTimeStampType: an RFC 3161 token (undefined when unreadable), or XML. */
export type XmlTimestampEntry =
  | { readonly type: 'encapsulated'; readonly token: Uint8Array | undefined }
  | { readonly type: 'xml' };

/** A timestamp property: its canonicalization (C14N 1.0 when absent) and its time-stamps. */
export interface XmlTimestampProperty {
  readonly element: XmlElement;
  readonly c14n: { readonly method: 'c14n' | 'c14n11' | 'exc-c14n'; readonly comments: boolean } | undefined;
  /** Every EncapsulatedTimeStamp and XMLTimeStamp, in document order (empty when there is none). */
  readonly entries: readonly XmlTimestampEntry[];
  /** The first EncapsulatedTimeStamp's token; undefined when there is none or it is not base64. */
  readonly token: Uint8Array | undefined;
  /**
   * xades:Include children: the explicit (distributed) form, whose covered data are named by URI
   * rather than implied by the property's position (TS 101 903 §7.1.4.3); shomei does not rebuild it.
   */
  readonly explicit: boolean;
}

export function timestampProperty(el: XmlElement): XmlTimestampProperty {
  const cm = childElements(el, DSIG_NS, 'CanonicalizationMethod')[0];
  const c14n = cm ? C14N_BY_URI[attributeValue(cm, 'Algorithm') ?? ''] : C14N_BY_URI[C14N.c14n];
  const entries: XmlTimestampEntry[] = [];
  for (const c of childElements(el)) {
    if (c.namespaceURI !== XADES_NS) continue;
    if (c.localName === 'EncapsulatedTimeStamp') entries.push({ type: 'encapsulated', token: decoded(c) });
    else if (c.localName === 'XMLTimeStamp') entries.push({ type: 'xml' });
  }
  const first = entries.find((e) => e.type === 'encapsulated');
  return {
    element: el,
    c14n,
    entries,
    token: first?.type === 'encapsulated' ? first.token : undefined,
    explicit: childElements(el, XADES_NS, 'Include').length > 0,
  };
}

/** An EncapsulatedOCSPValue is an OCSPResponse; some writers store the BasicOCSPResponse instead. */
function ocspResponse(der: Uint8Array): Uint8Array | undefined {
  try {
    const first = children(der, readRoot(der))[0];
    return first?.tag === Tag.ENUMERATED ? der : wrapBasicOcsp(der);
  } catch {
    return undefined;
  }
}

/** base64 text decoded, or undefined when it is not base64 (it then gives no evidence). */
function base64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/=\s]*$/.test(text)) return undefined;
  try {
    return fromBase64(text);
  } catch {
    return undefined;
  }
}

const decoded = (el: XmlElement): Uint8Array | undefined => base64(textContent(el));

/** Adds what one CertificateValues or RevocationValues element holds (unreadable entries give nothing). */
function addValues(m: EvidenceMaterial, el: XmlElement): void {
  if (isProperty(el, XADES_NS, 'CertificateValues')) {
    for (const c of childElements(el, XADES_NS, 'EncapsulatedX509Certificate')) {
      const der = decoded(c);
      if (der) addCertificate(m, certificateOf(der));
    }
  } else if (isProperty(el, XADES_NS, 'RevocationValues')) {
    for (const list of childElements(el, XADES_NS, 'CRLValues'))
      for (const c of childElements(list, XADES_NS, 'EncapsulatedCRLValue')) {
        const der = decoded(c);
        if (der) m.crls.push(der);
      }
    for (const list of childElements(el, XADES_NS, 'OCSPValues'))
      for (const c of childElements(list, XADES_NS, 'EncapsulatedOCSPValue')) {
        const der = decoded(c);
        const r = der && ocspResponse(der);
        if (r) m.ocsp.push(r);
      }
  }
}

/** KeyInfo certificates and every CertificateValues/RevocationValues, also inside TimeStampValidationData. */
export function addXadesMaterial(m: EvidenceMaterial, sig: ParsedSignature, u: XadesUnsigned): void {
  for (const b64 of sig.certificates) {
    const der = base64(b64);
    if (der) addCertificate(m, certificateOf(der));
  }
  for (const p of u.properties) {
    if (isProperty(p, XADES141_NS, 'TimeStampValidationData'))
      for (const c of childElements(p)) addValues(m, c);
    else addValues(m, p);
  }
}

/** The ds:KeyInfo of the signature, if any. */
const keyInfoOf = (sig: ParsedSignature): XmlElement | undefined =>
  childElements(sig.element, DSIG_NS, 'KeyInfo')[0];

/** The ds:Objects that a same-document ds:Reference of SignedInfo names by ID (`#id`). */
function referencedObjects(sig: ParsedSignature, ctx: DereferenceContext): Set<XmlElement> {
  const out = new Set<XmlElement>();
  for (const ref of sig.references) {
    const uri = ref.uri ?? '';
    if (!uri.startsWith('#') || uri.startsWith('#xpointer(')) continue;
    const el = ctx.ids.get(decodeFragment(uri.slice(1)));
    if (el && sig.objects.includes(el)) out.add(el);
  }
  return out;
}

/**
 * The archive timestamp's input (EN 319 132-1 §5.5.2.2, see the module comment): `before` is the
 * ArchiveTimeStamp being validated (the properties before it are covered), or undefined to cover
 * every current property (creating a new one). `version` 1.3.2 is the rule of TS 101 903 v1.3.2
 * §7.7.1 step 5: a ds:Object referenced from SignedInfo is left out (its content already entered
 * through that reference's output).
 */
export async function archiveInput(
  sig: ParsedSignature,
  u: XadesUnsigned,
  before: XmlElement | undefined,
  c14n: { readonly method: 'c14n' | 'c14n11' | 'exc-c14n'; readonly comments: boolean },
  ctx: DereferenceContext,
  version: ArchiveVersion = '1.4.1',
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const ref of sig.references) parts.push((await referenceContent(ref, ctx)).bytes);
  const opts = { method: c14n.method, comments: c14n.comments };
  parts.push(canonicalize(sig.signedInfo, opts), canonicalize(sig.signatureValueElement, opts));
  const keyInfo = keyInfoOf(sig);
  if (keyInfo) parts.push(canonicalize(keyInfo, opts));
  for (const p of u.properties) {
    if (p === before) break;
    parts.push(canonicalize(p, opts));
  }
  const skipped = version === '1.3.2' ? referencedObjects(sig, ctx) : new Set<XmlElement>();
  for (const o of sig.objects)
    if (o !== u.qualifying.parent && !skipped.has(o)) parts.push(canonicalize(o, opts));
  return concatBytes(...parts);
}

/**
 * Qualified-name writers for text inserted at `el`: a prefix already bound to the namespace there,
 * else a declaration on the written element (the XAdES 1.4.1 namespace is usually not declared yet).
 */
export function namer(el: XmlElement): (ns: string, local: string, fallback: string) => string {
  const scope = inScopeNamespaces(el);
  return (ns, local, fallback) => {
    for (const [p, uri] of scope) if (uri === ns) return p ? `${p}:${local}` : local;
    return `${fallback}:${local} xmlns:${fallback}="${ns}"`;
  };
}

/** Closing tag for a name written by `namer` (drops a declaration). */
export const closing = (qname: string): string => `</${qname.split(' ')[0]}>`;

/** CertificateValues and RevocationValues for the given material (either omitted when empty). */
export function valuesXml(
  name: (local: string) => string,
  certs: readonly Uint8Array[],
  crls: readonly Uint8Array[],
  ocsp: readonly Uint8Array[],
): string {
  const el = (local: string, inner: string) => `<${name(local)}>${inner}${closing(name(local))}`;
  let out = '';
  if (certs.length)
    out += el('CertificateValues', certs.map((c) => el('EncapsulatedX509Certificate', toBase64(c))).join(''));
  if (crls.length || ocsp.length) {
    const crlXml = crls.length
      ? el('CRLValues', crls.map((c) => el('EncapsulatedCRLValue', toBase64(c))).join(''))
      : '';
    const ocspXml = ocsp.length
      ? el('OCSPValues', ocsp.map((c) => el('EncapsulatedOCSPValue', toBase64(c))).join(''))
      : '';
    out += el('RevocationValues', crlXml + ocspXml);
  }
  return out;
}

/**
 * Reads a ds:Signature element into its parts (XML Signature 1.1 §4: SignedInfo, SignatureValue,
 * KeyInfo, Object), strictly: the children must be the ones the schema allows in its order, every
 * algorithm must be one shomei implements, XPath/XSLT transforms are refused, and the number of
 * references and transforms is bounded.
 */
import { fromBase64 } from '../der/bytes.js';
import { coreError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import {
  C14N_BY_URI,
  DIGEST_BY_URI,
  DSIG_NS,
  ENVELOPED_SIGNATURE,
  FORBIDDEN_TRANSFORMS,
  SIGNATURE_BY_URI,
  type XmlKeyType,
} from './algorithms.js';
import type { C14nMethod } from './c14n.js';
import { attributeValue, textContent, type XmlElement } from './dom.js';

export interface XmlSignatureLimits {
  /** Most ds:Reference elements in one SignedInfo. Default 1000. */
  readonly maxReferences?: number;
  /** Most ds:Transform elements in one Reference. Default 4. */
  readonly maxTransforms?: number;
}

export interface C14nSpec {
  readonly uri: string;
  readonly method: C14nMethod;
  readonly comments: boolean;
  readonly inclusivePrefixes?: readonly string[];
}

export type XmlTransform =
  | { readonly kind: 'enveloped'; readonly uri: string }
  | ({ readonly kind: 'c14n' } & C14nSpec);

export interface ParsedReference {
  readonly element: XmlElement;
  /** The URI attribute as written; undefined when absent. */
  readonly uri: string | undefined;
  readonly type?: string;
  readonly transforms: readonly XmlTransform[];
  readonly digestUri: string;
  readonly digest: HashAlgorithmName;
  readonly digestValue: Uint8Array;
}

export interface ParsedSignature {
  readonly element: XmlElement;
  readonly id?: string;
  readonly signedInfo: XmlElement;
  readonly canonicalization: C14nSpec;
  readonly signatureMethodUri: string;
  readonly keyType: XmlKeyType;
  readonly hash: HashAlgorithmName;
  readonly references: readonly ParsedReference[];
  readonly signatureValueElement: XmlElement;
  readonly signatureValue: Uint8Array;
  /** KeyInfo/X509Data/X509Certificate contents (base64 text as written), in document order. */
  readonly certificates: readonly string[];
  readonly objects: readonly XmlElement[];
}

const malformed = (detail: string) =>
  coreError('XML_SIGNATURE_MALFORMED', `The signature is malformed: ${detail}.`);

/** The element children of `el`; text other than whitespace is refused where the schema has none. */
function elementChildren(el: XmlElement, mixed = false): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.type === 'element') out.push(c);
    else if (c.type === 'text' && !mixed && c.value.trim() !== '')
      throw malformed(`text inside ${el.localName}`);
  }
  return out;
}

function isDsig(el: XmlElement | undefined, localName: string): boolean {
  return el !== undefined && el.namespaceURI === DSIG_NS && el.localName === localName;
}

function requireAttr(el: XmlElement, name: string): string {
  const v = attributeValue(el, name);
  if (v === undefined) throw malformed(`${el.localName} has no ${name} attribute`);
  return v;
}

function base64(el: XmlElement): Uint8Array {
  const text = textContent(el);
  if (!/^[A-Za-z0-9+/=\s]*$/.test(text)) throw malformed(`${el.localName} is not base64`);
  return fromBase64(text);
}

export function readC14n(el: XmlElement): C14nSpec {
  const uri = requireAttr(el, 'Algorithm');
  const known = C14N_BY_URI[uri];
  if (!known) {
    throw coreError('XML_ALGORITHM_UNSUPPORTED', `The canonicalization method ${uri} is not supported.`);
  }
  const inc = elementChildren(el).find((c) => c.localName === 'InclusiveNamespaces');
  if (inc && known.method === 'exc-c14n') {
    const list = (attributeValue(inc, 'PrefixList') ?? '').split(/[ \t\r\n]+/).filter(Boolean);
    return { uri, ...known, inclusivePrefixes: list };
  }
  return { uri, ...known };
}

function readTransform(el: XmlElement): XmlTransform {
  if (!isDsig(el, 'Transform')) throw malformed(`unexpected ${el.name} in Transforms`);
  const uri = requireAttr(el, 'Algorithm');
  if (uri === ENVELOPED_SIGNATURE) return { kind: 'enveloped', uri };
  if (C14N_BY_URI[uri]) return { kind: 'c14n', ...readC14n(el) };
  if (FORBIDDEN_TRANSFORMS.has(uri)) {
    throw coreError(
      'XML_TRANSFORM_FORBIDDEN',
      `A reference uses the transform ${uri}: XPath and XSLT transforms are refused in signed documents.`,
    );
  }
  throw coreError('XML_TRANSFORM_FORBIDDEN', `A reference uses the unsupported transform ${uri}.`);
}

function readReference(el: XmlElement, limits: XmlSignatureLimits): ParsedReference {
  const kids = elementChildren(el);
  let i = 0;
  let transforms: XmlTransform[] = [];
  if (isDsig(kids[i], 'Transforms')) {
    const list = elementChildren(kids[i]!);
    const max = limits.maxTransforms ?? 4;
    if (list.length > max) {
      throw coreError(
        'XML_LIMIT_EXCEEDED',
        `A reference has ${list.length} transforms; at most ${max} are accepted.`,
      );
    }
    if (list.length === 0) throw malformed('an empty Transforms element');
    transforms = list.map(readTransform);
    i++;
  }
  const dm = kids[i++];
  const dv = kids[i++];
  if (!isDsig(dm, 'DigestMethod') || !isDsig(dv, 'DigestValue') || kids.length !== i) {
    throw malformed('a Reference must hold [Transforms], DigestMethod, DigestValue');
  }
  const digestUri = requireAttr(dm!, 'Algorithm');
  const digest = DIGEST_BY_URI[digestUri];
  if (!digest)
    throw coreError('XML_ALGORITHM_UNSUPPORTED', `The digest method ${digestUri} is not supported.`);
  const uri = attributeValue(el, 'URI');
  const type = attributeValue(el, 'Type');
  return {
    element: el,
    uri,
    ...(type !== undefined ? { type } : {}),
    transforms,
    digestUri,
    digest,
    digestValue: base64(dv!),
  };
}

/** Parses a ds:Signature element. Throws XML_SIGNATURE_MALFORMED / XML_ALGORITHM_UNSUPPORTED / … */
export function readSignature(el: XmlElement, limits: XmlSignatureLimits = {}): ParsedSignature {
  if (!isDsig(el, 'Signature')) throw malformed(`${el.name} is not a ds:Signature`);
  const kids = elementChildren(el);
  const [si, sv] = kids;
  if (!isDsig(si, 'SignedInfo')) throw malformed('the first child of Signature must be SignedInfo');
  if (!isDsig(sv, 'SignatureValue')) throw malformed('SignedInfo must be followed by SignatureValue');
  let k = 2;
  let keyInfo: XmlElement | undefined;
  if (isDsig(kids[k], 'KeyInfo')) keyInfo = kids[k++];
  const objects = kids.slice(k);
  for (const o of objects) if (!isDsig(o, 'Object')) throw malformed(`unexpected ${o.name} in Signature`);

  const sk = elementChildren(si!);
  const cm = sk[0];
  const sm = sk[1];
  if (!isDsig(cm, 'CanonicalizationMethod') || !isDsig(sm, 'SignatureMethod')) {
    throw malformed('SignedInfo must start with CanonicalizationMethod and SignatureMethod');
  }
  const canonicalization = readC14n(cm!);
  const signatureMethodUri = requireAttr(sm!, 'Algorithm');
  const method = SIGNATURE_BY_URI[signatureMethodUri];
  if (!method) {
    throw coreError(
      'XML_ALGORITHM_UNSUPPORTED',
      `The signature method ${signatureMethodUri} is not supported.`,
    );
  }
  if (elementChildren(sm!).length)
    throw malformed('SignatureMethod has unexpected content (HMACOutputLength?)');
  const refs = sk.slice(2);
  const max = limits.maxReferences ?? 1000;
  if (refs.length > max) {
    throw coreError(
      'XML_LIMIT_EXCEEDED',
      `SignedInfo has ${refs.length} references; at most ${max} are accepted.`,
    );
  }
  if (refs.length === 0) throw malformed('SignedInfo has no Reference');
  for (const r of refs) if (!isDsig(r, 'Reference')) throw malformed(`unexpected ${r.name} in SignedInfo`);

  const certificates: string[] = [];
  if (keyInfo) {
    for (const data of elementChildren(keyInfo, true)) {
      if (!isDsig(data, 'X509Data')) continue;
      for (const c of elementChildren(data, true)) {
        if (!isDsig(c, 'X509Certificate')) continue;
        // Decoded (and checked) by the verifier once per distinct text, which it caches.
        certificates.push(textContent(c));
      }
    }
  }
  const id = attributeValue(el, 'Id');
  return {
    element: el,
    ...(id !== undefined ? { id } : {}),
    signedInfo: si!,
    canonicalization,
    signatureMethodUri,
    keyType: method.key,
    hash: method.hash,
    references: refs.map((r) => readReference(r, limits)),
    signatureValueElement: sv!,
    signatureValue: base64(sv!),
    certificates,
    objects,
  };
}

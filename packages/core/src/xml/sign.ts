/**
 * `signXml`: XML Signature 1.1 enveloped, enveloping and detached signatures, optionally XAdES-BES /
 * XAdES-T, signed by any `Signer` (a card key through the card adapter, a WebCrypto key, PKCS#8).
 *
 * The Signature is written as text into the original document (nothing else is re-serialised), and
 * every digest and the SignatureValue are computed on the parsed result, exactly as a verifier will
 * see it: the template is inserted, the document parsed, digests filled in, parsed again, SignedInfo
 * canonicalized and signed.
 */
import { digestInfo } from '../cms/digest-info.js';
import type { TimestampSource } from '../cms/sign.js';
import { toBase64 } from '../der/bytes.js';
import { coreError, throwIfAborted } from '../errors.js';
import type { HashAlgorithmName, Signer } from '../signer.js';
import {
  C14N,
  C14N_BY_URI,
  type CanonicalizationUri,
  DIGEST_URI,
  DSIG_NS,
  ENVELOPED_SIGNATURE,
  signatureMethodUri,
  XADES_NS,
  XADES_SIGNED_PROPERTIES_TYPE,
} from './algorithms.js';
import { canonicalize } from './c14n.js';
import { xmlDigest } from './digest.js';
import type { XmlDocument, XmlElement } from './dom.js';
import { parseXml, type XmlParseOptions } from './parse.js';
import { DEFAULT_ID_ATTRIBUTES, indexIds, referenceContent } from './references.js';
import { readSignature } from './signature.js';
import { findSignatures } from './verify.js';
import { xadesObject, xadesUnsignedProperties } from './xades.js';

export interface XmlReferenceInput {
  /** `#id` (an element of the document), `""` (the whole document) or an external name. */
  readonly uri: string;
  /** The bytes of an external reference, digested as they are. */
  readonly bytes?: Uint8Array;
  /** Canonicalization transform for a same-document reference. Default: the SignedInfo method. */
  readonly canonicalization?: CanonicalizationUri;
  /** Add the enveloped-signature transform (the Signature lies inside the referenced node). */
  readonly enveloped?: boolean;
  readonly type?: string;
}

export interface SignXmlOptions {
  /**
   * `enveloped` (default): the Signature goes inside the document and signs it (URI "" with the
   * enveloped-signature transform). `detached`: it signs `references` and is placed in the document
   * (or stands alone without one). `enveloping`: the document goes into a ds:Object of the Signature.
   */
  mode?: 'enveloped' | 'detached' | 'enveloping';
  /** References to sign (detached: required; enveloped: added after the document reference). */
  references?: readonly XmlReferenceInput[];
  /** The element the Signature is appended to. Default: the root element. */
  location?: (document: XmlDocument) => XmlElement;
  /** CanonicalizationMethod of SignedInfo and default transform. Default inclusive C14N 1.0. */
  canonicalization?: CanonicalizationUri;
  /** Digest and signature hash. Default SHA-256 (or the signer's fixed hash). */
  hash?: HashAlgorithmName;
  /** Id of the ds:Signature. Default `Signature-` and a random suffix. */
  id?: string;
  /** Namespace prefix for XML Signature elements: '' (default namespace) or e.g. 'ds'. */
  prefix?: string;
  /** KeyInfo certificates. Default: the signer's certificate and its chain. */
  certificates?: readonly Uint8Array[];
  /** XAdES-BES signed properties (and XAdES-T with `timestamp`). */
  xades?: { signingTime?: Date; timestamp?: TimestampSource };
  /** Attributes that carry IDs for `#id` references. Default `Id`, `ID`, `id`. */
  idAttributes?: readonly string[];
  /** Parser limits for the document (depth, elements, attributes). */
  limits?: XmlParseOptions;
  signal?: AbortSignal;
}

const SIGNING_HASHES: readonly HashAlgorithmName[] = ['SHA-256', 'SHA-384', 'SHA-512'];

function chooseHash(signer: Signer, requested: HashAlgorithmName | undefined): HashAlgorithmName {
  const fixed = signer.algorithm.input === 'data' ? signer.algorithm.hash : undefined;
  const hash = requested ?? fixed ?? 'SHA-256';
  if (!SIGNING_HASHES.includes(hash))
    throw coreError('INPUT_INVALID', `signXml signs with SHA-256, SHA-384 or SHA-512, not ${hash}.`);
  if (fixed && fixed !== hash)
    throw coreError('INPUT_INVALID', `This signer hashes with ${fixed}; it cannot make a ${hash} signature.`);
  return hash;
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** base64 in lines of 76 characters (as e-Gov writes SignatureValue). */
export function base64Lines(bytes: Uint8Array): string {
  const b = toBase64(bytes);
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 76) lines.push(b.slice(i, i + 76));
  return lines.join('\n');
}

function randomId(): string {
  const r = new Uint8Array(8);
  globalThis.crypto.getRandomValues(r);
  return `Signature-${Array.from(r, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function splice(text: string, at: number, remove: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at + remove);
}

/** Signs an XML document (or, for a detached signature, references) and returns the UTF-8 result. */
export async function signXml(
  document: Uint8Array | string | undefined,
  signer: Signer,
  options: SignXmlOptions = {},
): Promise<Uint8Array> {
  const mode = options.mode ?? 'enveloped';
  const hash = chooseHash(signer, options.hash);
  const signal = options.signal;
  const c14nUri = options.canonicalization ?? C14N.c14n;
  if (!C14N_BY_URI[c14nUri])
    throw coreError('XML_ALGORITHM_UNSUPPORTED', `The canonicalization method ${c14nUri} is not supported.`);
  const prefix = options.prefix ?? (mode === 'enveloping' ? 'ds' : '');
  const q = (name: string) => (prefix ? `${prefix}:${name}` : name);
  const id = options.id ?? randomId();
  const keyType = signer.algorithm.name === 'ECDSA' ? 'EC' : 'RSA';

  const refs: XmlReferenceInput[] = [];
  if (mode === 'enveloped') refs.push({ uri: '', enveloped: true });
  if (mode === 'enveloping') refs.push({ uri: '#object-1' });
  refs.push(...(options.references ?? []));
  if (mode === 'detached' && !options.references?.length) {
    throw coreError('INPUT_INVALID', 'A detached signature needs options.references.');
  }
  if ((mode === 'enveloped' || mode === 'enveloping') && document === undefined) {
    throw coreError('INPUT_INVALID', `An ${mode} signature needs the document to sign.`);
  }

  // Where the Signature goes.
  const limits = options.limits ?? {};
  const source = document === undefined ? undefined : parseXml(document, limits);
  let text: string;
  let at: number;
  let objectXml = '';
  if (!source || mode === 'enveloping') {
    text = '';
    at = 0;
    if (source)
      objectXml = `<${q('Object')} Id="object-1">${source.text.slice(source.root.start, source.root.end)}</${q('Object')}>`;
  } else {
    const parent = options.location ? options.location(source) : source.root;
    text = source.text;
    if (parent.contentEnd === parent.end) {
      // An empty-element tag `<a/>` becomes `<a>…</a>`.
      const slash = text.lastIndexOf('/', parent.end);
      text = splice(text, slash, parent.end - slash, `></${parent.name}>`);
      at = slash + 1;
    } else at = parent.contentEnd;
  }

  const certificates = options.certificates ?? [signer.certificate, ...(signer.chain ?? [])];
  const refXml = refs
    .map((r) => {
      const transforms: string[] = [];
      const external = r.uri !== '' && !r.uri.startsWith('#');
      if (r.enveloped) transforms.push(ENVELOPED_SIGNATURE);
      if (!external) transforms.push(r.canonicalization ?? c14nUri);
      return (
        `<${q('Reference')} URI="${escapeAttr(r.uri)}"${r.type ? ` Type="${escapeAttr(r.type)}"` : ''}>` +
        (transforms.length
          ? `<${q('Transforms')}>${transforms.map((t) => `<${q('Transform')} Algorithm="${t}"/>`).join('')}</${q('Transforms')}>`
          : '') +
        `<${q('DigestMethod')} Algorithm="${DIGEST_URI[hash]}"/><${q('DigestValue')}></${q('DigestValue')}></${q('Reference')}>\n`
      );
    })
    .join('');
  let xadesXml = '';
  let xadesRef = '';
  if (options.xades) {
    const spId = `${id}-SignedProperties`;
    xadesXml = await xadesObject({
      prefix,
      signatureId: id,
      signedPropertiesId: spId,
      signingTime: options.xades.signingTime ?? new Date(),
      certificate: signer.certificate,
      hash,
    });
    xadesRef =
      `<${q('Reference')} URI="#${spId}" Type="${XADES_SIGNED_PROPERTIES_TYPE}"><${q('Transforms')}><${q('Transform')} Algorithm="${c14nUri}"/></${q('Transforms')}>` +
      `<${q('DigestMethod')} Algorithm="${DIGEST_URI[hash]}"/><${q('DigestValue')}></${q('DigestValue')}></${q('Reference')}>\n`;
  }
  const template =
    `<${q('Signature')} xmlns${prefix ? `:${prefix}` : ''}="${DSIG_NS}" Id="${escapeAttr(id)}">\n` +
    `<${q('SignedInfo')}>\n<${q('CanonicalizationMethod')} Algorithm="${c14nUri}"/>\n` +
    `<${q('SignatureMethod')} Algorithm="${signatureMethodUri(keyType, hash)}"/>\n${refXml}${xadesRef}</${q('SignedInfo')}>\n` +
    `<${q('SignatureValue')}></${q('SignatureValue')}>\n` +
    `<${q('KeyInfo')}><${q('X509Data')}>${certificates.map((c) => `\n<${q('X509Certificate')}>${base64Lines(c)}</${q('X509Certificate')}>`).join('')}\n</${q('X509Data')}></${q('KeyInfo')}>` +
    `${objectXml}${xadesXml}</${q('Signature')}>`;
  text = splice(text, at, 0, template);

  // Digests, computed on the document as the verifier will parse it.
  const external = new Map(refs.filter((r) => r.bytes).map((r) => [r.uri, r.bytes!]));
  let doc = parseXml(text, limits);
  let sigEl = ours(doc, id);
  const parsed = readSignature(sigEl, { maxReferences: Number.MAX_SAFE_INTEGER });
  const ids = indexIds(doc, options.idAttributes ?? DEFAULT_ID_ATTRIBUTES);
  const fills: { at: number; value: string }[] = [];
  for (const ref of parsed.references) {
    throwIfAborted(signal);
    const content = await referenceContent(ref, {
      document: doc,
      signature: sigEl,
      ids,
      resolveExternal: (uri) => external.get(uri),
    });
    const dv = ref.element.children.filter((c): c is XmlElement => c.type === 'element').at(-1)!;
    fills.push({ at: dv.contentStart, value: toBase64(await xmlDigest(ref.digest, content.bytes)) });
  }
  for (const f of fills.reverse()) text = splice(text, f.at, 0, f.value);

  // SignatureValue over the canonical SignedInfo (§3.1.2).
  doc = parseXml(text, limits);
  sigEl = ours(doc, id);
  const sig = readSignature(sigEl, { maxReferences: Number.MAX_SAFE_INTEGER });
  const c = sig.canonicalization;
  const signedInfo = canonicalize(sig.signedInfo, { method: c.method, comments: c.comments });
  let value: Uint8Array;
  try {
    const input =
      signer.algorithm.input === 'digest-info'
        ? digestInfo(hash, await xmlDigest(hash, signedInfo))
        : signedInfo;
    value = await signer.sign(input, { hash, ...(signal ? { signal } : {}) });
  } catch (cause) {
    if ((cause as { code?: string }).code) throw cause;
    throw coreError('SIGNER_FAILED', undefined, { cause });
  }
  if (!(value instanceof Uint8Array) || value.length === 0) throw coreError('SIGNER_FAILED');
  text = splice(text, sig.signatureValueElement.contentStart, 0, `\n${base64Lines(value)}\n`);

  if (options.xades?.timestamp) {
    // XAdES-T (EN 319 132-1 §5.3): an RFC 3161 token over the canonical SignatureValue element.
    doc = parseXml(text, limits);
    sigEl = ours(doc, id);
    const sv = readSignature(sigEl, { maxReferences: Number.MAX_SAFE_INTEGER }).signatureValueElement;
    const token = await options.xades.timestamp(
      canonicalize(sv, { method: 'c14n' }),
      signal ? { signal } : {},
    );
    const qp = doc.elements.find(
      (e) =>
        e.namespaceURI === XADES_NS &&
        e.localName === 'QualifyingProperties' &&
        e.start > sigEl.start &&
        e.end <= sigEl.end,
    )!;
    text = splice(text, qp.contentEnd, 0, xadesUnsignedProperties(prefix, token));
  }
  return new TextEncoder().encode(text);
}

function ours(doc: XmlDocument, id: string): XmlElement {
  const el = findSignatures(doc).find((s) => s.attributes.some((a) => a.name === 'Id' && a.value === id));
  if (!el) throw coreError('XML_SIGNATURE_NOT_FOUND', 'The signature just written cannot be found again.');
  return el;
}

/**
 * Augments a XAdES signature without re-signing (ETSI EN 319 132-2 baseline levels), writing text
 * into the unsigned signature properties only, so the signed bytes and every XMLDSig check stay as
 * they were:
 * - B-T: a SignatureTimeStamp over the canonical ds:SignatureValue (EN 319 132-1 §5.3);
 * - B-LT: CertificateValues and RevocationValues (§5.4.1, §5.4.2) with every certificate of the
 *   signer's and each TSA's path and revocation data issued after the time each must prove, gathered
 *   by ltv's gatherPath (OCSP before CRLs);
 * - B-LTA: a xades141:ArchiveTimeStamp (§5.5.2) over the references, SignedInfo, SignatureValue,
 *   KeyInfo and the properties before it, then a xades141:TimeStampValidationData (§5.5.3) with the
 *   validation data of that timestamp's own TSA, so the newest timestamp validates offline too.
 *   Augmenting a B-LTA again adds the data still missing in a TimeStampValidationData (the earlier
 *   CertificateValues are covered by the archive timestamp and stay untouched) and a new archive
 *   timestamp over everything: do so before the last TSA certificate expires.
 */
import type { TimestampSource } from '../cms/sign.js';
import { bytesEqual, toBase64, toHex } from '../der/bytes.js';
import { coreError, throwIfAborted } from '../errors.js';
import type { AugmentLevel, AugmentResult } from '../ltv/augment-cms.js';
import { type EvidenceSink, gatherPath } from '../ltv/gather.js';
import { addSupplied, addTokenMaterial, certificateFor, emptyMaterial } from '../ltv/material.js';
import type { RevocationSource } from '../ltv/sources.js';
import { anchorsOf, coversData, readToken } from '../ltv/token.js';
import type { CertificateInput } from '../path/types.js';
import type { ShomeiContext } from '../x509/context.js';
import { C14N, DSIG_NS, XADES_NS } from '../xml/algorithms.js';
import { canonicalize } from '../xml/c14n.js';
import type { XmlElement } from '../xml/dom.js';
import { parseXml, type XmlParseOptions } from '../xml/parse.js';
import {
  DEFAULT_ID_ATTRIBUTES,
  type DereferenceContext,
  indexIds,
  type XmlExternalResolver,
} from '../xml/references.js';
import { type ParsedSignature, readSignature, type XmlSignatureLimits } from '../xml/signature.js';
import { findSignatures } from '../xml/verify.js';
import { qualifyingProperties } from '../xml/xades-verify.js';
import {
  addXadesMaterial,
  archiveInput,
  closing,
  isProperty,
  namer,
  timestampProperty,
  timestampRole,
  unsignedOf,
  valuesXml,
  XADES141_NS,
  type XadesUnsigned,
} from './properties.js';

export interface AugmentXmlOptions {
  level: AugmentLevel;
  trustAnchors: readonly CertificateInput[];
  intermediates?: readonly CertificateInput[];
  /** Where timestamps come from (e.g. `tsaTimestamp(url)`); needed for T when absent, and for LTA. */
  timestamp?: TimestampSource;
  /** Revocation data obtained out of band (DER CRLs and OCSPResponses); used where it applies. */
  crls?: readonly Uint8Array[];
  ocsp?: readonly Uint8Array[];
  /** Gathers what is still missing (e.g. `httpRevocationSource()`, or the simulator's authority). */
  revocationSource?: RevocationSource;
  /** Bytes of external (detached) references: the archive timestamp covers them. */
  resolveExternal?: XmlExternalResolver;
  /** Attributes that carry element IDs. Default `Id`, `ID`, `id`. */
  idAttributes?: readonly string[];
  limits?: XmlSignatureLimits & XmlParseOptions;
  /** Caches and crypto backend for the path and revocation checks (default `defaultContext`). */
  context?: ShomeiContext;
  signal?: AbortSignal;
}

const INCLUSIVE = { method: 'c14n', comments: false } as const;

interface Located {
  readonly element: XmlElement;
  readonly sig: ParsedSignature;
  readonly u: XadesUnsigned;
  readonly ctx: DereferenceContext;
}

function locate(text: string, index: number, o: AugmentXmlOptions): Located {
  const doc = parseXml(text, o.limits);
  const element = findSignatures(doc)[index]!;
  const sig = readSignature(element, o.limits);
  const qp = qualifyingProperties(sig);
  if (!qp)
    throw coreError(
      'INPUT_INVALID',
      `Signature ${index + 1} has no XAdES QualifyingProperties: only XAdES signatures (signXml with xades) can be augmented.`,
    );
  const ctx: DereferenceContext = {
    document: doc,
    signature: element,
    ids: indexIds(doc, o.idAttributes ?? DEFAULT_ID_ATTRIBUTES),
    ...(o.resolveExternal ? { resolveExternal: o.resolveExternal } : {}),
  };
  return { element, sig, u: unsignedOf(qp), ctx };
}

/** Inserts `xml` as the content's end of `el` (an empty-element tag becomes a start and end tag). */
function appendInside(text: string, el: XmlElement, xml: string): string {
  if (el.contentEnd === el.end) {
    const slash = text.lastIndexOf('/', el.end);
    return `${text.slice(0, slash)}>${xml}</${el.name}>${text.slice(el.end)}`;
  }
  return text.slice(0, el.contentEnd) + xml + text.slice(el.contentEnd);
}

/** Appends unsigned signature properties, creating UnsignedProperties/UnsignedSignatureProperties. */
function addProperties(text: string, at: Located, build: (scope: XmlElement) => string): string {
  const { u } = at;
  if (u.usp) return appendInside(text, u.usp, build(u.usp));
  const parent = u.unsignedProperties ?? u.qualifying;
  const n = namer(parent);
  const usp = n(XADES_NS, 'UnsignedSignatureProperties', 'xades');
  const inner = `<${usp}>${build(parent)}${closing(usp)}`;
  if (u.unsignedProperties) {
    // UnsignedSignatureProperties comes first in UnsignedProperties (EN 319 132-1 §4.3.3).
    const up = u.unsignedProperties;
    if (up.contentEnd === up.end) return appendInside(text, up, inner);
    return text.slice(0, up.contentStart) + inner + text.slice(up.contentStart);
  }
  const up = n(XADES_NS, 'UnsignedProperties', 'xades');
  return appendInside(text, u.qualifying, `<${up}>${inner}${closing(up)}`);
}

function timestampXml(scope: XmlElement, ns: string, local: string, token: Uint8Array): string {
  const n = namer(scope);
  const name = n(ns, local, ns === XADES141_NS ? 'xades141' : 'xades');
  const cm = n(DSIG_NS, 'CanonicalizationMethod', 'ds');
  const enc = n(XADES_NS, 'EncapsulatedTimeStamp', 'xades');
  return `<${name}><${cm} Algorithm="${C14N.c14n}"/><${enc}>${toBase64(token)}${closing(enc)}${closing(name)}`;
}

type Added = { certificates: number; crls: number; ocsp: number; timestamps: string[] };

/**
 * Gathers validation data for the signer and every timestamp of the signature (or, with `only`, for
 * that timestamp alone) and writes what is new: as CertificateValues/RevocationValues the first time,
 * as a TimeStampValidationData once anything is covered by an archive timestamp or already present.
 */
async function addValidationData(
  text: string,
  at: Located,
  o: AugmentXmlOptions,
  added: Added,
  missing: string[],
  only?: XmlElement,
): Promise<string> {
  const m = emptyMaterial();
  addXadesMaterial(m, at.sig, at.u);
  const carried = new Set(m.certificates.map((c) => toHex(c.der)));
  addSupplied(m, { certificates: o.intermediates ?? [] });
  // Every RFC 3161 token of every timestamp property (a XAdESTimeStampType may hold several; an
  // XMLTimeStamp gets no validation data: it cannot be validated anyway).
  const stamps = at.u.properties.flatMap((p) =>
    timestampRole(p)
      ? timestampProperty(p).entries.flatMap((e) =>
          e.type === 'encapsulated' ? [{ p, token: readToken(e.token ?? new Uint8Array()) }] : [],
        )
      : [],
  );
  for (const s of stamps) if (s.token) addTokenMaterial(m, s.token.raw);
  const certs: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  const ocsp: Uint8Array[] = [];
  const sink: EvidenceSink = {
    certificate(c) {
      const key = toHex(c.der);
      if (carried.has(key)) return;
      carried.add(key);
      certs.push(c.der);
    },
    ocsp(der) {
      ocsp.push(der);
    },
    crl(der) {
      if (!crls.some((x) => bytesEqual(x, der))) crls.push(der);
    },
  };
  const g = {
    anchors: anchorsOf(o.trustAnchors),
    ...(o.ocsp ? { ocsp: o.ocsp } : {}),
    ...(o.crls ? { crls: o.crls } : {}),
    ...(o.revocationSource ? { revocationSource: o.revocationSource } : {}),
    ...(o.context ? { context: o.context } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  if (!only) {
    const signer = m.certificates[0];
    // The signer's path is judged at the earliest signature timestamp (the time validation uses).
    const sigTime = stamps
      .filter((s) => isProperty(s.p, XADES_NS, 'SignatureTimeStamp') && s.token)
      .map((s) => s.token!.info.genTime)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    if (signer) missing.push(...(await gatherPath(signer, sigTime ?? new Date(), m, sink, g)));
    else missing.push('the signer certificate is not in KeyInfo');
  }
  for (const s of stamps) {
    if (only && s.p !== only) continue;
    throwIfAborted(o.signal);
    if (!s.token) {
      missing.push('a timestamp property holds no readable token');
      continue;
    }
    const tsa = certificateFor(s.token.raw.signerInfos[0]!, m.certificates);
    if (tsa) missing.push(...(await gatherPath(tsa, s.token.info.genTime, m, sink, g)));
    else
      missing.push(
        `the TSA certificate of the timestamp of ${s.token.info.genTime.toISOString()} is not in its token`,
      );
  }
  if (!certs.length && !crls.length && !ocsp.length) return text;
  added.certificates += certs.length;
  added.crls += crls.length;
  added.ocsp += ocsp.length;
  const fresh = !at.u.properties.some(
    (p) =>
      isProperty(p, XADES_NS, 'CertificateValues') ||
      isProperty(p, XADES_NS, 'RevocationValues') ||
      timestampRole(p)?.kind === 'archive-timestamp',
  );
  return addProperties(text, at, (scope) => {
    const n = namer(scope);
    const values = valuesXml((l) => n(XADES_NS, l, 'xades'), certs, crls, ocsp);
    if (fresh) return values;
    const tsvd = n(XADES141_NS, 'TimeStampValidationData', 'xades141');
    return `<${tsvd}>${values}${closing(tsvd)}`;
  });
}

/**
 * Raises every XAdES signature of a document to B-T, B-LT or B-LTA (see the module comment) and
 * returns the UTF-8 document. `missing` lists certificates for which no fresh revocation data was
 * found: the result does not reach B-LT for them.
 */
export async function augmentXml(
  xml: Uint8Array | string,
  options: AugmentXmlOptions,
): Promise<AugmentResult> {
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0)
    throw coreError('INPUT_INVALID', 'augmentXml needs at least one trust anchor (options.trustAnchors).');
  if (!['T', 'LT', 'LTA'].includes(options.level))
    throw coreError('INPUT_INVALID', `Unknown level "${String(options.level)}": use T, LT or LTA.`);
  throwIfAborted(options.signal);
  const doc = parseXml(xml, options.limits);
  let text = doc.text;
  const count = findSignatures(doc).length;
  if (count === 0) throw coreError('XML_SIGNATURE_NOT_FOUND');
  const added: Added = { certificates: 0, crls: 0, ocsp: 0, timestamps: [] };
  const missing: string[] = [];
  const source = options.timestamp;
  const so = options.signal ? { signal: options.signal } : {};
  for (let i = 0; i < count; i++) {
    let at = locate(text, i, options);
    // A SignatureTimeStamp that holds only XMLTimeStamps (or unreadable tokens) proves nothing here:
    // an RFC 3161 one is added beside it (XAdES allows several).
    const stamped = at.u.properties.some(
      (p) =>
        isProperty(p, XADES_NS, 'SignatureTimeStamp') &&
        timestampProperty(p).entries.some((e) => e.type === 'encapsulated' && e.token && readToken(e.token)),
    );
    if (!stamped) {
      if (!source) throw coreError('LTV_TIMESTAMP_REQUIRED');
      // §5.3: the time-stamped data is the canonical ds:SignatureValue element.
      const token = await source(canonicalize(at.sig.signatureValueElement, INCLUSIVE), so);
      text = addProperties(text, at, (s) => timestampXml(s, XADES_NS, 'SignatureTimeStamp', token));
      added.timestamps.push('signature-timestamp');
      at = locate(text, i, options);
    }
    if (options.level === 'T') continue;
    text = await addValidationData(text, at, options, added, missing);
    if (options.level !== 'LTA') continue;
    if (!source) throw coreError('LTV_TIMESTAMP_REQUIRED');
    at = locate(text, i, options);
    const input = await archiveInput(at.sig, at.u, undefined, INCLUSIVE, at.ctx);
    const token = await source(input, so);
    const parsed = readToken(token);
    if (!parsed || !(await coversData(parsed, input)))
      throw coreError(
        'LTV_HASH_MISMATCH',
        `The TSA answered with a ${parsed ? `${String(parsed.info.hash)} token that does not cover the archive data` : 'malformed token'}; the archive timestamp needs SHA-256, SHA-384 or SHA-512 over the bytes it was sent.`,
      );
    text = addProperties(text, at, (s) => timestampXml(s, XADES141_NS, 'ArchiveTimeStamp', token));
    added.timestamps.push('archive-timestamp');
    at = locate(text, i, options);
    const ats = at.u.properties.filter((p) => isProperty(p, XADES141_NS, 'ArchiveTimeStamp')).at(-1);
    text = await addValidationData(text, at, options, added, missing, ats);
  }
  return { signed: new TextEncoder().encode(text), level: options.level, added, missing };
}

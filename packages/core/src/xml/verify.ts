/**
 * `verifyXml` → ValidationReport for XML signatures (XML Signature 1.1 §3.2 core validation, then the
 * certificate path): the SignatureValue over the canonical SignedInfo with the KeyInfo certificate's
 * key, every reference's digest, the XAdES signed properties and timestamp when present, key usage,
 * then chain and revocation through `validatePath`. Hostile or malformed input gives a report with a
 * precise code, never an exception (except ABORTED).
 */

import type { HashFactory } from '../cms/hasher.js';
import type { PathResultCache } from '../cms/path-cache.js';
import type { AlgorithmPolicy } from '../cms/verify.js';
import { chainChecks, type PathValidator, signingKeyUsageCheck } from '../cms/verify-chain.js';
import { bytesEqual, fromBase64 } from '../der/bytes.js';
import { coreError, isShomeiError, throwIfAborted } from '../errors.js';
import { parseJpkiIdentity } from '../jpki/identity.js';
import type { CertificateInput, PolicyOptions, ValidatePathOptions } from '../path/types.js';
import { validatePath as defaultValidatePath } from '../path/validate-path.js';
import type {
  ReportCheck,
  ReportTimestamp,
  SignerReport,
  ValidationReport,
  Verdict,
} from '../report/types.js';
import { VERDICT_RANK as RANK } from '../report/verdict-rank.js';
import { keyTypeOf } from '../x509/algorithms.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import type { ShomeiContext } from '../x509/context.js';
import { ecdsaRawToDer } from '../x509/ecdsa-signature.js';
import { verifySignature } from '../x509/verify.js';
import { DSIG_NS } from './algorithms.js';
import { canonicalize } from './c14n.js';
import type { XmlDocument, XmlElement } from './dom.js';
import { parseXml, type XmlParseOptions } from './parse.js';
import {
  DEFAULT_ID_ATTRIBUTES,
  type DereferenceContext,
  indexIds,
  referenceDigest,
  type XmlExternalResolver,
  type XmlSignedContent,
} from './references.js';
import { type ParsedSignature, readSignature, type XmlSignatureLimits } from './signature.js';
import { elementAt, type ScannedXml, STREAM_FROM, scanXml } from './stream.js';
import { checkXades, type XadesOutcome } from './xades-verify.js';

export interface VerifyXmlOptions {
  trustAnchors: readonly CertificateInput[];
  intermediates?: readonly CertificateInput[];
  crls?: ValidatePathOptions['crls'];
  ocsp?: readonly Uint8Array[];
  revocation?: ValidatePathOptions['revocation'];
  /** Validation time for the chain. Default: now. */
  time?: Date;
  policy?: PolicyOptions;
  algorithms?: AlgorithmPolicy;
  validatePath?: PathValidator;
  pathCache?: PathResultCache;
  /** Attributes that carry element IDs (no DTD declares them). Default `Id`, `ID`, `id` (and xml:id). */
  idAttributes?: readonly string[];
  /** Bytes of external references; without it an external reference is refused. */
  resolveExternal?: XmlExternalResolver;
  /** The signer certificate when KeyInfo carries none. */
  certificate?: Uint8Array;
  limits?: XmlSignatureLimits & XmlParseOptions;
  /** Hashing for large references; `@shomei/core/node`'s `nodeHashFactory` runs at OpenSSL speed. */
  hasher?: HashFactory;
  /** The crypto backend and caches (signature and path). Default: `defaultContext`. */
  context?: ShomeiContext;
  signal?: AbortSignal;
}

export type XmlSignatureFormat = 'XMLDSig' | 'XAdES-BES' | 'XAdES-T';

/** One reference of the signature and what it covered. */
export interface XmlReferenceReport {
  readonly index: number;
  readonly uri: string;
  readonly type?: string;
  /** `document` (URI ""), `element` (with its path), or `file` (an external reference). */
  readonly kind?: XmlSignedContent['kind'];
  readonly path?: string;
  readonly file?: string;
  readonly digestAlgorithm: string;
  readonly transforms: readonly string[];
  readonly ok: boolean;
  readonly code?: string;
}

export interface XmlValidationReport extends ValidationReport {
  readonly format: XmlSignatureFormat;
  readonly references: readonly XmlReferenceReport[];
  /**
   * For each reference, what was signed: the element or document node and the exact bytes that were
   * digested. Read signed data from here, never by looking the ID up again. Not part of the JSON
   * (non-enumerable), since it holds nodes and bytes.
   */
  readonly signedContent: readonly XmlSignedContent[];
  /** The verified ds:Signature element. Not part of the JSON. */
  readonly signatureElement?: XmlElement;
}

const INDETERMINATE = new Set([
  'XML_MALFORMED',
  'XML_ENCODING_UNSUPPORTED',
  'XML_ALGORITHM_UNSUPPORTED',
  'XML_SIGNER_CERT_MISSING',
  'XML_REFERENCE_EXTERNAL',
  'XML_LIMIT_EXCEEDED',
  'XML_SIGNATURE_NOT_FOUND',
  'XML_SIGNATURE_MALFORMED',
  'CMS_CHAIN_INDETERMINATE',
  'CRYPTO_UNAVAILABLE',
]);

interface Check {
  check: ReportCheck;
  severity: Verdict;
}
const fail = (name: ReportCheck['name'], code: string, detail: string): Check => ({
  check: { name, ok: false, code, detail },
  severity: INDETERMINATE.has(code) ? 'indeterminate' : 'invalid',
});
const pass = (name: ReportCheck['name'], detail?: string): Check => ({
  check: detail ? { name, ok: true, detail } : { name, ok: true },
  severity: 'valid',
});
const errorCheck = (name: ReportCheck['name'], e: unknown): Check => {
  if (isShomeiError(e) && e.code === 'ABORTED') throw e;
  return fail(
    name,
    isShomeiError(e) ? e.code : 'XML_SIGNATURE_MALFORMED',
    isShomeiError(e) ? e.message.replace(/\.$/, '') : String(e),
  );
};

interface Parts {
  format: XmlSignatureFormat;
  signer: SignerReport['signer'];
  signingTime?: string;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  chain: SignerReport['chain'];
  timestamp?: ReportTimestamp;
  references: XmlReferenceReport[];
  signedContent: XmlSignedContent[];
  signatureElement?: XmlElement;
}

function finish(p: Parts, checks: Check[]): XmlValidationReport {
  let worst: Check | undefined;
  for (const c of checks) if (!c.check.ok && (!worst || RANK[c.severity] > RANK[worst.severity])) worst = c;
  const out: Record<string, unknown> = { verdict: worst ? worst.severity : 'valid' };
  if (worst?.check.code) {
    out.code = worst.check.code;
    const d = worst.check.detail ?? worst.check.code;
    out.message = `${d.charAt(0).toUpperCase()}${d.slice(1)}.`;
  }
  out.format = p.format;
  out.signer = p.signer;
  if (p.signingTime) out.signingTime = p.signingTime;
  out.digestAlgorithm = p.digestAlgorithm;
  out.signatureAlgorithm = p.signatureAlgorithm;
  out.chain = p.chain;
  out.checks = checks.map((c) => c.check);
  if (p.timestamp) out.timestamp = p.timestamp;
  out.references = p.references;
  Object.defineProperty(out, 'signedContent', { value: p.signedContent, enumerable: false });
  if (p.signatureElement)
    Object.defineProperty(out, 'signatureElement', {
      value: p.signatureElement,
      enumerable: false,
      configurable: true,
    });
  return out as unknown as XmlValidationReport;
}

function unreadable(e: unknown): XmlValidationReport {
  return finish(
    {
      format: 'XMLDSig',
      signer: { subject: '' },
      digestAlgorithm: '',
      signatureAlgorithm: '',
      chain: [],
      references: [],
      signedContent: [],
    },
    [errorCheck('format', e)],
  );
}

/** Every ds:Signature that is not inside another one, in document order. */
export function findSignatures(doc: XmlDocument): XmlElement[] {
  const out: XmlElement[] = [];
  for (const el of doc.elements) {
    if (el.namespaceURI !== DSIG_NS || el.localName !== 'Signature') continue;
    if (out.some((o) => o.start < el.start && el.end <= o.end)) continue;
    out.push(el);
  }
  return out;
}

/**
 * Verifies the XML signature(s) of a document. With several ds:Signature elements each is verified
 * and reported in `signers`; the top-level fields describe the worst.
 */
export async function verifyXml(
  input: Uint8Array | string | XmlDocument,
  options: VerifyXmlOptions,
): Promise<XmlValidationReport> {
  return verifyInput(input, options);
}

/**
 * A document another verifier in core has already scanned (with the same ID attributes and limits),
 * so that it can check the document's shape on the scan's nodes before verifying.
 */
export class ScannedInput {
  constructor(readonly scan: ScannedXml) {}
}

/** verifyXml for a document scanned by the caller (see ScannedInput). */
export function verifyScannedXml(scan: ScannedXml, options: VerifyXmlOptions): Promise<XmlValidationReport> {
  return verifyInput(new ScannedInput(scan), options);
}

async function verifyInput(
  input: Uint8Array | string | XmlDocument | ScannedInput,
  options: VerifyXmlOptions,
): Promise<XmlValidationReport> {
  if (!options.trustAnchors?.length) {
    throw coreError('INPUT_INVALID', 'verifyXml needs at least one trust anchor (options.trustAnchors).');
  }
  throwIfAborted(options.signal);
  let doc: XmlDocument;
  let ids: ReadonlyMap<string, XmlElement>;
  let signatures: readonly XmlElement[];
  let scan: DereferenceContext['scan'];
  try {
    const small = (typeof input === 'string' || input instanceof Uint8Array) && input.length < STREAM_FROM;
    if (
      small ||
      (typeof input === 'object' && !(input instanceof Uint8Array) && !(input instanceof ScannedInput))
    ) {
      doc = small ? parseXml(input as Uint8Array | string, options.limits) : (input as XmlDocument);
      signatures = findSignatures(doc);
      if (!signatures.length) throw coreError('XML_SIGNATURE_NOT_FOUND');
      ids = indexIds(doc, options.idAttributes ?? DEFAULT_ID_ATTRIBUTES);
    } else {
      // Bytes or text: read once without building the tree (stream.ts); the tree is parsed only if a
      // caller reads a signed node from the report.
      const scanned =
        input instanceof ScannedInput
          ? input.scan
          : scanXml(input, {
              ...options.limits,
              idAttributes: options.idAttributes ?? DEFAULT_ID_ATTRIBUTES,
            });
      if (!scanned.signatures.length) throw coreError('XML_SIGNATURE_NOT_FOUND');
      if (scanned.duplicateId) throw scanned.duplicateId;
      scan = withTree(scanned);
      doc = scanned.skeleton;
      ids = scanned.ids;
      signatures = scanned.signatures;
    }
  } catch (e) {
    return unreadable(e);
  }
  const reports: XmlValidationReport[] = [];
  for (const s of signatures) reports.push(await verifyOne(doc, s, ids, options, scan));
  let decisive = reports[0]!;
  for (const r of reports) if (RANK[r.verdict] > RANK[decisive.verdict]) decisive = r;
  if (reports.length === 1) return decisive;
  const out = { ...decisive, signers: reports };
  Object.defineProperty(out, 'signedContent', { value: decisive.signedContent, enumerable: false });
  copySignatureElement(out, decisive);
  return out;
}

/** A scan with the parsed tree of the same text, built once on first use. */
function withTree(scanned: ScannedXml): NonNullable<DereferenceContext['scan']> {
  let tree: XmlDocument | undefined;
  return Object.assign(Object.create(null) as object, scanned, {
    tree: () => {
      tree ??= parseXml(scanned.text, scanned.limits);
      return tree;
    },
  }) as NonNullable<DereferenceContext['scan']>;
}

/** Copies the non-enumerable signatureElement (a getter for a scanned document) onto `out`. */
function copySignatureElement(out: object, from: XmlValidationReport): void {
  const d = Object.getOwnPropertyDescriptor(from, 'signatureElement');
  if (d) Object.defineProperty(out, 'signatureElement', { ...d, enumerable: false });
}

/**
 * The scan's ds:Signature element behind a report of `verifyXml`, for checks inside core that compare
 * it with other scanned nodes (its `signatureElement` is the parsed tree's, built on demand).
 */
export function scannedSignatureOf(report: XmlValidationReport): XmlElement | undefined {
  return (report as { [SCANNED_SIGNATURE]?: XmlElement })[SCANNED_SIGNATURE];
}
/** A non-enumerable property of the report (not a WeakMap: see SCANNED_NODE in references.ts). */
const SCANNED_SIGNATURE = Symbol('scannedSignature');

// Module-level on purpose: a memo of a pure function of a parsed Certificate (core's own object),
// weakly held, so it adds no lifetime and cannot answer for another certificate.
const signerCache = new WeakMap<Certificate, { signer: SignerReport['signer']; note?: string }>();

/** The report's signer (with the JPKI holder's facts), read once per certificate. */
function signerOf(cert: Certificate): { signer: SignerReport['signer']; note?: string } {
  let s = signerCache.get(cert);
  if (!s) {
    try {
      const id = parseJpkiIdentity(cert);
      s = { signer: id ? { subject: cert.subject.text, jpki: id } : { subject: cert.subject.text } };
    } catch (e) {
      s = {
        signer: { subject: cert.subject.text },
        note: `JPKI identity unreadable: ${isShomeiError(e) ? e.message : 'malformed'}`,
      };
    }
    signerCache.set(cert, s);
  }
  return s;
}

/**
 * KeyInfo certificates parsed once per distinct base64 text: the same Certificate object comes back
 * for the same signer, so a PathResultCache (keyed by certificate) hits across documents. Module-level
 * on purpose: keyed by the text itself (an immutable string), bounded, a memo of a pure function.
 */
const keyInfoCache = new Map<string, Certificate | null>();
const KEY_INFO_CACHE_LIMIT = 256;

function keyInfoCertificate(b64: string): Certificate | undefined {
  let c = keyInfoCache.get(b64);
  if (c === undefined) {
    try {
      c = /^[A-Za-z0-9+/=\s]*$/.test(b64) ? (toCertificate(fromBase64(b64)) ?? null) : null;
    } catch {
      c = null;
    }
    if (keyInfoCache.size >= KEY_INFO_CACHE_LIMIT)
      keyInfoCache.delete(keyInfoCache.keys().next().value as string);
    keyInfoCache.set(b64, c);
  }
  return c ?? undefined;
}

/**
 * The caller's intermediates, parsed on each call (parseCertificate finds repeated bytes by content):
 * the caller owns the array and may change it between calls.
 */
function callerCertificates(list: readonly CertificateInput[] | undefined): Certificate[] {
  return list ? (list.map(toCertificate).filter(Boolean) as Certificate[]) : [];
}

function toCertificate(c: CertificateInput): Certificate | undefined {
  try {
    return c instanceof Uint8Array ? parseCertificate(c) : (c as Certificate);
  } catch {
    return undefined;
  }
}

async function verifyOne(
  doc: XmlDocument,
  element: XmlElement,
  ids: ReadonlyMap<string, XmlElement>,
  options: VerifyXmlOptions,
  scan?: DereferenceContext['scan'],
): Promise<XmlValidationReport> {
  const report = await verifySignatureElement(doc, element, ids, options, scan);
  if (scan && Object.hasOwn(report, 'signatureElement')) {
    Object.defineProperty(report, SCANNED_SIGNATURE, { value: element });
    Object.defineProperty(report, 'signatureElement', {
      get: () => elementAt(scan.tree(), element.start),
      enumerable: false,
    });
  }
  return report;
}

async function verifySignatureElement(
  doc: XmlDocument,
  element: XmlElement,
  ids: ReadonlyMap<string, XmlElement>,
  options: VerifyXmlOptions,
  scan: DereferenceContext['scan'],
): Promise<XmlValidationReport> {
  let sig: ParsedSignature;
  try {
    sig = readSignature(element, options.limits);
  } catch (e) {
    return unreadable(e);
  }
  const checks: Check[] = [];
  const references: XmlReferenceReport[] = [];
  const signedContent: XmlSignedContent[] = [];
  const signatureAlgorithm = `${sig.keyType === 'RSA' ? 'rsa' : 'ecdsa'}-${sig.hash.toLowerCase().replace('-', '')}`;
  const digestAlgorithm = sig.references[0]?.digest ?? sig.hash;
  const parts: Parts = {
    format: 'XMLDSig',
    signer: { subject: '' },
    digestAlgorithm,
    signatureAlgorithm,
    chain: [],
    references,
    signedContent,
    signatureElement: element,
  };

  // Signer certificate: the first KeyInfo certificate (the leaf, as XAdES and e-Gov write it), or
  // the caller's. The rest join the intermediates for path building.
  const embedded: Certificate[] = [];
  for (const b64 of sig.certificates) {
    const c = keyInfoCertificate(b64);
    if (c) embedded.push(c);
  }
  const cert = options.certificate ? toCertificate(options.certificate) : embedded[0];
  if (!cert) {
    checks.push(
      fail(
        'signerCertificate',
        'XML_SIGNER_CERT_MISSING',
        'KeyInfo holds no readable X509Certificate and no certificate was given',
      ),
    );
    checks.push(pass('format', describe(sig)));
    return finish(parts, checks);
  }
  const { signer, note: jpkiNote } = signerOf(cert);
  parts.signer = signer;
  checks.push(pass('format', describe(sig)));
  checks.push(pass('signerCertificate', jpkiNote ?? cert.subject.text));

  // Algorithm policy: SHA-1 only when allowed, RSA keys of at least minRsaBits.
  const policy = options.algorithms ?? {};
  const weak = [sig.hash, ...sig.references.map((r) => r.digest)].find(
    (h) => h === 'SHA-1' && !policy.allowSha1,
  );
  const certKey = keyTypeOf(cert.publicKeyAlgorithm.oid);
  const minBits = policy.minRsaBits ?? 2048;
  let algorithmOk = false;
  if (weak) checks.push(fail('algorithm', 'XML_WEAK_ALGORITHM', 'SHA-1 is rejected by the algorithm policy'));
  else if (certKey !== sig.keyType) {
    checks.push(
      fail(
        'algorithm',
        'XML_ALGORITHM_UNSUPPORTED',
        `a ${sig.keyType} signature method with a ${certKey ?? 'unsupported'} key`,
      ),
    );
  } else if (certKey === 'RSA' && (cert.rsaModulusBits ?? 0) < minBits) {
    checks.push(
      fail(
        'algorithm',
        'XML_WEAK_ALGORITHM',
        `RSA-${cert.rsaModulusBits} is below the policy minimum of ${minBits} bits`,
      ),
    );
  } else {
    algorithmOk = true;
    checks.push(
      pass('algorithm', `${signatureAlgorithm}${cert.rsaModulusBits ? `, RSA-${cert.rsaModulusBits}` : ''}`),
    );
  }

  // SignatureValue over the canonical SignedInfo (§3.2.2), in its document context.
  if (algorithmOk) {
    try {
      const c = sig.canonicalization;
      const signedInfo = canonicalize(sig.signedInfo, {
        method: c.method,
        comments: c.comments,
        ...(c.inclusivePrefixes ? { inclusivePrefixes: c.inclusivePrefixes } : {}),
      });
      const value = sig.keyType === 'EC' ? ecdsaRawToDer(sig.signatureValue) : sig.signatureValue;
      const ok = await verifySignature(
        cert.spki,
        { kind: sig.keyType === 'EC' ? 'ecdsa' : 'rsa', hash: sig.hash },
        value,
        signedInfo,
        policy,
        options.context,
      );
      checks.push(
        ok
          ? pass(
              'signature',
              `SignatureValue verifies over the canonical SignedInfo (${c.method}${c.comments ? ' with comments' : ''})`,
            )
          : fail(
              'signature',
              'XML_SIGNATURE_INVALID',
              "the SignatureValue does not verify over the canonical SignedInfo with the signer's key",
            ),
      );
    } catch (e) {
      checks.push(errorCheck('signature', e));
    }
  }

  // References (§3.2.1): every one must resolve and match its digest.
  const ctx = {
    document: doc,
    signature: element,
    ids,
    ...(options.resolveExternal ? { resolveExternal: options.resolveExternal } : {}),
    ...(scan ? { scan } : {}),
  };
  for (const [i, ref] of sig.references.entries()) {
    throwIfAborted(options.signal);
    const base = {
      index: i,
      uri: ref.uri ?? '',
      ...(ref.type !== undefined ? { type: ref.type } : {}),
      digestAlgorithm: ref.digest,
      transforms: ref.transforms.map((t) => t.uri),
    };
    try {
      const { content, digest } = await referenceDigest(ref, ctx, options.hasher);
      const where = content.kind === 'element' ? content.path : content.kind === 'file' ? content.name : '/';
      const at = {
        kind: content.kind,
        ...(content.kind === 'element' ? { path: content.path } : {}),
        ...(content.kind === 'file' ? { file: content.name } : {}),
      };
      const ok = bytesEqual(digest, ref.digestValue);
      references.push({ ...base, ...at, ok, ...(ok ? {} : { code: 'XML_DIGEST_MISMATCH' }) });
      signedContent.push(content);
      const label = `reference ${i + 1} (${ref.uri ?? '(no URI)'} → ${where})`;
      checks.push(
        ok
          ? pass('messageDigest', `${label}: ${ref.digest} matches`)
          : fail(
              'messageDigest',
              'XML_DIGEST_MISMATCH',
              `${label}: the ${ref.digest} digest does not match; the content was changed after signing`,
            ),
      );
    } catch (e) {
      const c = errorCheck('messageDigest', e);
      references.push({ ...base, ok: false, code: c.check.code! });
      checks.push(c);
    }
  }

  // XAdES (ETSI EN 319 132-1): signed properties, SigningCertificateV2, SignatureTimeStamp.
  let xades: XadesOutcome | undefined;
  try {
    xades = await checkXades(sig, cert, references, signedContent, options);
  } catch (e) {
    checks.push(errorCheck('signingCertificate', e));
  }
  if (xades) {
    parts.format = xades.format;
    if (xades.signingTime) parts.signingTime = xades.signingTime;
    if (xades.timestamp) parts.timestamp = xades.timestamp;
    checks.push(...(xades.checks as Check[]));
  }

  checks.push(signingKeyUsageCheck(cert));

  try {
    const intermediates: Certificate[] = [
      ...embedded.filter((c) => c !== cert),
      ...callerCertificates(options.intermediates),
    ];
    const pathOptions: ValidatePathOptions = {
      trustAnchors: options.trustAnchors,
      intermediates,
      crls: options.crls,
      ocsp: options.ocsp,
      time: options.time,
      policy: options.policy,
      revocation: options.revocation,
      signal: options.signal,
      ...(options.context ? { context: options.context } : {}),
    };
    const validate = options.validatePath ?? defaultValidatePath;
    const result = options.pathCache
      ? await options.pathCache.get(cert, pathOptions, () => validate(cert, pathOptions))
      : await validate(cert, pathOptions);
    const outcome = chainChecks(result);
    parts.chain = outcome.chain;
    checks.push(...outcome.checks);
  } catch (e) {
    if (isShomeiError(e) && e.code === 'ABORTED') throw e;
    checks.push({
      check: {
        name: 'chain',
        ok: false,
        code: isShomeiError(e) ? e.code : 'CMS_CHAIN_INDETERMINATE',
        detail: isShomeiError(e) ? e.message : 'path validation failed',
      },
      severity: 'indeterminate',
    });
  }
  return finish(parts, checks);
}

function describe(sig: ParsedSignature): string {
  const n = sig.references.length;
  return `ds:Signature${sig.id ? ` Id="${sig.id}"` : ''} with ${n} reference${n === 1 ? '' : 's'}`;
}

/**
 * External signing for XML (XMLDSig / XAdES) and e-Gov applications: "prepare → sign the hash
 * elsewhere → finish". The signature value of XML Signature covers only the canonical SignedInfo
 * (XMLDSig 1.1 §3.1.2), which holds the digest of every reference and, with XAdES, of the
 * SignedProperties (signing time, signing certificate). `prepare*` builds the whole Signature with
 * `signXml` and keeps the digest of that SignedInfo; `finish*` builds it again from the same document
 * and state, refuses unless the SignedInfo has the prepared digest and the returned signature verifies
 * over it with the prepared certificate, and writes SignatureValue (and KeyInfo) into the document.
 *
 * The state is small JSON (no document bytes): the Id, the XAdES signing time and the options. It holds
 * no secret, and a changed state only changes what is signed, which the returned signature must then
 * match: it cannot turn a signature made for one document into a valid one over another.
 */

import { digestInfo } from '../cms/digest-info.js';
import { checkPreparedCms } from '../cms/external.js';
import { verifySignerSignature } from '../cms/public-key.js';
import type { TimestampSource } from '../cms/sign.js';
import { bytesEqual, fromBase64, toBase64 } from '../der/bytes.js';
import { coreError } from '../errors.js';
import type { HashAlgorithmName, Signer, SignerAlgorithm } from '../signer.js';
import { parseCertificate } from '../x509/certificate.js';
import { ecdsaRawToDer } from '../x509/ecdsa-signature.js';
import { C14N_BY_URI, type CanonicalizationUri } from './algorithms.js';
import { xmlDigest } from './digest.js';
import type { XmlDocument, XmlElement } from './dom.js';
import { type EgovFiles, type SignEgovOptions, signEgovApplication } from './egov.js';
import type { XmlParseOptions } from './parse.js';
import { type SignXmlOptions, signXml, type XmlReferenceInput } from './sign.js';

export interface PrepareExternalXmlOptions
  extends Omit<SignXmlOptions, 'xades' | 'certificates' | 'references'> {
  /** DER certificate of the key that will sign. */
  certificate: Uint8Array;
  /** Issuing chain for KeyInfo (leaf's issuer first). */
  chain?: readonly Uint8Array[];
  /** References as in `signXml`; the bytes of external ones are passed again to `finishExternalXml`. */
  references?: readonly XmlReferenceInput[];
  /** XAdES-BES signed properties; `{}` or `true` signs now. Add a timestamp at finish (XAdES-T). */
  xades?: boolean | { signingTime?: Date };
}

export interface PrepareExternalEgovOptions
  extends Pick<SignEgovOptions, 'id' | 'rawIdUri' | 'time' | 'hash'> {
  certificate: Uint8Array;
  chain?: readonly Uint8Array[];
  xades?: boolean | { signingTime?: Date };
  signal?: AbortSignal;
}

/** A reference of the prepared state (external bytes are not kept: only their digest is in SignedInfo). */
export interface PreparedXmlReference {
  readonly uri: string;
  readonly type?: string;
  readonly canonicalization?: CanonicalizationUri;
  readonly enveloped?: boolean;
}

/** What `finishExternalXml` / `finishExternalEgov` need besides the document and the signature (JSON). */
export interface PreparedExternalXml {
  readonly format: 'xml' | 'egov';
  readonly hash: HashAlgorithmName;
  /** Digest of the canonical SignedInfo: what the external signer signs. */
  readonly digest: string;
  /** `digest` as a DER DigestInfo (RFC 8017 §9.2), base64. */
  readonly digestInfo: string;
  /** base64 DER of the signing certificate, then its chain (KeyInfo carries both). */
  readonly certificate: string;
  readonly chain: readonly string[];
  /** Id of the ds:Signature. */
  readonly id: string;
  /** XAdES SigningTime (ISO 8601), or null for a plain XMLDSig signature. */
  readonly xadesSigningTime: string | null;
  readonly mode?: 'enveloped' | 'detached' | 'enveloping';
  readonly canonicalization?: CanonicalizationUri;
  readonly prefix?: string;
  readonly references?: readonly PreparedXmlReference[];
  readonly idAttributes?: readonly string[];
  /** e-Gov: the 構成情報 reference is `#構成情報` rather than percent-encoded. */
  readonly rawIdUri?: boolean;
}

export interface FinishExternalXmlOptions {
  /** The certificate the external signer returned: refused with EXTERNAL_CERTIFICATE_MISMATCH unless it is the prepared one. */
  certificate?: Uint8Array;
  /** XAdES-T: a timestamp over the SignatureValue (prepare with `xades`). */
  timestamp?: TimestampSource;
  /** The bytes of external references by URI (what was passed to prepare). */
  external?: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
  /** The element the Signature goes in, when prepare was given one (functions are not state). */
  location?: (document: XmlDocument) => XmlElement;
  limits?: XmlParseOptions;
  signal?: AbortSignal;
}

export type FinishExternalEgovOptions = Pick<
  FinishExternalXmlOptions,
  'certificate' | 'timestamp' | 'signal'
>;

function algorithmOf(certificate: Uint8Array, hash: HashAlgorithmName): SignerAlgorithm {
  const oid = parseCertificate(certificate).publicKeyAlgorithm.oid;
  return oid === '1.2.840.10045.2.1'
    ? { name: 'ECDSA', input: 'data', hash }
    : { name: 'RSASSA-PKCS1-v1_5', input: 'data', hash };
}

function signatureId(): string {
  const r = new Uint8Array(8);
  globalThis.crypto.getRandomValues(r);
  return `Signature-${Array.from(r, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

function xadesTime(x: PrepareExternalXmlOptions['xades']): Date | null {
  if (!x) return null;
  return wholeSeconds((x === true ? undefined : x.signingTime) ?? new Date());
}

/** A signer that only records what it is asked to sign (the canonical SignedInfo). */
function captureSigner(certificate: Uint8Array, chain: readonly Uint8Array[], hash: HashAlgorithmName) {
  const state: { input?: Uint8Array } = {};
  const signer: Signer = {
    certificate,
    chain,
    algorithm: algorithmOf(certificate, hash),
    async sign(input) {
      state.input = input;
      return new Uint8Array(1);
    },
  };
  return { signer, state };
}

async function preparedFrom(
  input: Uint8Array | undefined,
  base: Omit<PreparedExternalXml, 'digest' | 'digestInfo'>,
): Promise<PreparedExternalXml> {
  if (!input) throw coreError('SIGNER_FAILED', 'The SignedInfo could not be prepared.');
  const digest = await xmlDigest(base.hash, input);
  return { ...base, digest: toBase64(digest), digestInfo: toBase64(digestInfo(base.hash, digest)) };
}

/** Step 1 for an XML document: the hash of the SignedInfo to sign. */
export async function prepareExternalXml(
  document: Uint8Array | string | undefined,
  options: PrepareExternalXmlOptions,
): Promise<PreparedExternalXml> {
  const { certificate, chain = [], xades, references, ...rest } = options;
  const hash = rest.hash ?? 'SHA-256';
  const id = rest.id ?? signatureId();
  const time = xadesTime(xades);
  const { signer, state } = captureSigner(certificate, chain, hash);
  await signXml(document, signer, {
    ...rest,
    hash,
    id,
    ...(references ? { references } : {}),
    ...(time ? { xades: { signingTime: time } } : {}),
  });
  return preparedFrom(state.input, {
    format: 'xml',
    hash,
    certificate: toBase64(certificate),
    chain: chain.map(toBase64),
    id,
    xadesSigningTime: time ? time.toISOString() : null,
    ...(rest.mode ? { mode: rest.mode } : {}),
    ...(rest.canonicalization ? { canonicalization: rest.canonicalization } : {}),
    ...(rest.prefix !== undefined ? { prefix: rest.prefix } : {}),
    ...(rest.idAttributes ? { idAttributes: [...rest.idAttributes] } : {}),
    ...(references
      ? {
          references: references.map((r) => ({
            uri: r.uri,
            ...(r.type ? { type: r.type } : {}),
            ...(r.canonicalization ? { canonicalization: r.canonicalization } : {}),
            ...(r.enveloped ? { enveloped: true } : {}),
          })),
        }
      : {}),
  });
}

/** Step 1 for an e-Gov application folder: the hash of the SignedInfo of kousei.xml. */
export async function prepareExternalEgov(
  files: EgovFiles,
  options: PrepareExternalEgovOptions,
): Promise<PreparedExternalXml> {
  const { certificate, chain = [], xades } = options;
  const hash = options.hash ?? 'SHA-256';
  const time = options.time ?? new Date();
  // e-Gov's default Id: the signing time as yyyymmddhhmmss in Japan time (as signEgovApplication).
  const id =
    options.id ?? new Date(time.getTime() + 9 * 3600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
  const xt = xadesTime(xades);
  const { signer, state } = captureSigner(certificate, chain, hash);
  await signEgovApplication(files, signer, {
    hash,
    id,
    ...(options.rawIdUri ? { rawIdUri: true } : {}),
    ...(xt ? { xades: { signingTime: xt } } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return preparedFrom(state.input, {
    format: 'egov',
    hash,
    certificate: toBase64(certificate),
    chain: chain.map(toBase64),
    id,
    xadesSigningTime: xt ? xt.toISOString() : null,
    ...(options.rawIdUri ? { rawIdUri: true } : {}),
  });
}

const isText = (v: unknown): v is string => typeof v === 'string';

function checkPrepared(value: unknown, format: 'xml' | 'egov'): asserts value is PreparedExternalXml {
  const p = value as Partial<Record<keyof PreparedExternalXml, unknown>> | null;
  const bad = (what: string) =>
    coreError(
      'INPUT_INVALID',
      `The prepared XML signature state is malformed (${what}): pass what prepareExternal${format === 'xml' ? 'Xml' : 'Egov'} returned.`,
    );
  if (typeof p !== 'object' || p === null || p.format !== format) throw bad('format');
  // The fields shared with the CMS state have the same rules.
  checkPreparedCms({ ...p, signingTime: null, detached: false });
  if (!isText(p.id) || !/^[A-Za-z0-9_.:-]{1,128}$/.test(p.id)) throw bad('id');
  if (
    p.xadesSigningTime !== null &&
    !(isText(p.xadesSigningTime) && !Number.isNaN(Date.parse(p.xadesSigningTime)))
  )
    throw bad('xadesSigningTime');
  if (p.mode !== undefined && !['enveloped', 'detached', 'enveloping'].includes(p.mode as string))
    throw bad('mode');
  if (p.canonicalization !== undefined && !C14N_BY_URI[p.canonicalization as CanonicalizationUri])
    throw bad('canonicalization');
  if (p.prefix !== undefined && !(isText(p.prefix) && /^([A-Za-z_][\w.-]{0,31})?$/.test(p.prefix)))
    throw bad('prefix');
  if (p.idAttributes !== undefined && !(Array.isArray(p.idAttributes) && p.idAttributes.every(isText)))
    throw bad('idAttributes');
  if (
    p.references !== undefined &&
    !(
      Array.isArray(p.references) &&
      p.references.every(
        (r: Partial<PreparedXmlReference> | null) =>
          typeof r === 'object' &&
          r !== null &&
          isText(r.uri) &&
          (r.type === undefined || isText(r.type)) &&
          (r.enveloped === undefined || typeof r.enveloped === 'boolean') &&
          (r.canonicalization === undefined || Boolean(C14N_BY_URI[r.canonicalization])),
      )
    )
  )
    throw bad('references');
}

/** The signer of step 3: it returns the external signature only for the prepared SignedInfo. */
function finishingSigner(
  prepared: PreparedExternalXml,
  signature: Uint8Array,
  returned?: Uint8Array,
): Signer {
  if (!(signature instanceof Uint8Array) || signature.length === 0) {
    throw coreError('INPUT_INVALID', 'The external signature must be non-empty bytes.');
  }
  const certificate = fromBase64(prepared.certificate);
  if (returned && !bytesEqual(returned, certificate)) throw coreError('EXTERNAL_CERTIFICATE_MISMATCH');
  const parsed = parseCertificate(certificate);
  const algorithm = algorithmOf(certificate, prepared.hash);
  const expected = fromBase64(prepared.digest);
  return {
    certificate,
    chain: prepared.chain.map(fromBase64),
    algorithm,
    async sign(signedInfo) {
      if (!bytesEqual(await xmlDigest(prepared.hash, signedInfo), expected)) {
        throw coreError(
          'EXTERNAL_SIGNATURE_MISMATCH',
          'The document or signing parameters differ from what was prepared: prepare and sign again.',
        );
      }
      // XMLDSig 1.1 §6.4.3: an ECDSA SignatureValue is r‖s; the verifier takes DER.
      const value = algorithm.name === 'ECDSA' ? ecdsaRawToDer(signature) : signature;
      if (!(await verifySignerSignature(parsed, prepared.hash, value, signedInfo))) {
        throw coreError('EXTERNAL_SIGNATURE_MISMATCH');
      }
      return signature;
    },
  };
}

const xadesOf = (prepared: PreparedExternalXml, timestamp: TimestampSource | undefined) =>
  prepared.xadesSigningTime === null
    ? {}
    : { xades: { signingTime: new Date(prepared.xadesSigningTime), ...(timestamp ? { timestamp } : {}) } };

/**
 * Step 3 for an XML document: the signed document (UTF-8). The SignedInfo is rebuilt from `document`
 * and the state; unless it has the prepared digest and `signature` verifies over it with the prepared
 * certificate, EXTERNAL_SIGNATURE_MISMATCH and nothing is returned.
 */
export async function finishExternalXml(
  document: Uint8Array | string | undefined,
  prepared: PreparedExternalXml,
  signature: Uint8Array,
  options: FinishExternalXmlOptions = {},
): Promise<Uint8Array> {
  checkPrepared(prepared, 'xml');
  const signer = finishingSigner(prepared, signature, options.certificate);
  const external =
    options.external instanceof Map
      ? options.external
      : new Map(Object.entries((options.external ?? {}) as Record<string, Uint8Array>));
  return signXml(document, signer, {
    hash: prepared.hash,
    id: prepared.id,
    ...(prepared.mode ? { mode: prepared.mode } : {}),
    ...(prepared.canonicalization ? { canonicalization: prepared.canonicalization } : {}),
    ...(prepared.prefix !== undefined ? { prefix: prepared.prefix } : {}),
    ...(prepared.idAttributes ? { idAttributes: prepared.idAttributes } : {}),
    ...(prepared.references
      ? {
          references: prepared.references.map((r) => {
            const bytes = external.get(r.uri);
            return bytes ? { ...r, bytes } : r;
          }),
        }
      : {}),
    ...xadesOf(prepared, options.timestamp),
    ...(options.location ? { location: options.location } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Step 3 for an e-Gov application: the same files with kousei.xml signed. */
export async function finishExternalEgov(
  files: EgovFiles,
  prepared: PreparedExternalXml,
  signature: Uint8Array,
  options: FinishExternalEgovOptions = {},
): Promise<Map<string, Uint8Array>> {
  checkPrepared(prepared, 'egov');
  const signer = finishingSigner(prepared, signature, options.certificate);
  return signEgovApplication(files, signer, {
    hash: prepared.hash,
    id: prepared.id,
    ...(prepared.rawIdUri ? { rawIdUri: true } : {}),
    ...xadesOf(prepared, options.timestamp),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

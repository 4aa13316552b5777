/**
 * External signing for CMS: "prepare → sign the digest elsewhere → finish". The server prepares the
 * CAdES-BES signed attributes (RFC 5652 §5.4: the signature covers their DER), hands the digest to a
 * signer it cannot call directly (a card behind a browser extension), and finishes the SignedData
 * with the returned raw signature. The signed attributes are rebuilt in `finish` from the same
 * content, certificate and signing time, so `PreparedCmsSignature` is small, JSON-friendly state.
 */
import { bytesEqual, fromBase64, toBase64 } from '../der/bytes.js';
import { coreError } from '../errors.js';
import type { HashAlgorithmName, Signer, SignerAlgorithm } from '../signer.js';
import { parseCertificate } from '../x509/certificate.js';
import type { ContentInput } from './content.js';
import { digestInfo } from './digest-info.js';
import { digestBytes } from './hasher.js';
import { signerScheme, verifySignerSignature } from './public-key.js';
import { type SignCmsOptions, signCms } from './sign.js';

export interface PrepareExternalCmsOptions
  extends Omit<SignCmsOptions, 'timestamp' | 'signingTime' | 'certificates'> {
  /** DER certificate of the key that will sign (for a JPKI card: its signing certificate). */
  certificate: Uint8Array;
  /** Issuing chain to embed (leaf's issuer first). */
  chain?: readonly Uint8Array[];
  /** signingTime attribute. Default: now. `null` omits it. */
  signingTime?: Date | null;
}

/** What `finishExternalCms` needs besides the content and the signature (JSON-serialisable). */
export interface PreparedCmsSignature {
  readonly hash: HashAlgorithmName;
  /** Digest of the DER signed attributes: what the external signer signs (a card: `sign({ digest, hash })`). */
  readonly digest: string;
  /** `digest` wrapped as a DER DigestInfo (RFC 8017 §9.2), base64, for signers that take one. */
  readonly digestInfo: string;
  readonly signingTime: string | null;
  readonly detached: boolean;
  readonly contentType?: string;
  /** base64 DER of the signing certificate, then its chain. */
  readonly certificate: string;
  readonly chain: readonly string[];
}

export interface FinishExternalCmsOptions {
  /**
   * The certificate the external signer returned with the signature (the page API's `sign` gives
   * it back): refused with EXTERNAL_CERTIFICATE_MISMATCH unless it is the prepared one.
   */
  certificate?: Uint8Array;
  /** Adds a signature timestamp (CAdES-T), as in `signCms`. */
  timestamp?: SignCmsOptions['timestamp'];
  signal?: AbortSignal;
}

const HASHES: readonly string[] = ['SHA-256', 'SHA-384', 'SHA-512'];
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Refuses prepared state that is not what `prepareExternalCms` returns (it may have travelled
 * through a session store or a client): INPUT_INVALID instead of a TypeError deep inside.
 */
export function checkPreparedCms(value: unknown): asserts value is PreparedCmsSignature {
  const p = value as Partial<Record<keyof PreparedCmsSignature, unknown>> | null;
  const ok =
    typeof p === 'object' &&
    p !== null &&
    HASHES.includes(p.hash as string) &&
    isText(p.digest) &&
    isText(p.digestInfo) &&
    (p.signingTime === null || (isText(p.signingTime) && !Number.isNaN(Date.parse(p.signingTime)))) &&
    typeof p.detached === 'boolean' &&
    (p.contentType === undefined || isText(p.contentType)) &&
    isText(p.certificate) &&
    Array.isArray(p.chain) &&
    p.chain.every(isText);
  if (!ok) {
    throw coreError(
      'INPUT_INVALID',
      'The prepared signature state is malformed: pass what prepare returned.',
    );
  }
}

function algorithmOf(certificate: Uint8Array, hash: HashAlgorithmName): SignerAlgorithm {
  const scheme = signerScheme(parseCertificate(certificate), hash);
  return scheme.kind === 'ecdsa'
    ? { name: 'ECDSA', input: 'data', hash }
    : { name: 'RSASSA-PKCS1-v1_5', input: 'data', hash };
}

/** Step 1: the digest to sign. The content is hashed here and again in `finishExternalCms`. */
export async function prepareExternalCms(
  content: ContentInput,
  options: PrepareExternalCmsOptions,
): Promise<PreparedCmsSignature> {
  const { certificate, chain = [], signingTime, ...rest } = options;
  const hash = rest.hash ?? 'SHA-256';
  const time = signingTime === undefined ? new Date(Math.floor(Date.now() / 1000) * 1000) : signingTime;
  let attrs: Uint8Array | undefined;
  // The signature value is not needed yet: a placeholder lets signCms build the signed attributes.
  const capture: Signer = {
    certificate,
    chain,
    algorithm: algorithmOf(certificate, hash),
    async sign(input) {
      attrs = input;
      return new Uint8Array(1);
    },
  };
  await signCms(content, capture, { ...rest, hash, signingTime: time });
  if (!attrs) throw coreError('SIGNER_FAILED', 'The signed attributes could not be prepared.');
  const digest = await digestBytes(hash, attrs);
  return {
    hash,
    digest: toBase64(digest),
    digestInfo: toBase64(digestInfo(hash, digest)),
    signingTime: time ? time.toISOString() : null,
    detached: Boolean(rest.detached),
    ...(rest.contentType ? { contentType: rest.contentType } : {}),
    certificate: toBase64(certificate),
    chain: chain.map(toBase64),
  };
}

/**
 * Step 3: the SignedData with the external signature. The signature is checked against the
 * certificate over the rebuilt signed attributes; a signature of anything else (another document,
 * another key, a changed content) is EXTERNAL_SIGNATURE_MISMATCH and nothing is returned.
 */
export async function finishExternalCms(
  content: ContentInput,
  prepared: PreparedCmsSignature,
  signature: Uint8Array,
  options: FinishExternalCmsOptions = {},
): Promise<Uint8Array> {
  if (!(signature instanceof Uint8Array) || signature.length === 0) {
    throw coreError('INPUT_INVALID', 'The external signature must be non-empty bytes.');
  }
  checkPreparedCms(prepared);
  const certificate = fromBase64(prepared.certificate);
  if (options.certificate && !bytesEqual(options.certificate, certificate)) {
    throw coreError('EXTERNAL_CERTIFICATE_MISMATCH');
  }
  const parsed = parseCertificate(certificate);
  const hash = prepared.hash;
  const expected = fromBase64(prepared.digest);
  const signer: Signer = {
    certificate,
    chain: prepared.chain.map(fromBase64),
    algorithm: algorithmOf(certificate, hash),
    async sign(attrs) {
      if (!bytesEqual(await digestBytes(hash, attrs), expected)) {
        throw coreError(
          'EXTERNAL_SIGNATURE_MISMATCH',
          'The content or signing parameters differ from what was prepared: prepare and sign again.',
        );
      }
      if (!(await verifySignerSignature(parsed, hash, signature, attrs))) {
        throw coreError('EXTERNAL_SIGNATURE_MISMATCH');
      }
      return signature;
    },
  };
  return signCms(content, signer, {
    hash,
    signingTime: prepared.signingTime === null ? null : new Date(prepared.signingTime),
    detached: prepared.detached,
    ...(prepared.contentType ? { contentType: prepared.contentType } : {}),
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

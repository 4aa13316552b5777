/**
 * The one signature check of core: the algorithm policy first (weak hashes), then the key type, then
 * the context's backend (WebCrypto by default, design.md §5), with WebCrypto deciding when the
 * backend cannot load a key.
 */
import { children, contentsOf, readOid, readRoot, readSmallInteger } from '../der/reader.js';
import { coreError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import { digestByOid, KEY_ALGORITHM, type SignatureScheme, signatureByOid } from './algorithms.js';
import type { AlgorithmIdentifier, Certificate } from './certificate.js';
import { defaultContext, type ShomeiContext } from './context.js';
import { readSpkiInfo, type SpkiInfo } from './crypto-backend.js';

type Scheme = SignatureScheme;

export type { SignatureScheme } from './algorithms.js';

const unsupported = (detail: string) =>
  coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', `Unsupported signature algorithm: ${detail}.`);

/** RSASSA-PSS-params (RFC 4055 §3.1): hash and salt length; MGF1 must use the same hash. */
function pssScheme(params: Uint8Array | undefined): Scheme {
  let hash: HashAlgorithmName = 'SHA-1';
  let saltLength = 20;
  if (params) {
    const r = readRoot(params);
    for (const c of children(params, r)) {
      const [inner] = children(params, c);
      if (!inner) continue;
      if (c.tag === 0xa0) {
        const [o] = children(params, inner);
        const h = o && digestByOid(readOid(params, o));
        if (!h || h.strength === 'broken') throw unsupported('RSASSA-PSS hash');
        hash = h.name as HashAlgorithmName;
      } else if (c.tag === 0xa2) saltLength = readSmallInteger(params, inner);
    }
  }
  return { kind: 'pss', hash, saltLength };
}

/** The scheme of a signatureAlgorithm that fixes its hash (RFC 5280 §4.1.1.2) or RSASSA-PSS with its parameters. */
export function signatureScheme(alg: AlgorithmIdentifier): Scheme {
  const row = signatureByOid(alg.oid);
  if (row?.kind === 'pss') return pssScheme(alg.params);
  if (!row?.hash || row.broken) throw unsupported(alg.oid);
  const hash = row.hash as HashAlgorithmName;
  return row.kind === 'ecdsa' ? { kind: 'ecdsa', hash } : { kind: 'rsa', hash };
}

/** The algorithm policy for certificate, CRL, OCSP and timestamp signatures. */
export interface SignaturePolicy {
  /** Accept SHA-1 based signatures (legacy archives). Default false. MD5 and MD2 are never accepted. */
  readonly allowSha1?: boolean;
}

/**
 * The weak hash an algorithm signs with, when it is refused under `policy` (SHA-1 unless allowed,
 * MD5/MD2 always; RSASSA-PSS without parameters defaults to SHA-1, RFC 4055 §3.1); undefined if fine.
 */
export function weakSignatureHash(
  algorithm: AlgorithmIdentifier,
  policy?: SignaturePolicy,
): 'MD5' | 'SHA-1' | undefined {
  const row = signatureByOid(algorithm.oid);
  if (row?.broken) return 'MD5';
  let sha1 = row?.hash === 'SHA-1';
  // Only RSASSA-PSS names its hash in parameters; any other known row has said it above.
  if (!sha1 && (row === undefined || row.kind === 'pss')) {
    try {
      sha1 = signatureScheme(algorithm).hash === 'SHA-1';
    } catch {
      return undefined;
    }
  }
  return sha1 && !policy?.allowSha1 ? 'SHA-1' : undefined;
}

/**
 * The one signature check of core. Verifies `signature` over `data` with the key in `spki` under
 * `algorithm`: an AlgorithmIdentifier that fixes its hash (certificates, CRLs, OCSP, timestamps;
 * RFC 5280 §4.1.1.2), or an explicit scheme where the format names the hash and the key type
 * apart from any signature OID (a CMS SignerInfo, RFC 5652 §5.3; an XML SignatureMethod).
 *
 * Returns false for a signature that does not verify (including a malformed one); throws
 * `SIGNATURE_ALGORITHM_WEAK` when `policy` refuses the hash (SHA-1 by default, MD5 always) and
 * `SIGNATURE_ALGORITHM_UNSUPPORTED` when the algorithm or key type is not supported or the key does
 * not fit the algorithm. The context's backend decides (`defaultContext` when none is given), WebCrypto
 * where that backend cannot load the key.
 */
export async function verifySignature(
  spki: Uint8Array,
  algorithm: AlgorithmIdentifier | SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  policy: SignaturePolicy = {},
  context: ShomeiContext = defaultContext,
): Promise<boolean> {
  return verifyWithPolicy(spki, undefined, algorithm, signature, data, policy, context);
}

/**
 * `verifySignature` with the key of a parsed certificate (core's own object): its key algorithm is
 * known from the parse, so the SPKI is not read again on every verification.
 */
export function verifySignatureByCertificate(
  cert: Certificate,
  algorithm: AlgorithmIdentifier | SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  policy: SignaturePolicy = {},
  context: ShomeiContext = defaultContext,
): Promise<boolean> {
  return verifyWithPolicy(cert.spki, cert, algorithm, signature, data, policy, context);
}

async function verifyWithPolicy(
  spki: Uint8Array,
  cert: Certificate | undefined,
  algorithm: AlgorithmIdentifier | SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  policy: SignaturePolicy,
  context: ShomeiContext,
): Promise<boolean> {
  if (!('oid' in algorithm)) {
    if (algorithm.hash === 'SHA-1' && !policy.allowSha1) {
      throw coreError(
        'SIGNATURE_ALGORITHM_WEAK',
        `The signature uses SHA-1 (${algorithm.kind}), which the algorithm policy refuses.`,
        { details: { algorithm: `${algorithm.kind}-${algorithm.hash}` } },
      );
    }
    return verifyWithScheme(
      spki,
      algorithm,
      signature,
      data,
      `${algorithm.kind}-${algorithm.hash}`,
      context,
      cert,
    );
  }
  const weak = weakSignatureHash(algorithm, policy);
  if (weak) {
    throw coreError(
      'SIGNATURE_ALGORITHM_WEAK',
      `The signature uses ${weak} (${algorithm.oid}), which the algorithm policy refuses.`,
      { details: { algorithm: algorithm.oid } },
    );
  }
  return verifyWithScheme(spki, signatureScheme(algorithm), signature, data, algorithm.oid, context, cert);
}

/**
 * Verifies with an explicit scheme (CMS names the hash and the key type separately from any
 * signature-algorithm OID), on the context's backend. Applies no hash policy: the caller's own
 * policy check runs before it (`verifySignature` with a scheme applies SHA-1 refusal itself).
 */
export function verifySchemeSignature(
  spki: Uint8Array,
  scheme: SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  algorithmName: string = `${scheme.kind}-${scheme.hash}`,
  context: ShomeiContext = defaultContext,
): Promise<boolean> {
  return verifyWithScheme(spki, scheme, signature, data, algorithmName, context);
}

async function verifyWithScheme(
  spki: Uint8Array,
  scheme: SignatureScheme,
  signature: Uint8Array,
  data: Uint8Array,
  algorithmName: string,
  context: ShomeiContext,
  /** The certificate `spki` belongs to, when the caller has it parsed. */
  cert?: Certificate,
): Promise<boolean> {
  let info: SpkiInfo;
  try {
    // An RSA certificate's key algorithm is known from its parse; an EC key's curve is read here.
    info =
      cert && cert.publicKeyAlgorithm.oid !== KEY_ALGORITHM.ecPublicKey
        ? { keyOid: cert.publicKeyAlgorithm.oid }
        : readSpkiInfo(spki);
  } catch (cause) {
    throw coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', 'The public key cannot be read.', { cause });
  }
  const expectedKey = scheme.kind === 'ecdsa' ? KEY_ALGORITHM.ecPublicKey : KEY_ALGORITHM.rsaEncryption;
  if (info.keyOid !== expectedKey && !(scheme.kind === 'pss' && info.keyOid === KEY_ALGORITHM.rsassaPss)) {
    throw unsupported(`${algorithmName} with a ${info.keyOid} key`);
  }
  const verdict = await context.crypto.verify(spki, scheme, signature, data);
  if (verdict !== undefined) return verdict;
  return (await context.fallbackCrypto.verify(spki, scheme, signature, data)) ?? false;
}

/** The bits of contentsOf re-exported for callers that need the raw key. */
export const spkiKeyBytes = (spki: Uint8Array): Uint8Array => {
  const r = readRoot(spki);
  const [, bits] = children(spki, r);
  return contentsOf(spki, bits!).subarray(1);
};

/**
 * SignerInfo signature checks on the one signature-verification path of core (x509/verify.ts):
 * the context's backend (WebCrypto by default, node:crypto in `nodeContext`). CMS names
 * the digest and the key type separately (RFC 5652 §5.3), so the scheme is built from both here.
 */
import { coreError, isShomeiError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import { keyTypeOf } from '../x509/algorithms.js';
import type { Certificate } from '../x509/certificate.js';
import type { ShomeiContext } from '../x509/context.js';
import { type SignatureScheme, verifySignatureByCertificate } from '../x509/verify.js';

/** Checks a SignerInfo signature: true when `signature` over `data` verifies with the certificate's key. */
export type SignatureVerifier = (
  cert: Certificate,
  hash: HashAlgorithmName,
  signature: Uint8Array,
  data: Uint8Array,
) => Promise<boolean> | boolean;

/** The signature scheme of a SignerInfo: the key type of the certificate with the digest named beside it. */
export function signerScheme(cert: Certificate, hash: HashAlgorithmName): SignatureScheme {
  const alg = cert.publicKeyAlgorithm.oid;
  const key = keyTypeOf(alg);
  if (key === 'RSA') return { kind: 'rsa', hash };
  if (key === 'EC') return { kind: 'ecdsa', hash };
  throw coreError(
    'CMS_ALGORITHM_UNSUPPORTED',
    `The signer's public key (${alg}) is not supported: shomei verifies RSA and ECDSA P-256/384/521.`,
  );
}

// The hash policy of a SignerInfo (SHA-1 only when the caller's AlgorithmPolicy allows it) is applied
// by each verifier before this runs, with its own error code; here the hash is already accepted.
const POLICY_APPLIED = { allowSha1: true } as const;

/**
 * The default `SignatureVerifier`: the certificate's key (RSA PKCS#1 v1.5 or ECDSA) over `data`, on
 * the context's backend (`defaultContext` when none is given).
 */
export async function verifySignerSignature(
  cert: Certificate,
  hash: HashAlgorithmName,
  signature: Uint8Array,
  data: Uint8Array,
  context?: ShomeiContext,
): Promise<boolean> {
  const scheme = signerScheme(cert, hash);
  try {
    return await verifySignatureByCertificate(cert, scheme, signature, data, POLICY_APPLIED, context);
  } catch (error) {
    if (isShomeiError(error) && error.code === 'SIGNATURE_ALGORITHM_UNSUPPORTED') {
      throw coreError('CMS_ALGORITHM_UNSUPPORTED', `The signer's key cannot be used: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

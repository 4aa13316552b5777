/**
 * SignerInfo signature checks on the one signature-verification path of core (x509/verify.ts):
 * the context's backend (WebCrypto by default, node:crypto in `nodeContext`). CMS names
 * the digest and the key type separately (RFC 5652 §5.3), so the scheme is built from both here.
 */
import { coreError, isShomeiError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import type { Certificate } from '../x509/certificate.js';
import type { ShomeiContext } from '../x509/context.js';
import { type SignatureScheme, verifySchemeSignature } from '../x509/verify.js';
import { SIGNATURE_OID } from './oids.js';

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
  if (alg === SIGNATURE_OID.rsaEncryption) return { kind: 'rsa', hash };
  if (alg === SIGNATURE_OID.ecPublicKey) return { kind: 'ecdsa', hash };
  throw coreError(
    'CMS_ALGORITHM_UNSUPPORTED',
    `The signer's public key (${alg}) is not supported: shomei verifies RSA and ECDSA P-256/384/521.`,
  );
}

/** True when `signature` over `data` verifies with the certificate's key (RSA PKCS#1 v1.5 or ECDSA). */
export async function verifySignature(
  cert: Certificate,
  hash: HashAlgorithmName,
  signature: Uint8Array,
  data: Uint8Array,
  context?: ShomeiContext,
): Promise<boolean> {
  const scheme = signerScheme(cert, hash);
  try {
    return await verifySchemeSignature(cert.spki, scheme, signature, data, undefined, context);
  } catch (error) {
    if (isShomeiError(error) && error.code === 'SIGNATURE_ALGORITHM_UNSUPPORTED') {
      throw coreError('CMS_ALGORITHM_UNSUPPORTED', `The signer's key cannot be used: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

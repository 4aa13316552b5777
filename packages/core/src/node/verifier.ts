/**
 * A SignerInfo signature check on node:crypto: the same backend as `useNodeCrypto()` (KeyObjects
 * cached by SPKI, ~44,000 RSA-2048 verifies/s on the calling thread, design.md §5), for one call
 * instead of process-wide. Falls back to WebCrypto where node:crypto cannot load the key.
 */
import { type SignatureVerifier, signerScheme, verifySignerSignature } from '../cms/public-key.js';
import { nodeSignatureBackend } from './crypto-backend.js';

export const nodeSignatureVerifier: SignatureVerifier = async (cert, hash, signature, data) => {
  const verdict = await nodeSignatureBackend.verify(cert.spki, signerScheme(cert, hash), signature, data);
  return verdict ?? verifySignerSignature(cert, hash, signature, data);
};

/**
 * A SignerInfo signature check on node:crypto (`nodeContext`'s backend: KeyObjects cached by SPKI,
 * ~44,000 RSA-2048 verifies/s on the calling thread, design.md §5), for callers that pass a
 * `verifier` rather than a context. WebCrypto decides where node:crypto cannot load the key.
 */
import { type SignatureVerifier, verifySignerSignature } from '../cms/public-key.js';
import { nodeContext } from './crypto-backend.js';

export const nodeSignatureVerifier: SignatureVerifier = (cert, hash, signature, data) =>
  verifySignerSignature(cert, hash, signature, data, nodeContext);

/**
 * @shomei/core/node — Node-only helpers (file streaming, HTTP fetching of CRLs and OCSP).
 * Re-exports the browser-safe surface so Node users need one import.
 */
export * from './index.js';
export * from './node/crl-file.js';
export * from './node/crypto-backend.js';

import { useNodeCrypto } from './node/crypto-backend.js';

// Importing the Node entry makes every signature check (certificates, CRLs, OCSP, CMS) run on
// node:crypto: 2-4x the rate of WebCrypto in Node (design.md §5). `setSignatureBackend(undefined)`
// returns to WebCrypto.
useNodeCrypto();

// ---- cms: streaming files and node:crypto hashing ----
import type { ContentInput } from './cms/content.js';
import { type SignCmsOptions, signCms as signCmsPortable } from './cms/sign.js';
import { type VerifyCmsOptions, verifyCms as verifyCmsPortable } from './cms/verify.js';
import { nodeHashFactory } from './node/hasher.js';
import { nodeSignatureVerifier } from './node/verifier.js';
import type { ValidationReport } from './report/types.js';
import type { Signer } from './signer.js';

export { type FileSourceOptions, fileSource } from './node/file-source.js';
export { nodeHashFactory } from './node/hasher.js';
export { loadPkcs8Signer, type Pkcs8FileOptions } from './node/pkcs8-file.js';
export { nodeSignatureVerifier } from './node/verifier.js';

/** `signCms` hashing with node:crypto (OpenSSL speed). Give a file as `fileSource(path)`. */
export function signCms(
  content: ContentInput,
  signer: Signer,
  options: SignCmsOptions = {},
): Promise<Uint8Array> {
  return signCmsPortable(content, signer, { hasher: nodeHashFactory, ...options });
}

/** `verifyCms` hashing detached content and checking signatures with node:crypto. */
export function verifyCms(signed: Uint8Array, options: VerifyCmsOptions): Promise<ValidationReport> {
  return verifyCmsPortable(signed, { hasher: nodeHashFactory, verifier: nodeSignatureVerifier, ...options });
}
// ---- end cms ----

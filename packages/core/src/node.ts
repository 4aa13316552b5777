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

// ---- cms (issue 5): streaming files and node:crypto hashing ----
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

import type { XmlDocument } from './xml/dom.js';
// ---- xml: node:crypto hashing for large references ----
import {
  type EgovFiles,
  type EgovValidationReport,
  type VerifyEgovOptions,
  verifyEgovApplication as verifyEgovPortable,
} from './xml/egov.js';
import {
  type VerifyXmlOptions,
  verifyXml as verifyXmlPortable,
  type XmlValidationReport,
} from './xml/verify.js';

/** `verifyXml` hashing references with node:crypto. */
export function verifyXml(
  input: Uint8Array | string | XmlDocument,
  options: VerifyXmlOptions,
): Promise<XmlValidationReport> {
  return verifyXmlPortable(input, { hasher: nodeHashFactory, ...options });
}

/** `verifyEgovApplication` hashing files with node:crypto. */
export function verifyEgovApplication(
  files: EgovFiles,
  options: VerifyEgovOptions,
): Promise<EgovValidationReport> {
  return verifyEgovPortable(files, { hasher: nodeHashFactory, ...options });
}
// ---- end xml ----

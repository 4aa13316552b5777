/**
 * @shomei/core/node — Node-only helpers (file streaming, HTTP fetching of CRLs and OCSP).
 * Re-exports the browser-safe surface so Node users need one import.
 */
export * from './index.js';
export * from './node/crypto-backend.js';

// Importing this entry changes nothing: its functions below run on `nodeContext` (node:crypto, 2-4x
// the rate of WebCrypto in Node, design.md §5) unless the options name another `context`, while
// `@shomei/core`'s own functions keep `defaultContext`.
import { nodeContext } from './node/crypto-backend.js';
import type { CertificateInput, PathResult, ValidatePathOptions } from './path/types.js';
import { validatePath as validatePathPortable } from './path/validate-path.js';
import {
  clearRevocationFetchCaches as clearDefaultFetchCache,
  contextFetchCache,
} from './revocation/fetch.js';

/** `validatePath` on `nodeContext` (node:crypto) unless `options.context` names another. */
export function validatePath(leaf: CertificateInput, options: ValidatePathOptions): Promise<PathResult> {
  return validatePathPortable(leaf, { context: nodeContext, ...options });
}

// ---- ltv: long-term validation and augmentation on nodeContext ----
import {
  type AugmentCmsOptions,
  type AugmentResult,
  augmentCms as augmentCmsPortable,
} from './ltv/augment-cms.js';
import {
  type AugmentPdfOptions,
  type AugmentPdfResult,
  augmentPdf as augmentPdfPortable,
  type PdfLongTermReport,
  type VerifyPdfLongTermOptions,
  verifyPdfLongTerm as verifyPdfLongTermPortable,
} from './ltv/pdf.js';
import {
  type VerifyCmsLongTermOptions,
  verifyCmsLongTerm as verifyCmsLongTermPortable,
} from './ltv/validate-cms.js';
import type { LongTermReport } from './report/long-term.js';

/** `augmentCms` with its path and revocation checks on `nodeContext`. */
export function augmentCms(signed: Uint8Array, options: AugmentCmsOptions): Promise<AugmentResult> {
  return augmentCmsPortable(signed, { context: nodeContext, ...options });
}

/** `augmentPdf` with its path and revocation checks on `nodeContext`. */
export function augmentPdf(pdf: Uint8Array, options: AugmentPdfOptions): Promise<AugmentPdfResult> {
  return augmentPdfPortable(pdf, { context: nodeContext, ...options });
}

/** `verifyCmsLongTerm` on `nodeContext`, hashing with node:crypto. */
export function verifyCmsLongTerm(
  signed: Uint8Array,
  options: VerifyCmsLongTermOptions,
): Promise<LongTermReport> {
  return verifyCmsLongTermPortable(signed, { hasher: nodeHashFactory, context: nodeContext, ...options });
}

/** `verifyPdfLongTerm` on `nodeContext`, hashing with node:crypto. */
export function verifyPdfLongTerm(
  pdf: Uint8Array,
  options: VerifyPdfLongTermOptions,
): Promise<PdfLongTermReport> {
  return verifyPdfLongTermPortable(pdf, { hasher: nodeHashFactory, context: nodeContext, ...options });
}

// ---- XAdES long-term validation and augmentation on nodeContext ----
import { type AugmentXmlOptions, augmentXml as augmentXmlPortable } from './xml-ltv/augment.js';
import {
  type AugmentEgovOptions,
  type AugmentEgovResult,
  augmentEgovApplication as augmentEgovApplicationPortable,
  type EgovLongTermReport,
  type VerifyEgovLongTermOptions,
  verifyEgovApplicationLongTerm as verifyEgovApplicationLongTermPortable,
} from './xml-ltv/egov.js';
import {
  type VerifyXmlLongTermOptions,
  verifyXmlLongTerm as verifyXmlLongTermPortable,
} from './xml-ltv/verify.js';

/** `augmentXml` with its path and revocation checks on `nodeContext`. */
export function augmentXml(xml: Uint8Array | string, options: AugmentXmlOptions): Promise<AugmentResult> {
  return augmentXmlPortable(xml, { context: nodeContext, ...options });
}

/** `augmentEgovApplication` with its path and revocation checks on `nodeContext`. */
export function augmentEgovApplication(
  files: EgovFiles,
  options: AugmentEgovOptions,
): Promise<AugmentEgovResult> {
  return augmentEgovApplicationPortable(files, { context: nodeContext, ...options });
}

/** `verifyXmlLongTerm` on `nodeContext`, hashing with node:crypto. */
export function verifyXmlLongTerm(
  input: Uint8Array | string | XmlDocument,
  options: VerifyXmlLongTermOptions,
): Promise<LongTermReport> {
  return verifyXmlLongTermPortable(input, { hasher: nodeHashFactory, context: nodeContext, ...options });
}

/** `verifyEgovApplicationLongTerm` on `nodeContext`, hashing with node:crypto. */
export function verifyEgovApplicationLongTerm(
  files: EgovFiles,
  options: VerifyEgovLongTermOptions,
): Promise<EgovLongTermReport> {
  return verifyEgovApplicationLongTermPortable(files, {
    hasher: nodeHashFactory,
    context: nodeContext,
    ...options,
  });
}
// ---- end ltv ----

/** Empties the fetch caches of `defaultContext` and `nodeContext`. */
export function clearRevocationFetchCaches(): void {
  clearDefaultFetchCache();
  contextFetchCache(nodeContext).clear();
}

// ---- cms: streaming files and node:crypto hashing ----
import type { ContentInput } from './cms/content.js';
import { type SignCmsOptions, signCms as signCmsPortable } from './cms/sign.js';
import { nodeHashFactory } from './node/hasher.js';
import type { ValidationReport } from './report/types.js';
import type { Signer } from './signer.js';
import { type VerifyCmsOptions, verifyCms as verifyCmsPortable } from './verify-cms.js';

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
  return verifyCmsPortable(signed, { hasher: nodeHashFactory, context: nodeContext, ...options });
}

// ---- end cms ----

import {
  fileRandomSource,
  type SignPdfFileOptions,
  signPdfFile as signPdfFilePortable,
} from './node/pdf-file.js';
import { type SignPdfOptions, signPdf as signPdfPortable } from './pdf/sign.js';
// ---- pdf: files on disk and node:crypto hashing ----
import type { PdfSource } from './pdf/source.js';
import { type PdfReport, type VerifyPdfOptions, verifyPdf as verifyPdfPortable } from './pdf/verify.js';

export { type FilePdfSource, fileRandomSource, type SignPdfFileOptions } from './node/pdf-file.js';

/** `signPdf` hashing with node:crypto. */
export function signPdf(
  pdf: Uint8Array | PdfSource,
  signer: Signer,
  options: SignPdfOptions = {},
): Promise<Uint8Array> {
  return signPdfPortable(pdf, signer, { hasher: nodeHashFactory, ...options });
}

/** Signs a PDF file in constant memory (see `signPdfFile` in node/pdf-file.ts); returns the output path. */
export function signPdfFile(
  input: string,
  signer: Signer,
  options: SignPdfFileOptions = {},
): Promise<string> {
  return signPdfFilePortable(input, signer, { hasher: nodeHashFactory, ...options });
}

/** `verifyPdf` with node:crypto; a string is a file path, read with positional reads (never whole). */
export async function verifyPdf(
  pdf: Uint8Array | PdfSource | string,
  options: VerifyPdfOptions,
): Promise<PdfReport> {
  const o = { hasher: nodeHashFactory, context: nodeContext, ...options };
  if (typeof pdf !== 'string') return verifyPdfPortable(pdf, o);
  await using source = await fileRandomSource(pdf);
  // awaited here: the source is closed when this scope ends
  return await verifyPdfPortable(source, o);
}

// ---- end pdf ----
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
  return verifyXmlPortable(input, { hasher: nodeHashFactory, context: nodeContext, ...options });
}

/** `verifyEgovApplication` hashing files with node:crypto. */
export function verifyEgovApplication(
  files: EgovFiles,
  options: VerifyEgovOptions,
): Promise<EgovValidationReport> {
  return verifyEgovPortable(files, { hasher: nodeHashFactory, context: nodeContext, ...options });
}
// ---- end xml ----

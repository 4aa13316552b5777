export type { PdfAnnotationFact } from './annotations.js';
export type { VisibleSignature } from './appearance.js';
export type { PdfChange, PdfChangeKind, PdfRevisionChanges } from './changes.js';
export type { DocMdpPermissions } from './docmdp.js';
export { type ObjectLocation, PdfDocument, type PdfRevision } from './document.js';
export {
  type FinishExternalPdfOptions,
  finishExternalPdf,
  type PreparedExternalPdf,
  type PrepareExternalPdfOptions,
  prepareExternalPdf,
} from './external.js';
export { type SignatureField, signatureFields } from './form.js';
export type { PdfDict, PdfName, PdfObject, PdfRef, PdfStream, PdfString, PdfValue } from './objects.js';
export {
  completePdfSignature,
  type PdfSubFilter,
  type PreparedPdfSignature,
  preparePdfSignature,
  type SignPdfOptions,
  signPdf,
} from './sign.js';
export { blobSource, bytesSource, type PdfSource } from './source.js';
export {
  type PdfCheck,
  type PdfCheckName,
  type PdfReport,
  type PdfSignatureFacts,
  type PdfSignatureReport,
  type VerifyPdfOptions,
  verifyPdf,
} from './verify.js';
export type { XrefEntry, XrefSection } from './xref.js';

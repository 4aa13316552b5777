export { type AugmentCmsOptions, type AugmentLevel, type AugmentResult, augmentCms } from './augment-cms.js';
export type { LongTermModeOptions } from './cms-report.js';
export type {
  EvidenceCertificate,
  LongTermReport,
  LtvIndication,
  LtvReason,
  PoeKind,
  ProofOfExistence,
  RevocationEvidence,
  TimestampEvidence,
} from './evidence.js';
export { LTV_INDICATION } from './evidence.js';
export { type EvidenceSink, type GatherOptions, gatherPath } from './gather.js';
export type { EvidenceMaterial } from './material.js';
export { LTV_OID } from './oids.js';
export {
  type PastValidationInput,
  type SignatureAtTime,
  type TimestampInput,
  validatePast,
} from './past-validation.js';
export {
  type AugmentPdfOptions,
  type AugmentPdfResult,
  augmentPdf,
  type PdfLongTermReport,
  type PdfLongTermSignature,
  type VerifyPdfLongTermOptions,
  verifyPdfLongTerm,
} from './pdf.js';
export { type RevocationFinding, revocationAt } from './revocation-at.js';
export { type HttpRevocationSourceOptions, httpRevocationSource, type RevocationSource } from './sources.js';
export { type VerifyCmsLongTermOptions, verifyCmsLongTerm } from './validate-cms.js';

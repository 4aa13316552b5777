export { type AugmentXmlOptions, augmentXml } from './augment.js';
export {
  type AugmentEgovOptions,
  type AugmentEgovResult,
  augmentEgovApplication,
  type EgovLongTermReport,
  type VerifyEgovLongTermOptions,
  verifyEgovApplicationLongTerm,
} from './egov.js';
export { type VerifyXmlLongTermOptions, verifyXmlLongTerm } from './verify.js';

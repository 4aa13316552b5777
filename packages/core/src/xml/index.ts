export * from './algorithms.js';
export { type C14nMethod, type C14nOptions, canonicalize, canonicalizeTo } from './c14n.js';
export * from './dom.js';
export * from './egov.js';
export * from './egov-zip.js';
export {
  type FinishExternalEgovOptions,
  type FinishExternalXmlOptions,
  finishExternalEgov,
  finishExternalXml,
  type PreparedExternalXml,
  type PreparedXmlReference,
  type PrepareExternalEgovOptions,
  type PrepareExternalXmlOptions,
  prepareExternalEgov,
  prepareExternalXml,
} from './external.js';
export { decodeXml, parseXml, type XmlParseOptions } from './parse.js';
export {
  DEFAULT_ID_ATTRIBUTES,
  indexIds,
  type XmlExternalResolver,
  type XmlSignedContent,
} from './references.js';
export { type SignXmlOptions, signXml, type XmlReferenceInput } from './sign.js';
export type { XmlSignatureLimits } from './signature.js';
export {
  findSignatures,
  type VerifyXmlOptions,
  verifyXml,
  type XmlReferenceReport,
  type XmlSignatureFormat,
  type XmlValidationReport,
} from './verify.js';

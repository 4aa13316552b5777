export {
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  type DigestStrength,
  digestAlgorithm,
  digestByOid,
  digestByXmlUri,
  isHashAlgorithmName,
  KEY_ALGORITHM,
  type KeyType,
  keyTypeOf,
  NAMED_CURVES,
  type NamedCurve,
  namedCurve,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  signatureAlgorithmFor,
  signatureByOid,
  signatureByXmlUri,
} from './algorithms.js';
export * from './certificate.js';
export {
  type ContextSlot,
  defaultContext,
  ShomeiContext,
  type ShomeiContextOptions,
} from './context.js';
export { type BackendScheme, type SignatureBackend, webCryptoBackend } from './crypto-backend.js';
// The extension, general-name and name parsers are reachable from '@shomei/core/der'; the main
// entry keeps their types and what a verifier reads from a certificate.
export {
  type AccessDescription,
  type AuthorityKeyIdentifier,
  type BasicConstraints,
  type DistributionPoint,
  type DistributionPointName,
  type Extension,
  type GeneralSubtree,
  KEY_USAGE_BITS,
  type KeyUsage,
  type KeyUsageName,
  type NameConstraints,
  type PolicyConstraints,
  type PolicyInformation,
  type PolicyMapping,
  REASON_FLAG_BITS,
} from './extensions.js';
export { formatGeneralName, type GeneralName, type GeneralNameType } from './general-name.js';
export { type Name, type NameAttribute, namesMatch, parseName } from './name.js';
export * from './oids.js';
// Explicit: verify.ts also holds core-internal variants (verifySignatureByCertificate).
export {
  type SignaturePolicy,
  type SignatureScheme,
  signatureScheme,
  spkiKeyBytes,
  verifySchemeSignature,
  verifySignature,
  weakSignatureHash,
} from './verify.js';

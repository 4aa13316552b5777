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
export * from './extensions.js';
export * from './general-name.js';
export * from './name.js';
export * from './oids.js';
export * from './verify.js';

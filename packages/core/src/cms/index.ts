export type { DigestName } from './algorithms.js';
export type { ContentInput } from './content.js';
export * from './digest-info.js';
export * from './external.js';
export type { HashFactory, IncrementalHash } from './hasher.js';
export { ATTRIBUTE_OID, CMS_OID, DIGEST_OID, SIGNATURE_OID } from './oids.js';
export * from './path-cache.js';
export type { SignatureVerifier } from './public-key.js';
export * from './sign.js';
export * from './timestamp.js';
// verifyCms and its options are exported by ../verify-cms.ts, which adds the long-term mode.
export type { AlgorithmPolicy } from './verify.js';
export type { PathValidator } from './verify-chain.js';

export type { DigestName } from './algorithms.js';
export type { ContentInput } from './content.js';
export * from './digest-info.js';
export type { HashFactory, IncrementalHash } from './hasher.js';
export { ATTRIBUTE_OID, CMS_OID, DIGEST_OID, SIGNATURE_OID } from './oids.js';
export * from './sign.js';
export * from './verify.js';
export type { PathValidator } from './verify-chain.js';

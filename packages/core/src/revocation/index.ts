export type { CrlCheckContext } from './crl-check.js';
export { checkCrls } from './crl-check.js';
export * from './crl-index.js';
export {
  clearRevocationFetchCaches,
  contextFetchCache,
  type FetchOptions,
  fetchBytes,
  RevocationFetchCache,
  type RevocationFetchCacheOptions,
} from './fetch.js';
export * from './ocsp.js';
export type { SourceOutcome } from './outcome.js';
export * from './types.js';

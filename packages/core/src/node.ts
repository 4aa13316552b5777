/**
 * @shomei/core/node — Node-only helpers (file streaming, HTTP fetching of CRLs and OCSP).
 * Re-exports the browser-safe surface so Node users need one import.
 */
export * from './index.js';
export * from './node/crl-file.js';
export * from './node/crypto-backend.js';

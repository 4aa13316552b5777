/**
 * @shomei/core — PKI for JPKI signatures: DER, CMS/CAdES, RFC 5280 paths, revocation, the JPKI profile.
 * Browser-safe: nothing here imports `node:` modules. Node-only helpers live in `@shomei/core/node`.
 */

export * from './cms/index.js';
// The DER reader and writer are reachable from '@shomei/core/der'; the main entry keeps the byte and
// PEM helpers a caller needs to hand certificates, CRLs and signatures in and out.
export * from './der/bytes.js';
export * from './der/pem.js';
export * from './errors.js';
export * from './jpki/index.js';
export * from './login/index.js';
export * from './ltv/index.js';
export * from './path/index.js';
export * from './pdf/index.js';
export * from './report/index.js';
export * from './revocation/index.js';
export * from './signer/index.js';
export * from './signer.js';
export * from './verify-cms.js';
export * from './x509/index.js';
export * from './xml/index.js';
export * from './xml-ltv/index.js';

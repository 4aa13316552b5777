/**
 * @shomei/core/der — the DER and X.509 building blocks under the signing and verifying API: the DER
 * reader and writer, PEM, and the parsers of names, general names and certificate extensions. For
 * tools that encode or inspect ASN.1 structures themselves (the simulator's issuer does); signing and
 * verifying need only `@shomei/core`. Browser-safe. These names may change between minor versions.
 */
export * from './der/index.js';
export * from './x509/extensions.js';
export * from './x509/general-name.js';
export * from './x509/name.js';

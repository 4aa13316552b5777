/**
 * @shomei/simulator/testing — the test kit: certificates, CRLs and OCSP responses built by the
 * simulated authority's encoder (well-formed ones and the deliberately odd ones a verifier must
 * refuse), large CRLs for scale tests, short DER builders, small PDFs with the pdfsig/qpdf referees, the seeded hostile-input harness
 * (fast-check) and the card-input-assistance EF contents. For test suites only: it needs `vitest`
 * and `fast-check` (optional peer dependencies), and its names may change between minor versions.
 */
export * from './card-data.js';
export * from './certificates.js';
export * from './der.js';
export * from './holder.js';
export * from './hostile.js';
export * from './large-crl.js';
export * from './pdf.js';
export * from './revocation.js';

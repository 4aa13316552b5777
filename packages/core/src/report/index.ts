export * from './crl-report.js';
export * from './neutralize.js';
export * from './path-report.js';
export * from './render.js';
export * from './types.js';

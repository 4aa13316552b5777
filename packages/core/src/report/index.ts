export * from './crl-report.js';
export * from './path-report.js';

export * from './crl-index.js';

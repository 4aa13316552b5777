export * from './crypto-key.js';
export * from './pkcs8.js';

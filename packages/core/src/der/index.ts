export * from './bytes.js';
export * from './pem.js';
export * from './reader.js';
export * from './writer.js';

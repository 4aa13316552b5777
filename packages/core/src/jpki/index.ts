export * from './identity.js';
export * from './oids.js';

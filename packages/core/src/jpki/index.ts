export * from './oids.js';

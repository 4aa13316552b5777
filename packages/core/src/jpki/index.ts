export * from './birth-date.js';
export * from './identity.js';
export * from './oids.js';
export * from './profile.js';

export * from './certificate.js';
export * from './extensions.js';
export * from './general-name.js';
export * from './name.js';
export * from './oids.js';
export * from './verify.js';

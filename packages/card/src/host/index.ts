export * from './framing.js';
export * from './host.js';
export * from './install.js';
export * from './operations.js';
export * from './protocol.js';

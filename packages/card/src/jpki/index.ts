export * from './assist-data.js';
export * from './card-signer.js';
export * from './digest-info.js';
export * from './jpki-card.js';
export * from './open.js';
export * from './pin.js';
export * from './tables.js';

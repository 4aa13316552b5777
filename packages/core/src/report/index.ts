export * from './chain.js';
export * from './neutralize.js';
export * from './render.js';
export * from './types.js';

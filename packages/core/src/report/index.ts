export * from './render.js';
export * from './types.js';

export * from './types.js';
export { validatePath } from './validate-path.js';

export { DEFAULT_BUDGET } from './budget.js';
export * from './types.js';
export { validatePath } from './validate-path.js';

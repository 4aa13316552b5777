import type { Verdict } from './types.js';

/** How bad a verdict is, for taking the worst of several (a report's top level is its worst signer). */
export const VERDICT_RANK: Readonly<Record<Verdict, number>> = { valid: 0, indeterminate: 1, invalid: 2 };

/**
 * The long-term validation report types live in report/ (report/long-term.ts), beside the
 * ValidationReport that embeds them; ltv/ builds them.
 */
export * from '../report/long-term.js';

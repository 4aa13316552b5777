/** Printing results and errors, human-readable or `--json` (one JSON document on stdout). */
import { isShomeiError, neutralizeText, type SignerReport } from '@shomei/core';
import { EXIT, type ExitCode } from './command.js';
import { errorDocument } from './contract.js';
import type { CliIo } from './io.js';

/** Codes that mean "the input or the usage was wrong" (exit 2); every other failure is exit 1. */
const USAGE_CODES = new Set([
  'USAGE',
  'PIN_FORMAT_INVALID',
  'INPUT_INVALID',
  'INPUT_NOT_FOUND',
  'OUTPUT_EXISTS',
  'OUTPUT_DIR_MISSING',
  'PURPOSE_REQUIRED',
  'EGOV_ZIP_MALFORMED',
  'EGOV_ZIP_TOO_MANY_ENTRIES',
  'EGOV_ZIP_TOO_LARGE',
  'EGOV_ZIP_UNSAFE_NAME',
]);

export function exitCodeOf(error: unknown): ExitCode {
  return isShomeiError(error) && USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.refused;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, jsonBytes, 2)}\n`);
}

/** Uint8Array → hex in JSON output. */
function jsonBytes(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}

/**
 * The library speaks in option names of its API (`allowLastAttempt: true`); on the command line the
 * same advice names the flag.
 */
export function inCliTerms(message: string): string {
  return message.replace(/Pass allowLastAttempt: true/g, 'Pass --allow-last-attempt');
}

/** Reports a failure and returns its exit code. Messages and details never hold a PIN (errors.ts). */
export function reportError(io: CliIo, error: unknown, json: boolean): ExitCode {
  const code = exitCodeOf(error);
  const doc = errorDocument(error);
  doc.error.message = inCliTerms(doc.error.message);
  if (json) printJson(io, doc);
  else if (isShomeiError(error))
    io.stderr.write(`shomei: ${neutralizeText(doc.error.message)} [${doc.error.code}]\n`);
  else io.stderr.write(`shomei: unexpected failure: ${neutralizeText(doc.error.message)}\n`);
  return code;
}

/** Two aligned columns; card and certificate data are neutralised for the terminal. */
export function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const safe = rows.map(([k, v]) => [neutralizeText(k), neutralizeText(v)] as const);
  const width = Math.max(0, ...safe.map(([k]) => k.length));
  return safe.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/**
 * The `shomei verify` exit code for a report (design.md §4): 0 valid; 2 when the signature itself
 * could not be read (its `format` check failed: unreadable input); 1 for invalid or indeterminate.
 */
export function reportExitCode(report: Pick<SignerReport, 'verdict' | 'checks'>): ExitCode {
  if (report.verdict === 'valid') return EXIT.ok;
  return report.checks.some((c) => c.name === 'format' && !c.ok) ? EXIT.usage : EXIT.refused;
}

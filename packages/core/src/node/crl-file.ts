/**
 * Node-only: `shomei crl` on a file path. One synchronous read into a single buffer (no copies), then
 * the compact index; used by the CLI and by the whole-process benchmark against `openssl crl`.
 */
import { readFileSync } from 'node:fs';
import { coreError } from '../errors.js';
import { runCrlCommand } from '../report/crl-report.js';
import type { CommandOutput } from '../report/path-report.js';

export function runCrlCommandOnFile(
  file: string,
  serials: readonly string[] = [],
  json = false,
): CommandOutput {
  let bytes: Uint8Array;
  try {
    const buf = readFileSync(file);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (cause) {
    const e = coreError('INPUT_INVALID', `Cannot read ${file}.`, { cause });
    return {
      exitCode: 2,
      stdout: json ? `${JSON.stringify({ error: e.toJSON() })}\n` : `error: ${e.message}\n`,
    };
  }
  return runCrlCommand({ crl: bytes, serials, json });
}

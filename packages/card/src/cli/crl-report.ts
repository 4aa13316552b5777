/**
 * `shomei crl <crl> [--serial <hex>]… [--json]` (design.md §4) without argv parsing: issuer,
 * this/next update, entry count, and for each serial `revoked` (date, reason) or `good`.
 * Exit code: 0 when every looked-up serial is good, 1 when one is revoked, 2 for unreadable input.
 * The file is read with one synchronous read into a single buffer (no copies), then indexed; the
 * whole-process benchmark against `openssl crl` runs this path.
 */
import { readFileSync } from 'node:fs';
import {
  CrlIndex,
  derObjects,
  isShomeiError,
  neutralizeText,
  type ShomeiError,
  serialFromHex,
  toHex,
} from '@shomei/core';
import { cardError } from '../errors.js';
import { EXIT } from './command.js';
import type { CommandOutput } from './path-report.js';

export interface CrlCommandInput {
  /** The CRL file's bytes (DER or PEM). */
  readonly crl: Uint8Array;
  readonly serials?: readonly string[];
  readonly json?: boolean;
}

export interface SerialLookup {
  readonly serial: string;
  readonly status: 'good' | 'revoked';
  readonly revokedAt?: string;
  readonly reason?: string;
}

export function lookupSerials(index: CrlIndex, serials: readonly string[]): SerialLookup[] {
  return serials.map((s) => {
    const serial = serialFromHex(s);
    const e = index.lookup(serial);
    return e
      ? {
          serial: toHex(serial),
          status: 'revoked',
          revokedAt: e.revocationDate.toISOString(),
          ...(e.reason ? { reason: e.reason } : {}),
        }
      : { serial: toHex(serial), status: 'good' };
  });
}

const unreadable = (e: ShomeiError, json: boolean | undefined): CommandOutput => ({
  exitCode: EXIT.usage,
  stdout: json
    ? `${JSON.stringify({ error: e.toJSON() })}\n`
    : `error: ${e.code}: ${neutralizeText(e.message)}\n`,
});

export function runCrlCommand(input: CrlCommandInput): CommandOutput {
  let index: CrlIndex;
  let lookups: SerialLookup[];
  try {
    index = CrlIndex.from(derObjects(input.crl, ['X509 CRL'])[0]!);
    lookups = lookupSerials(index, input.serials ?? []);
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    return unreadable(e, input.json);
  }
  const exitCode = lookups.some((l) => l.status === 'revoked') ? EXIT.refused : EXIT.ok;
  const doc = {
    issuer: index.issuer.text,
    thisUpdate: index.thisUpdate.toISOString(),
    nextUpdate: index.nextUpdate?.toISOString() ?? null,
    crlNumber: index.crlNumber ? toHex(index.crlNumber) : null,
    delta: index.isDelta,
    count: index.size,
    lookups,
  };
  if (input.json) return { exitCode, stdout: `${JSON.stringify(doc)}\n` };
  const lines = [
    `issuer: ${doc.issuer}`,
    `thisUpdate: ${doc.thisUpdate}`,
    `nextUpdate: ${doc.nextUpdate ?? '(none)'}`,
    ...(doc.crlNumber ? [`crlNumber: ${doc.crlNumber}${doc.delta ? ' (delta)' : ''}`] : []),
    `entries: ${doc.count}`,
    ...lookups.map((l) =>
      l.status === 'revoked'
        ? `${l.serial}: revoked at ${l.revokedAt} (${l.reason ?? 'unspecified'})`
        : `${l.serial}: good`,
    ),
  ];
  return { exitCode, stdout: `${lines.map(neutralizeText).join('\n')}\n` };
}

/** `shomei crl` on a file path. */
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
    return unreadable(cardError('INPUT_INVALID', `Cannot read ${file}.`, { cause }), json);
  }
  return runCrlCommand({ crl: bytes, serials, json });
}

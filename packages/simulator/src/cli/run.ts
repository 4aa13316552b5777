/**
 * `shomei-sim` commands (design.md §4). The process entry is main.ts. The router keeps the contract
 * both bins share (docs/cli.md, @shomei/card's cli/contract.ts): `--help` on every command, did-you-mean
 * for mistyped commands and options, exit 2 for usage, one JSON error shape on stdout with `--json`.
 * Adding a command = one entry in COMMANDS.
 */

import {
  errorDocument,
  optionsOfUsage,
  packageVersion,
  parseArgsMessage,
  suggestion,
  wantsHelp,
  wantsJson,
} from '@shomei/card';
import { isShomeiError } from '@shomei/core';
import { simulatorError } from '../errors.js';
import { runAudit } from './audit.js';
import { runAuthority } from './authority.js';
import { runInspect } from './inspect.js';
import { runIssue } from './issue.js';
import { runRevocation } from './revocation.js';
import { runServe } from './serve.js';

const HELP = `shomei-sim — a virtual JPKI card (My Number card / Juki card) for tests

Usage:
  shomei-sim issue --profile <holder.json> --out <card-file> [--force]
                   [--atr <hex>] [--blocked-pin-sw 6983|6984] [--keep-verification-on-select]
                   [--fci] [--no-get-challenge] [--json]
                   [--authority <dir> --operator-card <file> [--pin-stdin]]
  shomei-sim serve <card-file> [--vpcd <host:port>] [--reader-slot 0|1]
  shomei-sim inspect <card-file> [--json]
  shomei-sim authority init --operator-name <name> --operator-card <out-file> [--pin-stdin]
                   [--dir <dir>] [--root] [--label <text>] [--base-url <url>]
  shomei-sim authority serve [--dir <dir>] [--port <n>] [--host <addr>] [--allow-non-loopback]
  shomei-sim revoke <card-file|serial> [--reason <RFC 5280 reason>] --operator-card <file> [--pin-stdin] [--dir <dir>]
  shomei-sim hold|release <card-file|serial> --operator-card <file> [--pin-stdin] [--dir <dir>]
  shomei-sim audit verify [--dir <dir>] [--json]

issue    creates a card file: key pairs are generated inside the virtual card, certificates come
         from the built-in test CA. holder.json: { "name", "nameSubstitute"?, "address",
         "addressSubstitute"?, "birthDate": "YYYY-MM-DD", "sex": "male"|"female"|"unspecified",
         "myNumber", "pins": { "sign", "auth", "assist" }, "profile"?: "mynumber"|"juki" }
         With --authority, the certificates come from that authority directory instead (created
         with a default authority and operator card when absent), under the operator's session.
serve    inserts the card into pcscd's vpcd reader until SIGINT or SIGTERM, saving PIN counters back
         to the card file. --vpcd is vpcd's base address (default 127.0.0.1:35963, its CHANNELID);
         --reader-slot adds to the port (slot 1 = 35964 = "Virtual PCD 00 01").
inspect  prints the holder, the certificates and the PIN counters (never the PINs).
authority init   creates an issuing authority (default dir .shomei-sim/authority) and its first
         operator card; the operator PIN (4–8 digits) is prompted or read from stdin.
authority serve  serves CRLs (/crl/<ca>[-delta].crl), OCSP (/ocsp) and time stamps (/tsa) on
         127.0.0.1 (default port 8370), creating a default authority when the dir has none.
revoke, hold, release  change a certificate's status (a card file: both of its certificates) under
         an operator session; CRLs are republished at once. revoke's reason defaults to keyCompromise.
audit verify  checks the authority's hash-chained audit log (exit 1 when it was tampered with).

Every command takes --help; --json makes errors one JSON document on stdout. shomei-sim --version
prints the version. Exit codes: 0 ok, 1 refused or failed, 2 usage or unreadable input.
`;

interface SimCommand {
  /** Words after `shomei-sim`. */
  path: readonly string[];
  usage: string;
  summary: string;
  run(args: readonly string[]): Promise<number>;
}

export const COMMANDS: readonly SimCommand[] = [
  {
    path: ['issue'],
    usage:
      'shomei-sim issue --profile <holder.json> --out <card-file> [--force] [--atr <hex>] [--blocked-pin-sw 6983|6984] [--keep-verification-on-select] [--fci] [--no-get-challenge] [--authority <dir> --operator-card <file> [--pin-stdin]] [--json]',
    summary: 'Create a virtual card file: keys generated inside the card, certificates from a test CA.',
    run: runIssue,
  },
  {
    path: ['serve'],
    usage: 'shomei-sim serve <card-file> [--vpcd <host:port>] [--reader-slot 0|1] [--reconnect-ms <ms>]',
    summary: "Insert the card into pcscd's vpcd reader until SIGINT or SIGTERM.",
    run: runServe,
  },
  {
    path: ['inspect'],
    usage: 'shomei-sim inspect <card-file> [--json]',
    summary: 'Print the holder, the certificates and the PIN counters (never the PINs).',
    run: runInspect,
  },
  {
    path: ['authority', 'init'],
    usage:
      'shomei-sim authority init --operator-name <name> --operator-card <out-file> [--pin-stdin] [--dir <dir>] [--root] [--label <text>] [--base-url <url>]',
    summary: 'Create an issuing authority and its first operator card.',
    run: (args) => runAuthority(['init', ...args]),
  },
  {
    path: ['authority', 'serve'],
    usage: 'shomei-sim authority serve [--dir <dir>] [--port <n>] [--host <addr>] [--allow-non-loopback]',
    summary: 'Serve CRLs, OCSP and time stamps over HTTP on loopback.',
    run: (args) => runAuthority(['serve', ...args]),
  },
  ...(['revoke', 'hold', 'release'] as const).map((action) => ({
    path: [action],
    usage: `shomei-sim ${action} <card-file|serial> ${action === 'revoke' ? '[--reason <RFC 5280 reason>] ' : ''}--operator-card <file> [--pin-stdin] [--dir <dir>] [--json]`,
    summary:
      action === 'revoke'
        ? 'Revoke a certificate (a card file: both of its certificates); CRLs are republished at once.'
        : action === 'hold'
          ? 'Suspend a certificate (certificateHold).'
          : 'Release a suspended certificate.',
    run: (args: readonly string[]) => runRevocation(action, args),
  })),
  {
    path: ['audit', 'verify'],
    usage: 'shomei-sim audit verify [--dir <dir>] [--json]',
    summary: "Check the authority's hash-chained audit log (exit 1 when it was tampered with).",
    run: (args) => runAudit(['verify', ...args]),
  },
];

export const VERSION: string = packageVersion(import.meta.url, '@shomei/simulator');

export async function runCli(argv: readonly string[]): Promise<number> {
  const json = wantsJson(argv);
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(
      json
        ? `${JSON.stringify({ ok: true, name: 'shomei-sim', version: VERSION })}\n`
        : `shomei-sim ${VERSION}\n`,
    );
    return 0;
  }
  const command = COMMANDS.filter((c) => c.path.every((w, i) => argv[i] === w)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0];
  if (!command) return unknownCommand(argv, json);
  const args = argv.slice(command.path.length);
  if (wantsHelp(args)) {
    process.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (e) {
    return reportError(e, json, command);
  }
}

function unknownCommand(argv: readonly string[], json: boolean): number {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  if (words[0] === 'help') words.shift();
  const group =
    words[0] !== undefined && COMMANDS.some((c) => c.path.length > 1 && c.path[0] === words[0])
      ? [words[0]]
      : [];
  if (argv[0] === 'help' || (wantsHelp(argv) && words.length === group.length)) {
    process.stdout.write(group.length ? groupHelp(group[0]!) : HELP);
    return 0;
  }
  const next = words[group.length];
  const siblings = new Set(
    COMMANDS.filter((c) => group.every((w, i) => c.path[i] === w)).map((c) => c.path[group.length]!),
  );
  const where = group.length ? `${group[0]} ` : '';
  const message =
    next === undefined
      ? `shomei-sim ${where}needs a command: ${[...siblings].join(', ')}. Run "shomei-sim ${where}--help".`
      : `Unknown command "${where}${next}".${suggestion(next, siblings)} Run "shomei-sim ${where}--help" for the list.`;
  return reportError(simulatorError('USAGE', message), json);
}

function groupHelp(group: string): string {
  const shown = COMMANDS.filter((c) => c.path[0] === group);
  return `${shown.map((c) => `Usage: ${c.usage}\n  ${c.summary}`).join('\n\n')}\n`;
}

/** Codes that mean "the input or the usage was wrong": exit 2. */
const USAGE_CODES = new Set([
  'USAGE',
  'HOLDER_PROFILE_INVALID',
  'CARD_FILE_INVALID',
  'CARD_FILE_UNREADABLE',
  'INPUT_NOT_FOUND',
  'OUTPUT_EXISTS',
  'VPCD_ADDRESS_INVALID',
  'AUTHORITY_NOT_FOUND',
  'REVOCATION_REASON_INVALID',
  'OPERATOR_PIN_FORMAT_INVALID',
]);

/**
 * Reports an error (JSON on stdout with --json, one line on stderr without) and maps it to an exit
 * code. The failing command's usage line names the options a mistyped one is compared with.
 */
export function reportError(e: unknown, json = false, command?: SimCommand): number {
  const parseMessage = parseArgsMessage(
    e,
    optionsOfUsage(command?.usage ?? HELP),
    `shomei-sim ${command ? `${command.path.join(' ')} ` : ''}--help`,
  );
  const error = parseMessage ? simulatorError('USAGE', parseMessage, { cause: e }) : e;
  const doc = errorDocument(error);
  if (json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else if (isShomeiError(error))
    process.stderr.write(`shomei-sim: ${doc.error.message} [${doc.error.code}]\n`);
  else process.stderr.write(`shomei-sim: unexpected error: ${doc.error.message}\n`);
  return isShomeiError(error) && USAGE_CODES.has(error.code) ? 2 : 1;
}

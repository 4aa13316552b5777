/**
 * `shomei-sim` commands (design.md §4): `issue`, `serve`, `inspect`. The process entry is main.ts.
 * Exit codes: 0 ok, 1 operation refused/failed, 2 usage or unreadable input.
 */
import { isShomeiError } from '@shomei/core';
import { runInspect } from './inspect.js';
import { runIssue } from './issue.js';
import { runServe } from './serve.js';

const HELP = `shomei-sim — a virtual JPKI card (My Number card / Juki card) for tests

Usage:
  shomei-sim issue --profile <holder.json> --out <card-file> [--force]
                   [--atr <hex>] [--blocked-pin-sw 6983|6984] [--keep-verification-on-select]
                   [--fci] [--no-get-challenge] [--json]
  shomei-sim serve <card-file> [--vpcd <host:port>] [--reader-slot 0|1]
  shomei-sim inspect <card-file> [--json]

issue    creates a card file: key pairs are generated inside the virtual card, certificates come
         from the built-in test CA. holder.json: { "name", "nameSubstitute"?, "address",
         "addressSubstitute"?, "birthDate": "YYYY-MM-DD", "sex": "male"|"female"|"unspecified",
         "myNumber", "pins": { "sign", "auth", "assist" }, "profile"?: "mynumber"|"juki" }
serve    inserts the card into pcscd's vpcd reader until SIGINT or SIGTERM, saving PIN counters back
         to the card file. --vpcd is vpcd's base address (default 127.0.0.1:35963, its CHANNELID);
         --reader-slot adds to the port (slot 1 = 35964 = "Virtual PCD 00 01").
inspect  prints the holder, the certificates and the PIN counters (never the PINs).
`;

export async function runCli(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'issue':
        return await runIssue(rest);
      case 'serve':
        return await runServe(rest);
      case 'inspect':
        return await runInspect(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`shomei-sim: unknown command "${command}".\n\n${HELP}`);
        return 2;
    }
  } catch (e) {
    return reportError(e);
  }
}

/** Prints an error for a person and maps it to an exit code. */
export function reportError(e: unknown): number {
  if (isShomeiError(e)) {
    process.stderr.write(`shomei-sim: ${e.message} [${e.code}]\n`);
    const usage = [
      'USAGE',
      'HOLDER_PROFILE_INVALID',
      'CARD_FILE_INVALID',
      'CARD_FILE_UNREADABLE',
      'VPCD_ADDRESS_INVALID',
    ];
    return usage.includes(e.code) ? 2 : 1;
  }
  if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`shomei-sim: ${e.message}. Run \`shomei-sim --help\`.\n`);
    return 2;
  }
  process.stderr.write(`shomei-sim: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}

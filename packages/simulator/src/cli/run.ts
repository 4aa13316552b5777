/**
 * `shomei-sim` commands (design.md §4): `issue`, `serve`, `inspect`. The process entry is main.ts.
 * Exit codes: 0 ok, 1 operation refused/failed, 2 usage or unreadable input.
 */
import { isShomeiError } from '@shomei/core';
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
      case 'authority':
        return await runAuthority(rest);
      case 'revoke':
      case 'hold':
      case 'release':
        return await runRevocation(command, rest);
      case 'audit':
        return await runAudit(rest);
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
      'AUTHORITY_NOT_FOUND',
      'REVOCATION_REASON_INVALID',
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

/**
 * The `shomei` command router: finds the longest registered command path in argv (`card info`,
 * `verify`, …) and runs it. Adding a command = one file + one line in `defaultCommands`; the router
 * gives it `--help`, did-you-mean for mistyped commands and options, and the one error shape of
 * contract.ts (JSON on stdout with `--json`, a line on stderr without).
 */

import { cardError } from '../errors.js';
import { cardAttrsCommand } from './card-attrs.js';
import { cardCertsCommand } from './card-certs.js';
import { cardInfoCommand } from './card-info.js';
import type { CardCliDeps } from './card-options.js';
import { cardPinStatusCommand } from './card-pin-status.js';
import { cardReadersCommand } from './card-readers.js';
import { augmentCommand } from './cms-augment.js';
import { signCommand } from './cms-sign.js';
import { verifyCommand } from './cms-verify.js';
import { type CliCommand, EXIT, type ExitCode } from './command.js';
import { packageVersion, suggestion, wantsHelp, wantsJson } from './contract.js';
import type { CliIo } from './io.js';
import { reportError } from './output.js';
import { crlCommand } from './pki-crl.js';
import { pathCommand } from './pki-path.js';

export function defaultCommands(deps?: CardCliDeps): CliCommand[] {
  return [
    cardReadersCommand(deps),
    cardInfoCommand(deps),
    cardCertsCommand(deps),
    cardPinStatusCommand(deps),
    cardAttrsCommand(deps),
    signCommand(deps),
    verifyCommand(),
    augmentCommand(),
    pathCommand(),
    crlCommand(),
  ];
}

export function helpText(commands: readonly CliCommand[], prefix: readonly string[] = []): string {
  const shown = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const width = Math.max(...shown.map((c) => c.path.join(' ').length));
  return [
    `Usage: shomei ${prefix.length ? `${prefix.join(' ')} ` : ''}<command> [options]`,
    '',
    ...shown.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    `Run "shomei <command> --help" for a command's options; "shomei --version" for the version.`,
    'Exit codes: 0 ok, 1 invalid or refused, 2 usage or unreadable input. PINs are never arguments.',
    '',
  ].join('\n');
}

export interface RunOptions {
  commands?: readonly CliCommand[];
  signal?: AbortSignal;
}

export const VERSION: string = packageVersion(import.meta.url, '@shomei/card');

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  options: RunOptions = {},
): Promise<ExitCode> {
  const commands = options.commands ?? defaultCommands();
  const signal = options.signal ?? new AbortController().signal;
  const json = wantsJson(argv);
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.stdout.write(
      json ? `${JSON.stringify({ ok: true, name: 'shomei', version: VERSION })}\n` : `shomei ${VERSION}\n`,
    );
    return EXIT.ok;
  }
  const command = commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!command) return unknownCommand(argv, commands, io, json);
  const args = argv.slice(command.path.length);
  if (wantsHelp(args)) {
    io.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run({ args, io, signal });
  } catch (error) {
    return reportError(io, error, json);
  }
}

/** No command matched: help when asked for (or for a group such as `card`), else a usage error. */
function unknownCommand(
  argv: readonly string[],
  commands: readonly CliCommand[],
  io: CliIo,
  json: boolean,
): ExitCode {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  if (words[0] === 'help') words.shift();
  // The longest prefix of argv that is a command group (`card`), or the top level.
  let depth = 0;
  while (
    depth < words.length &&
    commands.some(
      (c) =>
        c.path.length > depth + 1 &&
        c.path.slice(0, depth + 1).join(' ') === words.slice(0, depth + 1).join(' '),
    )
  )
    depth++;
  const group = words.slice(0, depth);
  const asked = argv[0] === 'help' || (wantsHelp(argv) && words.length === depth);
  if (asked) {
    io.stdout.write(helpText(commands, group));
    return EXIT.ok;
  }
  const next = words[depth];
  const siblings = new Set(
    commands.filter((c) => group.every((w, i) => c.path[i] === w)).map((c) => c.path[depth]!),
  );
  const message =
    next === undefined
      ? `shomei ${group.join(' ')}${group.length ? ' ' : ''}needs a command: ${[...siblings].join(', ')}.`
      : `Unknown command "${[...group, next].join(' ')}".${suggestion(next, siblings)} Run "shomei ${group.length ? `${group.join(' ')} ` : ''}--help" for the list.`;
  return reportError(io, cardError('USAGE', message), json);
}

/**
 * The `shomei` command router: finds the longest registered command path in argv (`card info`,
 * later `path`, `crl`, `sign`, `verify`) and runs it. Adding a command = one file + one line in
 * `defaultCommands`.
 */
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
    'Usage: shomei <command> [options]',
    '',
    ...shown.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 ok, 1 invalid or refused, 2 usage or unreadable input. PINs are never arguments.',
    '',
  ].join('\n');
}

export interface RunOptions {
  commands?: readonly CliCommand[];
  signal?: AbortSignal;
}

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  options: RunOptions = {},
): Promise<ExitCode> {
  const commands = options.commands ?? defaultCommands();
  const signal = options.signal ?? new AbortController().signal;
  const matches = commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length);
  const command = matches[0];
  if (!command) {
    const wantsHelp = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help';
    const prefix = argv.filter((a) => !a.startsWith('-'));
    io[wantsHelp ? 'stdout' : 'stderr'].write(
      wantsHelp
        ? helpText(commands)
        : `shomei: unknown command "${prefix.join(' ')}".\n\n${helpText(commands)}`,
    );
    return wantsHelp ? EXIT.ok : EXIT.usage;
  }
  const args = argv.slice(command.path.length);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run({ args, io, signal });
  } catch (error) {
    return reportError(io, error, args.includes('--json'));
  }
}

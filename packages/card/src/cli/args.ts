/**
 * Strict argv parsing for the commands: an unknown option (e.g. a `--pin`) is a usage error, exit 2,
 * with a did-you-mean drawn from the command's own options (contract.ts).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { cardError } from '../errors.js';
import { parseArgsMessage } from './contract.js';

type Options = NonNullable<ParseArgsConfig['options']>;

type ParsedArgs<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

export function parseCommandArgs<const O extends Options>(
  args: string[],
  options: O,
  command: string,
): ParsedArgs<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const known = Object.keys(options).map((name) => `--${name}`);
    const message = parseArgsMessage(error, known, `shomei ${command} --help`);
    throw cardError('USAGE', message ?? (error as Error).message.split('\n')[0]!, { cause: error });
  }
}

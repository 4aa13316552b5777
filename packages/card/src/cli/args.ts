/** Strict argv parsing for the commands: an unknown option (e.g. a `--pin`) is a usage error, exit 2. */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type ParsedArgs<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

import { cardError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<const O extends Options>(
  args: string[],
  options: O,
  command: string,
): ParsedArgs<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw cardError('USAGE', `${(error as Error).message.split('\n')[0]} (see shomei ${command} --help).`, {
      cause: error,
    });
  }
}

/**
 * The shape of a `shomei` command. The router (router.ts) maps a command path such as `card info` to
 * one of these; each lives in its own file and stays a thin shell over the library (style.md §1).
 * Exit codes (design.md §4): 0 ok, 1 invalid / indeterminate / refused, 2 usage or unreadable input.
 */
import type { CliIo } from './io.js';

export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CommandContext {
  /** Arguments after the command path. */
  args: string[];
  io: CliIo;
  signal: AbortSignal;
}

export interface CliCommand {
  /** Words after `shomei`, e.g. `['card', 'info']`. */
  path: readonly string[];
  summary: string;
  usage: string;
  run(context: CommandContext): Promise<ExitCode>;
}

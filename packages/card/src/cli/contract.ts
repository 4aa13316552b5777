/**
 * The contract both command-line programs keep (docs/cli.md "Everywhere"), written once so that the
 * `shomei` and `shomei-sim` routers, and any command added to them, behave the same:
 *
 * - an unknown command or option is exit 2 with a one-line message and, when something registered
 *   is close, a "did you mean";
 * - with `--json` every error is one JSON document on stdout, `{ ok: false, error: { code, message,
 *   … } }`; without it the message goes to stderr as `<bin>: <message> [<CODE>]`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isShomeiError } from '@shomei/core';

/** The one JSON shape of a failure on stdout. */
export interface CliErrorDocument {
  ok: false;
  error: { code: string; message: string; name?: string; details?: Readonly<Record<string, unknown>> };
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short words. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate to a mistyped word, when one is close enough to be what was meant. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate.startsWith(word) && word.length >= 3) return candidate;
    const dist = distance(word, candidate);
    if (dist < bestDistance) {
      best = candidate;
      bestDistance = dist;
    }
  }
  const allowed = Math.max(1, Math.floor(word.replace(/^-+/, '').length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** ` Did you mean "x"?` or nothing. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const match = didYouMean(word, candidates);
  return match ? ` Did you mean "${match}"?` : '';
}

/** The `--long` options a usage line mentions: the candidates for an unknown option's did-you-mean. */
export function optionsOfUsage(usage: string): string[] {
  return [...new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? [])];
}

/**
 * A one-line message for a node:util parseArgs failure (unknown option, missing value), with a
 * did-you-mean drawn from the command's options, or undefined when the error is not one of those.
 */
export function parseArgsMessage(
  error: unknown,
  options: readonly string[],
  help: string,
): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return undefined;
  const first = (error as Error).message.split('\n')[0]!;
  const unknown = /^Unknown option '(-[^']*)'/.exec(first);
  if (unknown) return `Unknown option ${unknown[1]}.${suggestion(unknown[1]!, options)} (see ${help}).`;
  return `${first.replace(/\.$/, '')} (see ${help}).`;
}

/** The JSON document for any failure: a shomei error keeps its name, code and details. */
export function errorDocument(error: unknown): CliErrorDocument {
  if (isShomeiError(error)) return { ok: false, error: error.toJSON() };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: { code: 'INTERNAL', message } };
}

/** True when the words before any `--` ask for JSON output. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/** True when the words before any `--` ask for help. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const words = end < 0 ? argv : argv.slice(0, end);
  return words.includes('--help') || words.includes('-h');
}

/**
 * The version of the package `name`, read from the nearest package.json above `moduleUrl` that
 * carries that name (the same code runs from `src/cli/` in the repository and from `dist/` installed).
 */
export function packageVersion(moduleUrl: string, name: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/**
 * Run through a package script (`pnpm shomei …` from a subdirectory), the process starts in the
 * directory of package.json while the user typed paths relative to where they stand: pnpm and npm
 * pass that directory as INIT_CWD. Paths are resolved from there, as for an installed bin.
 */
export function enterUserDirectory(script: string): void {
  const initCwd = process.env.INIT_CWD;
  if (process.env.npm_lifecycle_event === script && initCwd && initCwd !== process.cwd())
    process.chdir(initCwd);
}

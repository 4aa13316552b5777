/**
 * Executed documentation: every shell block of the documented pages (pages.ts) is run, so a command
 * on a page cannot stop working unnoticed. The conventions, also in DEVELOPERS.md:
 *
 * - ` ```sh ` (or bash, shell, console) runs with `bash -e -o pipefail` and must exit 0.
 * - ` ```sh exit=2 ` expects that exit code instead.
 * - ` ```sh cwd=repo ` runs in the repository root (for `pnpm …` commands a reader types in a clone);
 *   the block must leave no new file there. Without it a block runs in a temporary directory made
 *   for its page: blocks of a page share it, in order, as a reader following the page would.
 * - ` ```sh no-run: <reason> ` is not run; the reason is required (needs root, a real card, …).
 * - A block whose lines start with `$ ` is a transcript: those lines are the commands, the other
 *   lines their expected output, each of which must appear in what the commands print (a line
 *   holding `…` is an abbreviation and is not compared).
 * - ` ```ts run ` marks a TypeScript block that is a complete program: it is run with tsx (and, like
 *   every ts block, type-checked by code-blocks.ts).
 * - `<!-- docs-run: … -->` (a hidden comment, several lines allowed) runs in the page's directory
 *   at that point, to prepare what the prose says the reader already has (a PIN in `$SIGN_PIN`).
 *
 * `shomei` and `shomei-sim` are on the PATH as the installed bins would be (the repository's sources
 * through tsx), so the pages can show the commands as a user types them.
 */
import { spawn } from 'node:child_process';

export interface ShellStep {
  /** Page, relative to the repository root. */
  page: string;
  /** 1-based line of the fence (or of the comment). */
  line: number;
  kind: 'block' | 'setup';
  /** The script to run (for a transcript: its `$ ` lines). */
  script: string;
  /** Expected output lines (transcripts only). */
  expected: string[];
  exit: number;
  cwd: 'page' | 'repo';
  /** Set when the block is not run. */
  noRun?: string;
  timeoutMs: number;
}

const SHELL = new Set(['sh', 'bash', 'shell', 'console']);

/** The shell blocks and hidden setup comments of a page, in page order. */
export function extractShellSteps(page: string, markdown: string): ShellStep[] {
  const steps: ShellStep[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.startsWith('<!-- docs-run:')) {
      const end = lines.findIndex((l, j) => j >= i && l.includes('-->'));
      const body = [text.slice('<!-- docs-run:'.length), ...lines.slice(i + 1, end + 1)]
        .join('\n')
        .replace(/-->[\s\S]*$/, '');
      steps.push({
        page,
        line: i + 1,
        kind: 'setup',
        script: body.trim(),
        expected: [],
        exit: 0,
        cwd: 'page',
        timeoutMs: 60_000,
      });
      i = end;
      continue;
    }
    const open = /^```(\S*)\s*(.*)$/.exec(text);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) break;
    const [lang, info] = [open[1]!, open[2]!];
    if (SHELL.has(lang)) steps.push(shellBlock(page, i + 1, info, lines.slice(i + 1, end)));
    else if ((lang === 'ts' || lang === 'typescript') && /(?:^|\s)run\b/.test(info)) {
      steps.push(programBlock(page, i + 1, info, lines.slice(i + 1, end)));
    }
    i = end;
  }
  return steps;
}

/**
 * A ` ```ts run ` block is a complete program: it is written to a file in the page's directory and
 * run with tsx (`$DOCS_TSX`, with the repository's tsconfig in `$DOCS_TSCONFIG`, so `@shomei/*` are
 * the sources), then the file is removed.
 */
function programBlock(page: string, line: number, info: string, body: string[]): ShellStep {
  const file = `.docs-run-${line}.mts`;
  const exit = /(?:^|\s)exit=(\d+)/.exec(info);
  return {
    page,
    line,
    kind: 'block',
    script: [
      `cat > ${file} <<'__DOCS_RUN_TS__'`,
      ...body,
      '__DOCS_RUN_TS__',
      `trap 'rm -f ${file}' EXIT`,
      `"$DOCS_TSX" --tsconfig "$DOCS_TSCONFIG" ${file}`,
    ].join('\n'),
    expected: [],
    exit: exit ? Number(exit[1]) : 0,
    cwd: 'page',
    timeoutMs: 60_000,
  };
}

function shellBlock(page: string, line: number, info: string, body: string[]): ShellStep {
  const noRun = /(?:^|\s)no-run(?::\s*(.*))?$/.exec(info);
  const exit = /(?:^|\s)exit=(\d+)/.exec(info);
  const timeout = /(?:^|\s)timeout=(\d+)/.exec(info);
  const transcript = body.some((l) => l.startsWith('$ '));
  const commands: string[] = [];
  const expected: string[] = [];
  if (transcript) {
    let continued = false;
    for (const l of body) {
      if (l.startsWith('$ ') || continued) {
        const command: string = continued ? l : l.slice(2);
        commands.push(command);
        continued = command.endsWith('\\');
      } else if (l.trim() !== '' && !l.includes('…')) expected.push(l.trim());
    }
  }
  return {
    page,
    line,
    kind: 'block',
    script: transcript ? commands.join('\n') : body.join('\n'),
    expected,
    exit: exit ? Number(exit[1]) : 0,
    cwd: /(?:^|\s)cwd=repo\b/.test(info) ? 'repo' : 'page',
    ...(noRun ? { noRun: (noRun[1] ?? '').trim() } : {}),
    timeoutMs: timeout ? Number(timeout[1]) * 1000 : 60_000,
  };
}

export interface StepResult {
  code: number | null;
  output: string;
  timedOut: boolean;
  /** The step's process group: what it started in the background lives on until `endGroup`. */
  group: number | undefined;
}

/**
 * Runs one step with bash in `cwd` and the given environment, in a process group of its own. A
 * background job the block starts (a server with `&`) keeps running for the page's later blocks, as
 * in a reader's terminal; the caller ends it with `endGroup` when the page is done.
 */
export function runStep(step: ShellStep, cwd: string, env: NodeJS.ProcessEnv): Promise<StepResult> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', step.script], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      endGroup(child.pid);
    }, step.timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Give the pipes a moment to drain what the shell printed last.
      setTimeout(() => resolve({ code, output, timedOut, group: child.pid }), 50);
    });
  });
}

/** Ends a step's process group (its background jobs). */
export function endGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // the group is gone already
  }
}

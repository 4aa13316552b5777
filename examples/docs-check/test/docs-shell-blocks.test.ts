/**
 * Every shell block of README.md, DEVELOPERS.md, docs/ and examples/<name>/README.md runs as written
 * (conventions in ../src/shell-blocks.ts and DEVELOPERS.md), or says why it cannot.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedPages } from '../src/pages.js';
import { extractShellSteps, runStep, type ShellStep } from '../src/shell-blocks.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const pages = documentedPages(ROOT).map((page) => ({
  page,
  steps: extractShellSteps(page, readFileSync(join(ROOT, page), 'utf8')),
}));

let base: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'shomei-docs-run-'));
  const bin = join(base, 'bin');
  mkdirSync(bin);
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const tsconfig = join(ROOT, 'tsconfig.json');
  for (const [name, main] of [
    ['shomei', 'packages/card/src/cli/main.ts'],
    ['shomei-sim', 'packages/simulator/src/cli/main.ts'],
  ] as const) {
    writeFileSync(
      join(bin, name),
      `#!/bin/sh\nexec "${tsx}" --tsconfig "${tsconfig}" "${join(ROOT, main)}" "$@"\n`,
    );
    chmodSync(join(bin, name), 0o755);
  }
  const { INIT_CWD: _i, npm_lifecycle_event: _e, npm_lifecycle_script: _s, ...rest } = process.env;
  env = {
    ...rest,
    PATH: `${bin}:${process.env.PATH}`,
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
  };
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Untracked and modified files of the repository, to prove that a `cwd=repo` block leaves none. */
const repoChanges = () =>
  execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });

async function runPage(page: string, steps: ShellStep[]): Promise<string[]> {
  const dir = mkdtempSync(join(base, `${page.replaceAll('/', '_')}-`));
  // What a setup comment exports reaches the page's later blocks, as in one reader's shell.
  const exported = `${dir}.env`;
  writeFileSync(exported, '');
  const failures: string[] = [];
  for (const step of steps) {
    if (step.noRun !== undefined) continue;
    const before = step.cwd === 'repo' ? repoChanges() : '';
    const script =
      step.kind === 'setup'
        ? `source "${exported}"\n${step.script}\nexport -p > "${exported}"`
        : `source "${exported}"\n${step.script}`;
    const result = await runStep({ ...step, script }, step.cwd === 'repo' ? ROOT : dir, {
      ...env,
      HOME: dir,
    });
    const where = `${page}:${step.line}`;
    if (result.timedOut)
      failures.push(`${where}: timed out after ${step.timeoutMs / 1000} s\n${result.output}`);
    else if (result.code !== step.exit)
      failures.push(
        `${where}: exit ${result.code}, expected ${step.exit}\n$ ${step.script}\n${result.output}`,
      );
    for (const line of step.expected) {
      if (!result.output.includes(line))
        failures.push(`${where}: expected output line missing: ${line}\n${result.output}`);
    }
    if (step.cwd === 'repo' && repoChanges() !== before)
      failures.push(`${where}: left files in the repository`);
  }
  return failures;
}

describe('shell blocks in the documentation', () => {
  it('finds blocks to run', () => {
    expect(
      pages.flatMap((p) => p.steps).filter((s) => s.kind === 'block' && s.noRun === undefined).length,
    ).toBeGreaterThan(5);
  });

  it('every block that is not run says why', () => {
    const silent = pages
      .flatMap((p) => p.steps)
      .filter((s) => s.noRun === '')
      .map((s) => `${s.page}:${s.line}`);
    expect(silent).toEqual([]);
  });

  for (const { page, steps } of pages.filter((p) =>
    p.steps.some((s) => s.noRun === undefined && s.kind === 'block'),
  )) {
    it(`${page} runs as written`, async () => {
      expect(await runPage(page, steps)).toEqual([]);
    }, 300_000);
  }
});

describe('the runner itself', () => {
  const markdown = [
    '<!-- docs-run: export GREETING=hello -->',
    '```sh',
    'echo "$GREETING" > greeting.txt',
    '```',
    '```console',
    '$ cat greeting.txt',
    'hello',
    '$ false',
    '```',
    '```sh exit=3',
    'exit 3',
    '```',
    '```sh no-run: needs a real card',
    'shomei card info',
    '```',
    '```ts',
    'not shell',
    '```',
  ].join('\n');
  const steps = extractShellSteps('x.md', markdown);

  it('reads setup comments, blocks, transcripts, exit codes and no-run reasons in page order', () => {
    expect(steps.map((s) => [s.line, s.kind, s.exit, s.noRun])).toEqual([
      [1, 'setup', 0, undefined],
      [2, 'block', 0, undefined],
      [5, 'block', 0, undefined],
      [10, 'block', 3, undefined],
      [13, 'block', 0, 'needs a real card'],
    ]);
    expect(steps[2]).toMatchObject({ script: 'cat greeting.txt\nfalse', expected: ['hello'] });
  });

  it('fails a page whose transcript command fails, at its line', async () => {
    const failures = await runPage('x.md', steps);
    expect(failures.map((f) => f.split('\n')[0])).toEqual(['x.md:5: exit 1, expected 0']);
  });
});

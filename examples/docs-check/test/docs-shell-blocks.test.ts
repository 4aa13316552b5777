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
import {
  endGroup,
  extractShellSteps,
  runStep,
  type ShellStep,
  type StepResult,
} from '../src/shell-blocks.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// DOCS_PAGE=docs/cli.md runs one page (while writing it).
const pages = documentedPages(ROOT)
  .filter((page) => !process.env.DOCS_PAGE || page === process.env.DOCS_PAGE)
  .map((page) => ({
    page,
    steps: extractShellSteps(page, readFileSync(join(ROOT, page), 'utf8')),
  }));

let base: string;
let env: NodeJS.ProcessEnv;

/**
 * `shomei` and `shomei-sim` as installed bins would be: the sources bundled once (a command then
 * starts in a fraction of the time tsx needs), and @shomei/simulator beside them for --card-file.
 */
async function installBins(bin: string): Promise<void> {
  const { build } = await import('tsup');
  const common = {
    format: ['esm' as const],
    platform: 'node' as const,
    target: 'node20',
    tsconfig: join(ROOT, 'tsconfig.json'),
    noExternal: [/^@shomei\//],
    external: ['pcsclite'],
    splitting: false,
    silent: true,
    config: false,
  };
  const sim = join(base, 'node_modules/@shomei/simulator');
  await Promise.all([
    build({
      ...common,
      entry: { shomei: join(ROOT, 'packages/card/src/cli/main.ts') },
      outDir: bin,
      external: ['pcsclite', '@shomei/simulator'],
    }),
    build({
      ...common,
      entry: { 'shomei-sim': join(ROOT, 'packages/simulator/src/cli/main.ts') },
      outDir: bin,
    }),
    build({ ...common, entry: { index: join(ROOT, 'packages/simulator/src/index.ts') }, outDir: sim }),
  ]);
  writeFileSync(
    join(sim, 'package.json'),
    JSON.stringify({ name: '@shomei/simulator', type: 'module', exports: './index.js', version: '0.0.0' }),
  );
  for (const name of ['shomei', 'shomei-sim']) {
    writeFileSync(join(bin, name), `#!/bin/sh\nexec node "${join(bin, `${name}.js`)}" "$@"\n`);
    chmodSync(join(bin, name), 0o755);
  }
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'shomei-docs-run-'));
  const bin = join(base, 'bin');
  mkdirSync(bin);
  await installBins(bin);
  const { INIT_CWD: _i, npm_lifecycle_event: _e, npm_lifecycle_script: _s, ...rest } = process.env;
  env = {
    ...rest,
    PATH: `${bin}:${process.env.PATH}`,
    NO_COLOR: '1',
    DOCS_TSX: join(ROOT, 'node_modules/.bin/tsx'),
    DOCS_TSCONFIG: join(ROOT, 'tsconfig.json'),
    npm_config_update_notifier: 'false',
  };
}, 120_000);

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
  const groups: (number | undefined)[] = [];
  try {
    for (const step of steps) {
      if (step.noRun !== undefined) continue;
      const before = step.cwd === 'repo' ? repoChanges() : '';
      const script =
        step.kind === 'setup'
          ? `source "${exported}"\n${step.script}\nexport -p > "${exported}"`
          : `source "${exported}"\n${step.script}`;
      const result = await runStep({ ...step, script }, step.cwd === 'repo' ? ROOT : dir, env);
      groups.push(result.group);
      failures.push(...judge(page, step, result));
      if (step.cwd === 'repo') failures.push(...tidyRepo(`${page}:${step.line}`, before));
    }
  } finally {
    // Servers a page started in the background end with the page.
    for (const group of groups) endGroup(group);
  }
  return failures;
}

function judge(page: string, step: ShellStep, result: StepResult): string[] {
  const where = `${page}:${step.line}`;
  const out: string[] = [];
  if (result.timedOut) out.push(`${where}: timed out after ${step.timeoutMs / 1000} s\n${result.output}`);
  else if (result.code !== step.exit) {
    out.push(`${where}: exit ${result.code}, expected ${step.exit}\n$ ${step.script}\n${result.output}`);
  }
  for (const line of step.expected) {
    if (!result.output.includes(line))
      out.push(`${where}: expected output line missing: ${line}\n${result.output}`);
  }
  return out;
}

/** Removes what a `cwd=repo` block created in the clone; a changed tracked file is a failure. */
function tidyRepo(where: string, before: string): string[] {
  const after = repoChanges();
  const created = after.split('\n').filter((l) => l.startsWith('?? ') && !before.includes(l));
  for (const l of created) rmSync(join(ROOT, l.slice(3)), { recursive: true, force: true });
  const changed = after.split('\n').filter((l) => l && !l.startsWith('?? ') && !before.includes(l));
  return changed.length ? [`${where}: changed files in the repository: ${changed.join(', ')}`] : [];
}

describe('shell blocks in the documentation', () => {
  it.skipIf(process.env.DOCS_PAGE)('finds blocks to run', () => {
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

/** Runs `scripts/demo.ts` as a child process, as `pnpm demo` does (test helper). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface DemoRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runDemoProcess(args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<DemoRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/demo.ts', ...args],
      { cwd: ROOT, env, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

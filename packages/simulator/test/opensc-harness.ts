/**
 * Shared by the OpenSC acceptance suites (*.pcsc.test.ts): running tools, the `shomei-sim` CLI, and a
 * card served into the private pcscd's vpcd reader until OpenSC lists both JPKI tokens.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const CLI = join(ROOT, 'packages/simulator/src/cli/main.ts');
export const AUTH_TOKEN = 'JPKI (User Authentication PIN)';
export const SIGN_TOKEN = 'JPKI (Digital Signature PIN)';

export interface Run {
  code: number;
  out: string;
}

export function run(cmd: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
    // A tool may exit before reading stdin (EPIPE): that is its answer, not a test failure.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}

/** `shomei-sim <args…>` from source. */
export const sim = (args: string[], input?: string) =>
  run(process.execPath, ['--import', 'tsx', CLI, ...args], input);

export interface ServedCard {
  log(): string;
  stop(): Promise<void>;
}

/**
 * `shomei-sim serve <cardFile>`, resolved once the bridge reports the card inserted and OpenSC lists
 * the tokens (pcscd notices a card on its next presence poll, ~400 ms, spec §13.3).
 */
export async function serveCard(cardFile: string, extra: string[] = []): Promise<ServedCard> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'serve', cardFile, '--reconnect-ms', '100', ...extra],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('card inserted')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${log}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const listed = (await run('pkcs11-tool', ['-L'])).out;
    if (listed.includes(AUTH_TOKEN) && listed.includes(SIGN_TOKEN)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pcscd never showed both tokens; serve said: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { log: () => log, stop };
}

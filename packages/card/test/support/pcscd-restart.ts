/**
 * Restarts the private pcscd of scripts/with-pcsc.sh inside its namespace, for the daemon fault tests.
 * The wrapper exports SHOMEI_PCSCD_PID (its pcscd) and SHOMEI_PCSCD_PIDFILE: a pcscd started here is
 * detached (it keeps serving the next test files) and its PID goes to that file, so the wrapper's
 * cleanup stops it.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`pcscd restart: ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function currentPid(): number {
  const file = process.env.SHOMEI_PCSCD_PIDFILE;
  const fromFile = file && existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : Number.NaN;
  const pid = Number.isInteger(fromFile) && fromFile > 0 ? fromFile : Number(process.env.SHOMEI_PCSCD_PID);
  if (!Number.isInteger(pid) || pid <= 0)
    throw new Error('SHOMEI_PCSCD_PID is not set (run under scripts/with-pcsc.sh)');
  return pid;
}

/** Stops the running pcscd (SIGTERM) and waits until it and its socket are gone. */
export async function killPcscd(): Promise<void> {
  const pid = currentPid();
  if (alive(pid)) process.kill(pid, 'SIGTERM');
  await until(() => !existsSync('/run/pcscd/pcscd.comm'), 'the pcscd socket did not go away');
  await until(() => !alive(pid) || isZombie(pid), 'pcscd did not exit');
}

function isZombie(pid: number): boolean {
  try {
    return /^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Starts a new pcscd and waits for its socket. */
export async function startPcscd(): Promise<void> {
  const file = process.env.SHOMEI_PCSCD_PIDFILE;
  if (!file) throw new Error('SHOMEI_PCSCD_PIDFILE is not set (run under scripts/with-pcsc.sh)');
  const log = openSync(process.env.SHOMEI_PCSCD_LOG ?? '/dev/null', 'a');
  const child = spawn('pcscd', ['-f'], { stdio: ['ignore', log, log], detached: true });
  if (child.pid === undefined) throw new Error('pcscd did not start');
  child.unref();
  writeFileSync(file, String(child.pid));
  await until(() => existsSync('/run/pcscd/pcscd.comm'), 'pcscd did not open its socket');
}

/**
 * Restarts the private pcscd of scripts/with-pcsc.sh (which exports SHOMEI_PCSCD_PID) inside its
 * namespace, for the daemon fault tests. The first call stops the wrapper's pcscd; every later one
 * stops the pcscd this helper started. `stopOwnPcscd()` ends ours (the wrapper then finds its own gone).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';

let current: { pid: number; child?: ChildProcess } | undefined;

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

export async function killPcscd(): Promise<void> {
  current ??= { pid: Number(process.env.SHOMEI_PCSCD_PID) };
  if (!Number.isInteger(current.pid) || current.pid <= 0) throw new Error('SHOMEI_PCSCD_PID is not set');
  const { pid, child } = current;
  if (alive(pid)) process.kill(pid, 'SIGTERM');
  // The wrapper's pcscd is not our child: poll for its exit. Ours is reaped by Node.
  await until(
    () => (child ? child.exitCode !== null || child.signalCode !== null : !alive(pid)),
    'pcscd did not exit',
  );
  await until(() => !existsSync('/run/pcscd/pcscd.comm'), 'the pcscd socket did not go away');
}

export async function startPcscd(): Promise<void> {
  const log = openSync(process.env.SHOMEI_PCSCD_LOG ?? '/dev/null', 'a');
  const child = spawn('pcscd', ['-f'], { stdio: ['ignore', log, log] });
  if (child.pid === undefined) throw new Error('pcscd did not start');
  current = { pid: child.pid, child };
  await until(() => existsSync('/run/pcscd/pcscd.comm'), 'pcscd did not open its socket');
}

export async function stopOwnPcscd(): Promise<void> {
  if (current?.child && current.child.exitCode === null) {
    current.child.kill('SIGTERM');
    await until(
      () => current?.child?.exitCode !== null || current.child.signalCode !== null,
      'pcscd did not stop',
    );
  }
}

/**
 * `shomei-host`: the native-messaging host (started by the browser with the caller's origin as
 * argument), or `shomei-host install|uninstall …` to register it for the current user.
 */
import { openJpkiCard } from '../jpki/open.js';
import { NativeHost } from './host.js';
import { runInstallCli } from './install.js';

const args = process.argv.slice(2);
if (args[0] === 'install' || args[0] === 'uninstall' || args[0] === '--help' || args[0] === '-h') {
  process.exitCode = runInstallCli(args, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    hostPath: process.argv[1] ?? '',
  });
} else {
  // Browsers start the host as `shomei-host chrome-extension://<id>/` (Chrome) or with the manifest
  // path and the add-on id (Firefox). stdout carries frames only: diagnostics go to stderr.
  const reader = process.env.SHOMEI_READER;
  const host = new NativeHost((frame) => process.stdout.write(frame), {
    openCard: ({ signal }) => openJpkiCard({ signal, ...(reader ? { reader } : {}) }),
    log: (line) => process.stderr.write(`shomei-host: ${line}\n`),
  });
  process.stdout.on('error', () => process.exit(0)); // the browser went away (EPIPE)
  process.stdin.on('data', (chunk: Buffer) => {
    host.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    chunk.fill(0); // may hold a PIN
  });
  process.stdin.on('end', () => {
    host.end().finally(() => process.exit(0));
  });
}

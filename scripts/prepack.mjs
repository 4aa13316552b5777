// `prepack` of the three packages (run by `pnpm pack` and `npm pack` in the package's directory):
// builds it, so a tarball never ships without dist/, and puts the repository's LICENSE beside it.
// `postpack` (this script with --clean) removes that copy again.
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const license = join(process.cwd(), 'LICENSE');
if (process.argv.includes('--clean')) {
  rmSync(license, { force: true });
} else {
  const build = spawnSync('tsup', [], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  copyFileSync(new URL('../LICENSE', import.meta.url), license);
}

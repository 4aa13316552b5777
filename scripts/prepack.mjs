// `prepack` of the three packages (run by `pnpm pack` and `npm pack` in the package's directory):
// builds it, so a tarball never ships without dist/, and puts the repository's LICENSE beside it.
// `postpack` (this script with --clean) removes that copy again.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const license = join(process.cwd(), 'LICENSE');
if (process.argv.includes('--clean')) {
  rmSync(license, { force: true });
} else {
  if (upToDate()) {
    console.log('dist/ is newer than src/ and package.json: not rebuilt');
  } else {
    const build = spawnSync('tsup', [], { stdio: 'inherit', shell: true });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  copyFileSync(new URL('../LICENSE', import.meta.url), license);
}

/** True when dist/ holds a build newer than every source file (a build just ran, as in CI). */
function upToDate() {
  const built = join(process.cwd(), 'dist', 'index.js');
  if (!existsSync(built)) return false;
  const newest = (dir) =>
    readdirSync(dir, { recursive: true })
      .map((f) => statSync(join(dir, f)))
      .filter((s) => s.isFile())
      .reduce((max, s) => Math.max(max, s.mtimeMs), 0);
  const sources = Math.max(
    newest(join(process.cwd(), 'src')),
    statSync(join(process.cwd(), 'package.json')).mtimeMs,
  );
  return statSync(built).mtimeMs > sources;
}

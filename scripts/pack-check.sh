#!/usr/bin/env bash
# The packages as a user gets them: packs @shomei/core, @shomei/card and @shomei/simulator (prepack
# builds them), installs the tarballs with npm into a fresh project outside the repository, and uses
# them from an ES module, a CommonJS script, the installed bins, TypeScript with `tsc --init`'s
# defaults, TypeScript without the DOM library and with moduleResolution node10 (subpath
# @shomei/core/node included), and a vitest test on the virtual card. Exit 0 only when all pass.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/shomei-pack-check-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
step() { printf '› %s\n' "$*"; }

step "pack the three packages"
mkdir -p "$WORK/tarballs"
for p in core card simulator; do
  (cd "$ROOT/packages/$p" && pnpm pack --pack-destination "$WORK/tarballs" >"$WORK/pack-$p.log" 2>&1) ||
    { cat "$WORK/pack-$p.log" >&2; exit 1; }
done
for t in "$WORK"/tarballs/*.tgz; do
  tar tzf "$t" >"$WORK/contents.txt"
  grep -qx 'package/dist/index.js' "$WORK/contents.txt" || { echo "$t has no dist/index.js" >&2; exit 1; }
  grep -qx 'package/LICENSE' "$WORK/contents.txt" || { echo "$t has no LICENSE" >&2; exit 1; }
done

APP="$WORK/app"
mkdir -p "$APP"
cd "$APP"
step "npm install the tarballs into a fresh project"
npm init -y >/dev/null
# The optional native PC/SC addon is left out: nothing here opens a reader.
npm install --omit=optional --no-package-lock "$WORK"/tarballs/*.tgz >"$WORK/npm.log" 2>&1 ||
  { cat "$WORK/npm.log" >&2; exit 1; }
# TypeScript, vitest and Node's types as the project's own dev tools (the repository's copies).
for dep in typescript vitest @types/node; do
  mkdir -p "node_modules/$(dirname "$dep")"
  ln -sfn "$(readlink -f "$ROOT/node_modules/$dep")" "node_modules/$dep"
done

cat >holder.json <<'JSON'
{ "name": "試験　花子", "address": "東京都千代田区霞が関二丁目一番二号", "birthDate": "1985-04-12",
  "sex": "female", "myNumber": "123456789018",
  "pins": { "sign": "SIGNPIN1", "auth": "1234", "assist": "5678" } }
JSON

step "ESM: sign with a virtual card and verify"
cat >esm.mjs <<'JS'
import { openJpkiCard } from '@shomei/card';
import { formatBirthDate, signCms, verifyCms } from '@shomei/core';
import { fileSource } from '@shomei/core/node';
import { MemoryTransport, VirtualJpkiCard } from '@shomei/simulator';
import { readFileSync } from 'node:fs';

const { pins, ...holder } = JSON.parse(readFileSync('holder.json', 'utf8'));
const virtual = await VirtualJpkiCard.create({ holder, pins });
const card = await openJpkiCard({ transport: new MemoryTransport(virtual) });
const p7s = await signCms(fileSource('holder.json'), await card.toSigner('sign', { pin: pins.sign }));
await card.close();
const report = await verifyCms(p7s, { trustAnchors: [virtual.certificate('sign-ca')], revocation: 'off' });
if (report.verdict !== 'valid' || report.revocationChecked !== false) throw new Error(JSON.stringify(report));
console.log('esm', report.verdict, formatBirthDate(report.signer.jpki.birthDate));
JS
node esm.mjs

step "CommonJS: require every entry"
cat >cjs.cjs <<'JS'
const core = require('@shomei/core');
const nodeEntry = require('@shomei/core/node');
const card = require('@shomei/card');
const sim = require('@shomei/simulator');
for (const [name, fn] of [
  ['core.verifyCms', core.verifyCms],
  ['core/node.fileSource', nodeEntry.fileSource],
  ['card.openJpkiCard', card.openJpkiCard],
  ['simulator.VirtualJpkiCard', sim.VirtualJpkiCard],
]) {
  if (typeof fn !== 'function') throw new Error(`${name} is missing from the CommonJS build`);
}
if (core.toHex(Uint8Array.of(0xab)) !== 'ab') throw new Error('toHex');
console.log('cjs ok');
JS
node cjs.cjs

step "bins: shomei-sim issue, shomei sign --card-file (no pcscd)"
npx --no-install shomei --version
npx --no-install shomei-sim issue --profile holder.json --out card.json >/dev/null
echo 'application' >doc.txt
printf '%s\n' SIGNPIN1 | npx --no-install shomei sign doc.txt --card-file card.json --pin-stdin --detached
set +e
npx --no-install shomei verfy 2>err.txt
code=$?
set -e
[ "$code" = 2 ] && grep -q 'Did you mean "verify"' err.txt || { cat err.txt >&2; exit 1; }

step "TypeScript with tsc --init defaults"
cat >check.ts <<'TS'
import { openJpkiCard, type JpkiCard } from '@shomei/card';
import { type ValidationReport, verifyCms, RevocationFetchCache } from '@shomei/core';
import { fileSource } from '@shomei/core/node';
import { MemoryTransport, VirtualJpkiCard } from '@shomei/simulator';

export async function check(p7s: Uint8Array, anchor: Uint8Array): Promise<ValidationReport> {
  const card: JpkiCard = await openJpkiCard({ transport: new MemoryTransport(await VirtualJpkiCard.create({
    holder: { name: 'n', address: 'a', birthDate: '1985-04-12', sex: 'female', myNumber: '123456789018' },
    pins: { sign: 'SIGNPIN1', auth: '1234', assist: '5678' },
  })) });
  await card.close();
  void fileSource;
  return verifyCms(p7s, { trustAnchors: [anchor], revocation: { mode: 'prefer', fetch: true, fetchCache: new RevocationFetchCache() } });
}
TS
# tsc --init's module is nodenext: the project is an ES module package, as a TypeScript user's would be.
mkdir -p default && cp check.ts default/ && echo '{ "type": "module" }' >default/package.json
(cd default && node "$APP/node_modules/typescript/bin/tsc" --init >/dev/null && node "$APP/node_modules/typescript/bin/tsc" --noEmit -p .)

step "TypeScript without the DOM library, moduleResolution node10, skipLibCheck off"
mkdir -p node10 && cp check.ts node10/
cat >node10/tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "es2022",
    "lib": ["es2022", "esnext.disposable"],
    "module": "commonjs",
    "moduleResolution": "node10",
    "types": ["node"],
    "strict": true,
    "skipLibCheck": false,
    "noEmit": true
  },
  "files": ["check.ts"]
}
JSON
node "$APP/node_modules/typescript/bin/tsc" -p node10

step "vitest: a test suite on the virtual card"
mkdir -p test
cat >test/card.test.ts <<'TS'
import { openJpkiCard } from '@shomei/card';
import { MemoryTransport, VirtualJpkiCard } from '@shomei/simulator';
import { expect, test } from 'vitest';

test('a wrong PIN costs one try and says how many are left', async () => {
  const virtual = await VirtualJpkiCard.create({
    holder: { name: '試験　花子', address: '東京都', birthDate: '1985-04-12', sex: 'female', myNumber: '123456789018' },
    pins: { sign: 'SIGNPIN1', auth: '1234', assist: '5678' },
  });
  await using card = await openJpkiCard({ transport: new MemoryTransport(virtual) });
  await expect(card.verifyPin('auth', '0000')).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
  expect((await card.pinStatus()).auth.remainingAttempts).toBe(2);
});
TS
NO_COLOR=1 node "$APP/node_modules/vitest/vitest.mjs" run --root "$APP" --dir test >"$WORK/vitest.log" 2>&1 ||
  { cat "$WORK/vitest.log" >&2; exit 1; }
grep -E 'Tests +1 passed' "$WORK/vitest.log" >/dev/null || { cat "$WORK/vitest.log" >&2; exit 1; }

step "the packed packages work outside the repository"

/**
 * The signature round trip from a web page, over the real stack (pcscd + vpcd in the quickack
 * namespace of scripts/with-pcsc.sh), against the CLI doing the same signature in the same run:
 *   baseline: `shomei sign --card --pin-stdin` (one process per signature, as a user runs it)
 *   driver:   in process, openJpkiCard + verify + read the signing certificate + sign (the host's APDUs)
 *   browser:  page `sign()` → content script → background worker → PIN window (filled by the bench
 *             as soon as it shows) → shomei-host → card → page, in Debian's Chromium, host warm
 * Re-runs itself inside scripts/with-pcsc.sh; prints NOT RUN without root or the PC/SC packages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, QUICK } from './bench-util.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!process.env.SHOMEI_PCSC) {
  const r = spawnSync('scripts/with-pcsc.sh', ['npx', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status === 3)
    console.log('browser: NOT RUN (needs root and pcscd + vsmartcard-vpcd; see scripts/with-pcsc.sh)');
  process.exit(r.status === 3 ? 0 : (r.status ?? 1));
}

const { startBrowserRig, PINS, READER } = await import('../examples/browser-extension/test/browser-rig.js');
const { openJpkiCard } = await import('../packages/card/src/jpki/open.js');

const REPEATS = QUICK ? 3 : 10;
const rig = await startBrowserRig();
const dir = mkdtempSync(join(tmpdir(), 'shomei-bench-browser-'));
const document = join(dir, 'application.txt');
writeFileSync(document, '住民票の写しの交付申請 1通\n');
const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('bench')));

// The CLI as installed (dist) when built, else from source through tsx (slower start-up).
const cliDist = join(root, 'packages/card/dist/cli.js');
const cli = existsSync(cliDist)
  ? [process.execPath, cliDist]
  : ['npx', 'tsx', join(root, 'packages/card/src/cli/main.ts')];
// Asynchronous: the virtual card behind vpcd lives in this process and must keep answering.
function cliSign(): Promise<number> {
  const start = performance.now();
  const args = [
    ...cli.slice(1),
    'sign',
    document,
    '--card',
    '--reader',
    READER,
    '--pin-stdin',
    '--out',
    join(dir, 'out.p7s'),
  ];
  const child = spawn(cli[0]!, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(`${PINS.sign}\n`);
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`shomei sign failed: ${stderr}`)),
    ),
  );
}

async function driverSign(): Promise<number> {
  const start = performance.now();
  await using card = await openJpkiCard({ reader: READER });
  await card.verifyPin('sign', PINS.sign);
  await card.readCertificate('sign');
  await card.sign('sign', { digest, hash: 'SHA-256' });
  return performance.now() - start;
}

const page = await rig.context.newPage();
await page.goto(rig.server.url);
await page.waitForSelector('#extension:has-text("ready")');
const hash = Buffer.from(digest).toString('base64');

/** Whole round trip, and the part after the user's OK (extension → host → card → page). */
async function browserSign(): Promise<{ total: number; afterOk: number }> {
  const window = rig.context.waitForEvent('page', { predicate: (p) => p.url().includes('/pin.html') });
  const timed = page.evaluate(async (b64) => {
    const module = '/shomei-card.js'; // served by the demo relying party
    const api = await import(module);
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const start = performance.now();
    const result = await api.sign({ hash: bytes, hashAlgorithm: 'SHA-256', description: 'bench' });
    if (result.signature.length !== 256) throw new Error('no signature');
    return { total: performance.now() - start, done: Date.now() };
  }, hash);
  const pin = await window;
  await pin.waitForSelector('#origin:not(:empty)');
  await pin.fill('#pin', PINS.sign);
  // Wall clock on both sides (same machine): the OK press is dispatched right after this instant.
  const ok = Date.now();
  await pin.click('#ok', { noWaitAfter: true });
  const { total, done } = await timed;
  return { total, afterOk: done - ok };
}

// Warm-up: starts the host process (once per browser session) and loads the CLI's code from disk.
await browserSign();
await cliSign();
const base: number[] = [];
const driver: number[] = [];
const browser: number[] = [];
const afterOk: number[] = [];
for (let r = 0; r < REPEATS; r++) {
  base.push(await cliSign());
  driver.push(await driverSign());
  const round = await browserSign();
  browser.push(round.total);
  afterOk.push(round.afterOk);
}
await rig.close();
rmSync(dir, { recursive: true, force: true });

const b = median(base);
const d = median(driver);
const w = median(browser);
console.log(
  `One signature with the signing key over pcscd + vpcd (quickack namespace), ${REPEATS} repeats (medians)`,
);
console.log(
  `  baseline  shomei sign --card --pin-stdin (${existsSync(cliDist) ? 'dist' : 'tsx'})        ${b.toFixed(1)} ms`,
);
console.log(`  driver    openJpkiCard + verify + certificate + sign    ${d.toFixed(1)} ms`);
console.log(
  `  bridge    after the PIN window's OK: extension → host → card → page   ${median(afterOk).toFixed(1)} ms`,
);
console.log(`  browser   page sign() → extension → PIN window → host → card → page   ${w.toFixed(1)} ms`);
console.log(`  ratio     browser / shomei sign --card   ${(w / b).toFixed(2)}× (target ≤ 1.5×)`);
console.log(
  `  ratio     browser / in-process driver    ${(w / d).toFixed(2)}× (what the bridge and the PIN window add)`,
);
process.exit(0);

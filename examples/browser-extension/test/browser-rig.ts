/**
 * The real stack for the browser tests and the bench: an Authority issues a card, VpcdBridge inserts
 * it into the private pcscd's reader, Debian's Chromium runs with the unpacked extension and a fresh
 * profile whose NativeMessagingHosts directory registers `shomei-host` (run from source with tsx),
 * and the demo relying party serves the page on loopback.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PcscContext, runInstallCli } from '@shomei/card';
import {
  Authority,
  OperatorCard,
  type OperatorSession,
  type VirtualJpkiCard,
  VpcdBridge,
} from '@shomei/simulator';
import { TEST_HOLDER as HOLDER, TEST_PINS as PINS } from '@shomei/simulator/testing';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type DemoServer, startDemoServer } from '../src/server.js';

export { PINS };

export const READER = 'Virtual PCD 00 00';
export const EXTENSION_DIR = fileURLToPath(new URL('../extension/', import.meta.url));
export const HOST_MAIN = fileURLToPath(new URL('../../../packages/card/src/host/main.ts', import.meta.url));

export interface BrowserRig {
  authority: Authority;
  session: OperatorSession;
  card: VirtualJpkiCard;
  bridge: VpcdBridge;
  server: DemoServer;
  context: BrowserContext;
  close(): Promise<void>;
}

async function waitForCard(present: boolean): Promise<void> {
  const context = await PcscContext.open();
  try {
    if (present) await context.waitForCard(READER, { timeoutMs: 10_000 });
  } finally {
    context.close();
  }
}

/** A host executable for the manifest: node + tsx on the host's TypeScript source, bound to READER. */
export function hostWrapper(dir: string): string {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const file = join(dir, 'shomei-host');
  writeFileSync(
    file,
    `#!/bin/sh\nexport SHOMEI_READER='${READER}'\nexec '${process.execPath}' --import '${tsx}' '${HOST_MAIN}' "$@" 2>>'${join(dir, 'host.log')}'\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

/** A card issued by `authority` at the counter, inserted into the private pcscd's first vpcd reader. */
export async function insertCard(authority: Authority): Promise<{
  session: OperatorSession;
  card: VirtualJpkiCard;
  bridge: VpcdBridge;
}> {
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  const session = authority.openSession(operator, '2468');
  const { card } = await authority.issue(session, { holder: HOLDER, pins: { ...PINS } });
  const bridge = new VpcdBridge(card, { slot: 0, reconnectDelayMs: 100 });
  bridge.start();
  await bridge.whenConnected();
  await waitForCard(true);
  return { session, card, bridge };
}

/**
 * Debian's Chromium, headless, with a fresh profile in `dir` whose NativeMessagingHosts registers
 * shomei-host (from source) and with the unpacked extension loaded.
 */
export async function launchWithExtension(dir: string): Promise<BrowserContext> {
  const profile = join(dir, 'profile');
  mkdirSync(profile);
  const installed = runInstallCli(['install', '--user-data-dir', profile, '--host-path', hostWrapper(dir)], {
    out: () => {},
    err: (text) => process.stderr.write(text),
    hostPath: HOST_MAIN,
  });
  if (installed !== 0) throw new Error('shomei-host install failed');

  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    // Playwright disables extensions by default; --load-extension needs the except-list beside it.
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
    ],
  });
  if (context.serviceWorkers().length === 0) await context.waitForEvent('serviceworker', { timeout: 15_000 });
  return context;
}

export async function startBrowserRig(): Promise<BrowserRig> {
  const dir = mkdtempSync(join(tmpdir(), 'shomei-browser-'));
  const authority = await Authority.create({ label: 'browser' });
  const { session, card, bridge } = await insertCard(authority);

  const server = await startDemoServer({
    trustAnchors: authority.trustAnchors,
    // The authority republishes its CRLs on every revocation; the server reads the current ones.
    crls: () => [authority.crl('auth'), authority.crl('sign')],
    revocation: { mode: 'require', order: ['crl'] },
  });
  const context = await launchWithExtension(dir);

  return {
    authority,
    session,
    card,
    bridge,
    server,
    context,
    async close() {
      await context.close().catch(() => {});
      await server.close();
      await bridge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The extension's PIN window, once it opens. */
export const pinWindow = (context: BrowserContext): Promise<Page> =>
  context.waitForEvent('page', { predicate: (p) => p.url().includes('/pin.html'), timeout: 20_000 });

/** Types a PIN in the extension's window and presses OK, as a user does. */
export async function typePin(window: Page, pin: string): Promise<void> {
  await window.waitForSelector('#origin:not(:empty)');
  await window.fill('#pin', pin);
  await window.click('#ok');
}

/** The verdict an `<output data-verdict data-code>` shows once it is no longer empty or pending. */
export async function outcome(
  page: Page,
  id: string,
  timeout = 30_000,
): Promise<{ verdict: string; code: string }> {
  const handle = await page.waitForSelector(`#${id}:not([data-verdict=""]):not([data-verdict="pending"])`, {
    timeout,
  });
  return {
    verdict: (await handle.getAttribute('data-verdict'))!,
    code: (await handle.getAttribute('data-code'))!,
  };
}

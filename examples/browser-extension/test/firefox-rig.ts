/**
 * Debian's Firefox ESR for the browser tests, driven headless over WebDriver BiDi by puppeteer-core
 * (no browser download: the executable is /usr/bin/firefox-esr from apt). The extension is installed
 * as a temporary add-on (BiDi webExtension.install, unsigned is allowed for temporary add-ons), and
 * shomei-host is registered by `shomei-host install --browser firefox` under a private HOME, the
 * per-user place Firefox reads native-messaging manifests from.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runInstallCli } from '@shomei/card';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { EXTENSION_DIR, HOST_MAIN, hostWrapper } from './browser-rig.js';

export const FIREFOX = '/usr/bin/firefox-esr';

export async function launchFirefoxWithExtension(dir: string): Promise<Browser> {
  const home = join(dir, 'home');
  mkdirSync(home);
  const installed = runInstallCli(['install', '--browser', 'firefox', '--host-path', hostWrapper(dir)], {
    out: () => {},
    err: (text) => process.stderr.write(text),
    hostPath: HOST_MAIN,
    env: { home, platform: 'linux' },
  });
  if (installed !== 0) throw new Error('shomei-host install --browser firefox failed');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    env: { ...process.env, HOME: home },
  });
  try {
    await browser.installExtension(EXTENSION_DIR);
  } catch (error) {
    await browser.close();
    throw error;
  }
  return browser;
}

/**
 * The extension's PIN window (with `withHash`, one showing the hash to sign). Over BiDi, Firefox
 * reports an extension page's URL as about:blank, so each open page is asked what it is.
 */
export async function firefoxPinWindow(
  browser: Browser,
  withHash = false,
  timeoutMs = 20_000,
): Promise<Page> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const page of await browser.pages()) {
      const found = await page
        .evaluate(
          (hash) =>
            location.href.includes('/pin.html') &&
            (!hash || Boolean(document.getElementById('hash')?.textContent)),
          withHash,
        )
        .catch(() => false);
      if (found) return page;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('The PIN window did not open.');
}

/** Types a PIN in the extension's window and presses OK. */
export async function firefoxTypePin(window: Page, pin: string): Promise<void> {
  await window.waitForSelector('#origin:not(:empty)');
  await window.type('#pin', pin);
  await window.click('#ok');
}

/** What an `<output data-verdict data-code>` shows once it is no longer empty or pending. */
export async function firefoxOutcome(page: Page, id: string): Promise<{ verdict: string; code: string }> {
  const handle = await page.waitForSelector(`#${id}:not([data-verdict=""]):not([data-verdict="pending"])`, {
    timeout: 30_000,
  });
  return (await handle!.evaluate((e) => ({
    verdict: (e as HTMLElement).dataset.verdict ?? '',
    code: (e as HTMLElement).dataset.code ?? '',
  }))) as { verdict: string; code: string };
}

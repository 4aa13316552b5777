/**
 * The same extension and host in Debian's Firefox ESR (headless, WebDriver BiDi), over the private
 * pcscd + vpcd: the manifest `shomei-host install` writes for Firefox, the MV3 background as an event
 * page, the content script and the PIN window all work — a login and a signature the demo server
 * verifies valid. The full matrix (busy, cancel, last try, revocation) runs in Chromium.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Authority, type VpcdBridge } from '@shomei/simulator';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from '../src/server.js';
import { insertCard, PINS } from './browser-rig.js';
import {
  FIREFOX,
  firefoxOutcome,
  firefoxPinWindow,
  firefoxTypePin,
  launchFirefoxWithExtension,
} from './firefox-rig.js';

let dir: string;
let bridge: VpcdBridge;
let server: DemoServer;
let browser: Browser;
let page: Page;

// Skipped without Firefox ESR on a developer machine; under CI=true a missing browser fails instead.
describe.skipIf(!process.env.SHOMEI_PCSC || (!existsSync(FIREFOX) && !process.env.CI))(
  'the card from a web page in Firefox ESR (extension, host, pcscd)',
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'shomei-firefox-'));
      const authority = await Authority.create({ label: 'firefox' });
      ({ bridge } = await insertCard(authority));
      server = await startDemoServer({
        trustAnchors: authority.trustAnchors,
        crls: () => [authority.crl('auth'), authority.crl('sign')],
        revocation: { mode: 'require', order: ['crl'] },
      });
      browser = await launchFirefoxWithExtension(dir);
      page = await browser.newPage();
      await page.goto(server.url);
      await page.waitForFunction(() => document.getElementById('extension')?.textContent?.includes('ready'));
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await bridge?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('logs in: the PIN window shows the page origin, the server verifies the token (valid)', async () => {
      await page.click('#login');
      const pin = await firefoxPinWindow(browser);
      await pin.waitForSelector('#origin:not(:empty)');
      const origin = await pin.$eval('#origin', (e) => e.textContent);
      await firefoxTypePin(pin, PINS.auth);
      expect([origin, await firefoxOutcome(page, 'login-result')]).toEqual([
        server.url,
        { verdict: 'valid', code: '' },
      ]);
    });

    it('signs: certificate and signature through two PIN windows, the server verifies the CMS (valid)', async () => {
      await page.click('#sign');
      await firefoxTypePin(await firefoxPinWindow(browser), PINS.sign);
      // The first window closes itself; the second is the signature's, with the hash shown.
      const pin = await firefoxPinWindow(browser, true);
      await firefoxTypePin(pin, PINS.sign);
      expect(await firefoxOutcome(page, 'sign-result')).toEqual({ verdict: 'valid', code: '' });
    });
  },
);

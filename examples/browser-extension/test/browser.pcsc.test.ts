/**
 * The card from a web page, end to end in Debian's Chromium: page → content script → background
 * worker → native host → pcscd + vpcd → virtual card, and the demo server verifying with core.
 * The PIN is typed in the extension's window (a separate page the test drives like a user).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserRig,
  pinWindow as openedPinWindow,
  outcome,
  PINS,
  startBrowserRig,
  typePin,
} from './browser-rig.js';

let rig: BrowserRig;

beforeAll(async () => {
  rig = await startBrowserRig();
});

afterAll(async () => {
  await rig?.close();
});

async function openPortal(): Promise<Page> {
  const page = await rig.context.newPage();
  await page.goto(rig.server.url);
  await page.waitForSelector('#extension:has-text("ready")');
  return page;
}

const pinWindow = () => openedPinWindow(rig.context);

describe.skipIf(!process.env.SHOMEI_PCSC)(
  'the card from a web page (Chromium, extension, host, pcscd)',
  () => {
    it('logs in: the PIN window shows the page origin, the server verifies the token (valid)', async () => {
      const page = await openPortal();
      const window = pinWindow();
      await page.click('#login');
      const pin = await window;
      await pin.waitForSelector('#origin:not(:empty)');
      expect([await pin.textContent('#origin'), await pin.textContent('#tries')]).toEqual([
        rig.server.url,
        '3 tries left',
      ]);
      await typePin(pin, PINS.auth);
      expect(await outcome(page, 'login-result')).toEqual({ verdict: 'valid', code: '' });
      await page.close();
    });

    it('signs the application: the PIN window shows the description and hash, the server verifies the CMS (valid)', async () => {
      const page = await openPortal();
      let window = pinWindow();
      await page.click('#sign');
      await typePin(await window, PINS.sign); // reading the signing certificate needs the signature password
      window = pinWindow();
      const pin = await window;
      await pin.waitForSelector('#hash:not(:empty)');
      const shown = [
        await pin.textContent('#description'),
        (await pin.textContent('#hash'))!.replace(/ /g, '').length,
      ];
      await typePin(pin, PINS.sign);
      expect([shown, await outcome(page, 'sign-result')]).toEqual([
        [expect.stringContaining('住民票の写しの交付申請'), 64],
        { verdict: 'valid', code: '' },
      ]);
      await page.close();
    });

    it('cancelling the PIN window gives the page USER_CANCELLED', async () => {
      const page = await openPortal();
      const window = pinWindow();
      await page.click('#login');
      const pin = await window;
      await pin.waitForSelector('#origin:not(:empty)');
      // Cancel closes the window at once, which can race Playwright's own click bookkeeping
      // ("target closed"): click from inside the page, after evaluate returns, and wait for the close.
      const closed = pin.waitForEvent('close');
      await pin.evaluate(() => {
        setTimeout(() => (document.getElementById('cancel') as HTMLButtonElement).click(), 0);
      });
      await closed;
      expect(await outcome(page, 'login-result')).toEqual({ verdict: 'error', code: 'USER_CANCELLED' });
      await page.close();
    });

    it('a second page asking while the first waits for its PIN gets HOST_BUSY; the first then completes', async () => {
      const first = await openPortal();
      const second = await openPortal();
      const window = pinWindow();
      await first.click('#login');
      const pin = await window;
      await second.click('#login');
      const busy = await outcome(second, 'login-result');
      await typePin(pin, PINS.auth);
      expect([busy.code, (await outcome(first, 'login-result')).verdict]).toEqual(['HOST_BUSY', 'valid']);
      await first.close();
      await second.close();
    });

    it('a page cannot choose the origin: a request carrying one is refused', async () => {
      const page = await openPortal();
      const code = await page.evaluate(
        () =>
          new Promise<string>((resolve) => {
            window.addEventListener('message', (event) => {
              if (event.data?.channel === 'shomei-extension' && event.data.id === 'forged')
                resolve(event.data.error?.code);
            });
            window.postMessage(
              {
                channel: 'shomei-page',
                kind: 'request',
                id: 'forged',
                type: 'authenticate',
                params: { challenge: 'a'.repeat(43), origin: 'https://bank.example' },
              },
              location.origin,
            );
          }),
      );
      expect(code).toBe('HOST_ORIGIN_INVALID');
      await page.close();
    });

    it('wrong PIN twice shows the tries left and stops before the last try until the user confirms', async () => {
      const page = await openPortal();
      const window = pinWindow();
      await page.click('#login');
      const pin = await window;
      await typePin(pin, '0000');
      await pin.waitForSelector('#tries:has-text("2 tries left")');
      await typePin(pin, '0000');
      await pin.waitForSelector('#tries:has-text("1 try left")');
      const guarded = [await pin.isDisabled('#ok'), await pin.isVisible('#last'), rig.card.pinTries().auth];
      // The user confirms deliberately and types the right PIN: the login succeeds, the counter resets.
      await pin.check('#confirm-last');
      await typePin(pin, PINS.auth);
      expect([guarded, await outcome(page, 'login-result'), rig.card.pinTries().auth]).toEqual([
        [true, true, 1],
        { verdict: 'valid', code: '' },
        3,
      ]);
      await page.close();
    });

    it('after the authority revokes the card, the server refuses the login (CERT_REVOKED)', async () => {
      rig.authority.revoke(rig.session, rig.card, 'keyCompromise');
      const page = await openPortal();
      const window = pinWindow();
      await page.click('#login');
      await typePin(await window, PINS.auth);
      expect(await outcome(page, 'login-result')).toEqual({ verdict: 'invalid', code: 'CERT_REVOKED' });
      await page.close();
    });
  },
);

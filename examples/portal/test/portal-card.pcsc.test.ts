/**
 * The portal's card page in Debian's Chromium with the shomei extension and shomei-host, over the
 * private pcscd + vpcd (scripts/with-pcsc.sh): the citizen logs in with the card and signs the
 * application as CMS, PDF and e-Gov XML; the portal's worker verifies each signed application (valid,
 * with live OCSP from the authority); after the authority revokes the card, the login is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Authority,
  type AuthorityServer,
  type OperatorSession,
  type VirtualJpkiCard,
  type VpcdBridge,
} from '@shomei/simulator';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCard,
  launchWithExtension,
  outcome,
  PINS,
  pinWindow,
  typePin,
} from '../../browser-extension/test/browser-rig.js';
import { type InProcessPortal, inProcessPortal } from './harness.js';

let dir: string;
let authority: Authority;
let server: AuthorityServer;
let session: OperatorSession;
let card: VirtualJpkiCard;
let bridge: VpcdBridge;
let portal: InProcessPortal;
let context: BrowserContext;
let page: Page;

describe.skipIf(!process.env.SHOMEI_PCSC)('the portal card page (Chromium, extension, host, pcscd)', () => {
  beforeAll(async () => {
    // This runs in its own network namespace: the CI's shared PostgreSQL and Redis are not reachable
    // from here, so the harness starts private ones.
    delete process.env.SHOMEI_PORTAL_TEST_DATABASE_URL;
    delete process.env.SHOMEI_PORTAL_TEST_REDIS_URL;
    dir = mkdtempSync(join(tmpdir(), 'shomei-portal-card-'));
    authority = await Authority.create({ label: 'portal card page' });
    server = await authority.serve({ port: 0 });
    authority.setBaseUrl(server.url);
    ({ session, card, bridge } = await insertCard(authority));
    portal = await inProcessPortal(authority.trustAnchors);
    context = await launchWithExtension(dir);
    page = await context.newPage();
    await page.goto(`${portal.url}/card`);
    await page.waitForSelector('#extension[data-ready="yes"]');
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await portal?.close();
    await bridge?.stop();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function login(): Promise<{ verdict: string; code: string }> {
    const window = pinWindow(context);
    await page.click('#login');
    const pin = await window;
    await pin.waitForSelector('#origin:not(:empty)');
    const origin = await pin.textContent('#origin');
    await typePin(pin, PINS.auth);
    const result = await outcome(page, 'login-result');
    expect(origin).toBe(portal.url);
    return result;
  }

  it('logs in with the card: the PIN window shows the portal origin, the server says valid', async () => {
    expect(await login()).toEqual({ verdict: 'valid', code: '' });
  });

  it.each([
    ['cms', 2],
    ['pdf', 1],
    ['egov', 1],
  ] as const)(
    'signs the application as %s (%i PIN windows); the worker verifies it valid',
    async (format, windows) => {
      await page.selectOption('#format', format);
      await page.fill('#note', `${format} で提出`);
      // The page reads the signing certificate once (signature password), then signs each hash.
      const shown: string[] = [];
      const opened = (async () => {
        for (let i = 0; i < windows; i++) {
          const pin = await pinWindow(context);
          await pin.waitForSelector('#origin:not(:empty)');
          if (i === windows - 1) shown.push((await pin.textContent('#description')) ?? '');
          await typePin(pin, PINS.sign);
        }
      })();
      await page.click('#sign');
      await opened;
      const result = await outcome(page, 'sign-result', 60_000);
      expect([result, shown[0]]).toEqual([
        { verdict: 'valid', code: '' },
        expect.stringContaining('住民票の写しの交付請求書'),
      ]);
    },
  );

  it('after the authority revokes the card, the login is refused (CERT_REVOKED)', async () => {
    authority.revoke(session, card, 'keyCompromise');
    expect(await login()).toEqual({ verdict: 'invalid', code: 'CERT_REVOKED' });
  });
});

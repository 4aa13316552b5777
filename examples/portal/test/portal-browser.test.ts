/**
 * The portal in real headless Chromium (Debian's /usr/bin/chromium through playwright-core; no
 * browser download), against the web and worker on real PostgreSQL and Redis: a citizen chooses a
 * file, presses the button, and reads the verdict on the application's page. Saves a
 * screenshot of each outcome under artifacts/ (gitignored). Skipped when chromium is not installed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICATION, type PortalFixture, portalFixture } from './fixture.js';
import { type InProcessPortal, inProcessPortal } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../artifacts/', import.meta.url));

let fixture: PortalFixture;
let portal: InProcessPortal | undefined;
let browser: Browser | undefined;
let page: Page;
let files: string;
let url: string;

// Skipped without Chromium on a developer machine; under CI=true a missing browser fails instead.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the portal in headless Chromium', () => {
  beforeAll(async () => {
    fixture = await portalFixture();
    portal = await inProcessPortal(fixture.authority.trustAnchors);
    url = `${portal.url}/`;
    files = mkdtempSync(join(tmpdir(), 'shomei-portal-browser-'));
    writeFileSync(join(files, 'application.p7s'), fixture.valid);
    writeFileSync(join(files, 'detached.p7s'), fixture.detached);
    writeFileSync(join(files, 'application.txt'), APPLICATION);
    writeFileSync(join(files, 'lost-card.p7s'), fixture.revoked);
    writeFileSync(
      join(files, 'holiday-photo.jpg'),
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]),
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    await page.goto(url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await fixture?.close();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  /**
   * Chooses the files, submits the form, and returns the result panel's text once the verdict is on
   * the page: the form leads to the application's own page, which refreshes itself while pending.
   */
  async function submit(signature: string, document?: string): Promise<string> {
    await page.goto(url);
    await page.setInputFiles('#signature', join(files, signature));
    await page.setInputFiles('#document', document ? join(files, document) : []);
    await Promise.all([page.waitForURL(/\/(applications\/[0-9a-f-]{36}|verify)$/), page.click('#submit')]);
    await page.waitForSelector('#result:not(.pending)', { timeout: 20_000 });
    return (await page.locator('#result').textContent()) ?? '';
  }

  it('a valid upload shows "valid" and the holder’s name', async () => {
    const text = await submit('application.p7s');
    await page.screenshot({ path: join(ARTIFACTS, 'portal-valid.png'), fullPage: true });
    expect([text.includes('valid — the signature is genuine'), text.includes('見本　花子')]).toEqual([
      true,
      true,
    ]);
  });

  it('a detached signature with its document shows "valid"', async () => {
    expect(
      (await submit('detached.p7s', 'application.txt')).includes('valid — the signature is genuine'),
    ).toBe(true);
  });

  it('a signature by a card reported lost shows "revoked" and not the holder’s name', async () => {
    const text = await submit('lost-card.p7s');
    await page.screenshot({ path: join(ARTIFACTS, 'portal-revoked.png'), fullPage: true });
    expect([
      text.includes('invalid — the certificate is revoked'),
      text.includes('CERT_REVOKED'),
      text.includes('見本　次郎'),
    ]).toEqual([true, true, false]);
  });

  it('garbage shows a clear error with its code', async () => {
    const text = await submit('holiday-photo.jpg');
    await page.screenshot({ path: join(ARTIFACTS, 'portal-garbage.png'), fullPage: true });
    expect([text.includes('is not a CMS signature'), text.includes('UPLOAD_NOT_CMS')]).toEqual([true, true]);
  });

  it('the page keeps working after the error', async () => {
    expect((await submit('application.p7s')).includes('valid — the signature is genuine')).toBe(true);
  });
});

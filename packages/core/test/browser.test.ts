/**
 * signCms and verifyCms in headless Chromium (Debian's /usr/bin/chromium through playwright-core; no
 * browser download), from an esbuild bundle of @shomei/core built with platform "browser" — which
 * fails on any node: import reachable from the index. Skipped when chromium is not installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pki, tempFile, VECTORS } from './pki.js';

const CHROMIUM = '/usr/bin/chromium';
// Skipped without Chromium on a developer machine; under CI=true a missing browser fails instead.
const hasChromium = existsSync(CHROMIUM) || Boolean(process.env.CI);

interface BrowserResult {
  verdict: string;
  failed: string[];
  jpkiName?: string;
  tamperedCode?: string;
  p7s: number[];
  xml?: string[];
}

/** The part of esbuild's API used here (esbuild comes with tsup; it is not a direct dependency). */
interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
}

let server: Server | undefined;
let result: BrowserResult;
let bundleText = '';

beforeAll(async () => {
  if (!hasChromium) return;
  const esbuild = (await import(
    createRequire(createRequire(import.meta.url).resolve('tsup')).resolve('esbuild')
  )) as EsbuildApi;
  const built = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'shomei',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  bundleText = built.outputFiles[0]!.text;
  const page = '<!doctype html><meta charset="utf-8"><script src="/core.js"></script>';
  server = createServer((req, res) => {
    if (req.url === '/core.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundleText);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${port}/`);
    const arg = {
      key: [...pki.signerKey],
      cert: [...pki.signer],
      intermediate: [...pki.intermediate],
      root: [...pki.root],
      crls: [[...pki.intermediateCrl], [...pki.rootCrl]],
    };
    result = await tab.evaluate(async (a) => {
      type Core = typeof import('../src/index.js');
      const core = (globalThis as unknown as { shomei: Core }).shomei;
      const u8 = (x: number[]) => new Uint8Array(x);
      const signer = await core.pkcs8Signer(u8(a.key), u8(a.cert), { chain: [u8(a.intermediate)] });
      const content = new Blob(['ブラウザで署名した文書']);
      const p7s = await core.signCms(content, signer, { detached: true });
      const options = {
        trustAnchors: [u8(a.root)],
        crls: a.crls.map(u8),
        content: content.stream(),
        revocation: 'require' as const,
      };
      const report = await core.verifyCms(p7s, options);
      const tampered = await core.verifyCms(p7s, { ...options, content: new Blob(['改ざん']) });
      // An e-Gov application signed and verified in the page (XML signatures are browser-safe too).
      const te = new TextEncoder();
      const kousei =
        '<DataRoot><構成情報 ID="構成情報"><申請書属性情報><申請書ファイル名称>f.xml</申請書ファイル名称></申請書属性情報></構成情報><署名情報></署名情報></DataRoot>';
      const app = await core.signEgovApplication(
        new Map([
          ['kousei.xml', te.encode(kousei)],
          ['f.xml', te.encode('<申請書/>')],
        ]),
        signer,
      );
      const xmlOptions = { trustAnchors: [u8(a.root)], crls: a.crls.map(u8), revocation: 'require' as const };
      const egov = await core.verifyEgovApplication(app, xmlOptions);
      const egovTampered = await core.verifyEgovApplication(
        new Map(app).set('f.xml', te.encode('<x/>')),
        xmlOptions,
      );
      return {
        xml: [egov.verdict, egov.references[0]?.path ?? '', egovTampered.code ?? ''],
        verdict: report.verdict,
        failed: report.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`),
        jpkiName: report.signer.jpki?.name,
        tamperedCode: tampered.code,
        p7s: [...p7s],
      };
    }, arg);
  } finally {
    await browser.close();
  }
}, 120_000);

afterAll(() => {
  server?.close();
});

describe.skipIf(!hasChromium)('@shomei/core in headless Chromium', () => {
  it('bundles for the browser without node: imports', () => {
    expect(bundleText).not.toMatch(/require\(["']node:|from ["']node:/);
  });

  it('verifies its own signCms output as valid with chain and CRL revocation', () => {
    expect([result.verdict, result.failed]).toEqual(['valid', []]);
  });

  it('reports the JPKI name in the browser', () => {
    expect(result.jpkiName).toBe('山田 太郎');
  });

  it('reports tampered content with CMS_DIGEST_MISMATCH', () => {
    expect(result.tamperedCode).toBe('CMS_DIGEST_MISMATCH');
  });

  it('signs and verifies an e-Gov XML application in the browser; a changed file is caught', () => {
    expect(result.xml).toEqual(['valid', '/DataRoot[1]/構成情報[1]', 'XML_DIGEST_MISMATCH']);
  });

  it('produces a signature openssl cms -verify accepts', () => {
    const content = tempFile(new TextEncoder().encode('ブラウザで署名した文書'));
    const args = ['cms', '-verify', '-binary', '-purpose', 'any', '-inform', 'DER'];
    args.push('-in', tempFile(new Uint8Array(result.p7s)), '-content', content);
    args.push('-CAfile', `${VECTORS}root.pem`, '-out', '/dev/null');
    expect(() => execFileSync('openssl', args, { stdio: 'pipe' })).not.toThrow();
  });
});

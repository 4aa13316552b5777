/**
 * The portal over HTTP on loopback: uploads through the form and the JSON endpoint, the size limit,
 * content checks, escaping, and that nothing is kept on disk unless configured.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortalConfig, portalConfig } from '../src/config.js';
import { createPortalServer } from '../src/server.js';
import { APPLICATION, type PortalFixture, portalFixture } from './fixture.js';

let fixture: PortalFixture;
let portal: Server;
let base: string;
const LIMIT = 64 * 1024;

async function start(config: PortalConfig): Promise<{ server: Server; url: string }> {
  const server = createPortalServer(config);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  fixture = await portalFixture();
  ({ server: portal, url: base } = await start(
    portalConfig({ trustAnchors: fixture.authority.trustAnchors, maxUploadBytes: LIMIT }),
  ));
});

afterAll(async () => {
  if (portal) await new Promise((resolve) => portal.close(resolve));
  await fixture?.close();
});

function form(files: Record<string, { data: Uint8Array; name: string }>): FormData {
  const body = new FormData();
  for (const [field, file] of Object.entries(files))
    body.append(field, new Blob([new Uint8Array(file.data)]), file.name);
  return body;
}

async function upload(files: Record<string, { data: Uint8Array; name: string }>) {
  const response = await fetch(`${base}/verify`, { method: 'POST', body: form(files) });
  return { status: response.status, html: await response.text() };
}

const verdictOf = (html: string) => /id="verdict">([^<]*)</.exec(html)?.[1];

describe('the upload page', () => {
  it('GET / serves the form with the two file inputs', async () => {
    const response = await fetch(`${base}/`);
    const html = await response.text();
    expect([response.status, html.includes('name="signature"'), html.includes('name="document"')]).toEqual([
      200,
      true,
      true,
    ]);
  });

  it('an attached signature by a card in force is valid and names the holder', async () => {
    const { status, html } = await upload({ signature: { data: fixture.valid, name: 'application.p7s' } });
    expect([status, verdictOf(html)?.startsWith('valid'), /id="holder-name">見本　花子</.test(html)]).toEqual(
      [200, true, true],
    );
  });

  it('shows where the revocation status came from (live OCSP)', async () => {
    const { html } = await upload({ signature: { data: fixture.valid, name: 'application.p7s' } });
    expect(html).toContain('good — OCSP');
  });

  it('a detached signature with its document is valid', async () => {
    const { html } = await upload({
      signature: { data: fixture.detached, name: 'application.p7s' },
      document: { data: APPLICATION, name: 'application.txt' },
    });
    expect(verdictOf(html)?.startsWith('valid')).toBe(true);
  });

  it('a detached signature without its document says the content is missing', async () => {
    const { html } = await upload({ signature: { data: fixture.detached, name: 'application.p7s' } });
    expect([verdictOf(html), html.includes('CMS_CONTENT_MISSING')]).toEqual(['indeterminate', true]);
  });

  it('a detached signature with another document is invalid', async () => {
    const { html } = await upload({
      signature: { data: fixture.detached, name: 'application.p7s' },
      document: { data: new TextEncoder().encode('a different application'), name: 'other.txt' },
    });
    expect([verdictOf(html)?.startsWith('invalid'), html.includes('CMS_DIGEST_MISMATCH')]).toEqual([
      true,
      true,
    ]);
  });

  it('a signature by a card reported lost is revoked (CERT_REVOKED)', async () => {
    const { status, html } = await upload({ signature: { data: fixture.revoked, name: 'lost.p7s' } });
    expect([
      status,
      verdictOf(html),
      html.includes('CERT_REVOKED'),
      html.includes('revoked (keyCompromise)'),
    ]).toEqual([200, 'invalid — the certificate is revoked', true, true]);
  });

  it('a file that is not CMS gets a sentence with UPLOAD_NOT_CMS (422)', async () => {
    const { status, html } = await upload({
      signature: { data: new TextEncoder().encode('hello, not a signature'), name: 'notes.txt' },
    });
    expect([status, html.includes('is not a CMS signature'), html.includes('UPLOAD_NOT_CMS')]).toEqual([
      422,
      true,
      true,
    ]);
  });

  it('DER that is not a SignedData gets a report with its code', async () => {
    const { status, html } = await upload({
      signature: { data: new Uint8Array([0x30, 0x03, 1, 2]), name: 'x.p7s' },
    });
    expect([status, verdictOf(html), /CMS_MALFORMED|DER_MALFORMED/.test(html)]).toEqual([
      200,
      'indeterminate',
      true,
    ]);
  });

  it('a form without a signature file is UPLOAD_NO_SIGNATURE (400)', async () => {
    const { status, html } = await upload({ document: { data: APPLICATION, name: 'application.txt' } });
    expect([status, html.includes('UPLOAD_NO_SIGNATURE')]).toEqual([400, true]);
  });

  it('escapes the uploaded file name', async () => {
    const { html } = await upload({
      signature: { data: fixture.valid, name: '<img src=x onerror=alert(1)>.p7s' },
    });
    expect([html.includes('<img src=x'), html.includes('&#60;img src=x onerror=alert(1)&#62;.p7s')]).toEqual([
      false,
      true,
    ]);
  });

  it('a body that is not multipart/form-data is UPLOAD_UNSUPPORTED_TYPE (415)', async () => {
    const response = await fetch(`${base}/verify`, { method: 'POST', body: new Uint8Array(fixture.valid) });
    expect([response.status, (await response.text()).includes('UPLOAD_UNSUPPORTED_TYPE')]).toEqual([
      415,
      true,
    ]);
  });

  it('a malformed multipart body is UPLOAD_MALFORMED (400)', async () => {
    const response = await fetch(`${base}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=abc' },
      body: '--abc\r\nno headers end here',
    });
    expect([response.status, (await response.text()).includes('UPLOAD_MALFORMED')]).toEqual([400, true]);
  });
});

describe('limits', () => {
  it('an upload over the limit gets 413 UPLOAD_TOO_LARGE from its Content-Length', async () => {
    const { status, html } = await upload({
      signature: { data: new Uint8Array(LIMIT + 1), name: 'big.p7s' },
    });
    expect([status, html.includes('UPLOAD_TOO_LARGE')]).toEqual([413, true]);
  });

  it('a streamed upload without Content-Length is cut off at the limit with 413', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(16 * 1024).fill(0x30));
        controller.close();
      },
    });
    const response = await fetch(`${base}/api/verify`, {
      method: 'POST',
      body: chunks,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([
      413,
      'UPLOAD_TOO_LARGE',
    ]);
  });

  it('the server keeps serving after refusals', async () => {
    expect((await fetch(`${base}/`)).status).toBe(200);
  });
});

describe('the JSON endpoint', () => {
  it('POST /api/verify answers the ValidationReport', async () => {
    const response = await fetch(`${base}/api/verify`, {
      method: 'POST',
      body: new Uint8Array(fixture.valid),
    });
    const report = (await response.json()) as { verdict: string; signer: { jpki?: { name: string } } };
    expect([response.status, report.verdict, report.signer.jpki?.name]).toEqual([200, 'valid', '見本　花子']);
  });

  it('answers problems as { error: { code, message } }', async () => {
    const response = await fetch(`${base}/api/verify`, { method: 'POST', body: 'plain text' });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect([response.status, body.error.code, body.error.message.length > 20]).toEqual([
      422,
      'UPLOAD_NOT_CMS',
      true,
    ]);
  });

  it('unknown paths are 404 and wrong methods 405', async () => {
    const [missing, wrong] = await Promise.all([fetch(`${base}/nope`), fetch(`${base}/verify`)]);
    expect([missing.status, wrong.status, wrong.headers.get('allow')]).toEqual([404, 405, 'POST']);
  });
});

describe('keeping uploads', () => {
  it('writes the upload into keepUploadsDir when one is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-portal-keep-'));
    const kept = join(dir, 'uploads');
    const { server, url } = await start(
      portalConfig({ trustAnchors: fixture.authority.trustAnchors, keepUploadsDir: kept }),
    );
    try {
      await fetch(`${url}/api/verify`, { method: 'POST', body: new Uint8Array(fixture.valid) });
      expect(readdirSync(kept).filter((f) => f.endsWith('.p7s'))).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

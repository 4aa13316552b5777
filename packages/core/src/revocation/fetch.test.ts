import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildCrl,
  buildOcspResponse,
  ext,
  generateKey,
  issue,
  NOW,
  type TestCert,
} from '@shomei/simulator/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validatePath } from '../path/validate-path.js';
import { clearRevocationFetchCaches, fetchBytes } from './fetch.js';

let server: Server;
let base: string;
const hits: Record<string, number> = {};
const routes: Record<string, (body: Buffer) => Uint8Array | 'hang'> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('/').slice(0, 2).join('/');
      hits[path] = (hits[path] ?? 0) + 1;
      const route = routes[path];
      if (!route) {
        res.statusCode = 404;
        res.end();
        return;
      }
      const out = route(Buffer.concat(chunks));
      if (out === 'hang') return;
      res.end(Buffer.from(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => clearRevocationFetchCaches());

describe('fetchBytes', () => {
  it('returns the response body', async () => {
    routes['/small'] = () => Uint8Array.of(1, 2, 3);
    expect(await fetchBytes(`${base}/small`)).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('refuses a body larger than maxBytes', async () => {
    routes['/big'] = () => new Uint8Array(10_000);
    await expect(fetchBytes(`${base}/big`, { maxBytes: 1000 })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
  });

  it('times out on a server that does not answer', async () => {
    routes['/hang'] = () => 'hang';
    await expect(fetchBytes(`${base}/hang`, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('refuses non-http URLs', async () => {
    await expect(fetchBytes('file:///etc/passwd')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });
});

describe('revocation fetching (opt-in)', () => {
  let root: TestCert;
  let ca: TestCert;

  beforeAll(async () => {
    root = await issue({ subject: 'CN=Fetch Root', key: await generateKey(), ca: true });
    ca = await issue({ subject: 'CN=Fetch CA', key: await generateKey(), issuer: root, ca: true });
  });

  const run = (leaf: TestCert, fetch = true) =>
    validatePath(leaf.der, {
      trustAnchors: [root.der],
      intermediates: [ca.der],
      time: NOW,
      revocation: { mode: 'prefer', fetch, fetchTimeoutMs: 2000 },
    });

  it('queries the OCSP responder named in AIA and caches the answer by CertID', async () => {
    const leaf = await issue({
      subject: 'CN=OCSP Fetch',
      key: await generateKey(),
      issuer: ca,
      extensions: [ext.aia({ ocsp: `${base}/ocsp` })],
    });
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca });
    routes['/ocsp'] = () => resp;
    hits['/ocsp'] = 0;
    const first = await run(leaf);
    await run(leaf);
    expect([first.path[0]?.revocation, hits['/ocsp']]).toEqual([{ status: 'good', source: 'ocsp' }, 1]);
  });

  it('does not fetch unless asked', async () => {
    const leaf = await issue({
      subject: 'CN=No Fetch',
      key: await generateKey(),
      issuer: ca,
      extensions: [ext.aia({ ocsp: `${base}/ocsp2` })],
    });
    routes['/ocsp2'] = () => Uint8Array.of(0);
    hits['/ocsp2'] = 0;
    await run(leaf, false);
    expect(hits['/ocsp2']).toBe(0);
  });

  it('fetches the CRL named in cRLDistributionPoints', async () => {
    const leaf = await issue({
      subject: 'CN=CRL Fetch',
      key: await generateKey(),
      issuer: ca,
      serial: 4242,
      extensions: [ext.crlDp([{ uris: [`${base}/ca.crl`] }])],
    });
    const crl = await buildCrl({ issuer: ca, entries: [{ serial: 4242, reason: 1 }] });
    routes['/ca.crl'] = () => crl;
    expect((await run(leaf)).code).toBe('CERT_REVOKED');
  });

  it('CRL_FETCH_FAILED makes the result indeterminate when the CDP is unreachable', async () => {
    const leaf = await issue({
      subject: 'CN=CRL Missing',
      key: await generateKey(),
      issuer: ca,
      extensions: [ext.crlDp([{ uris: [`${base}/missing.crl`] }])],
    });
    const r = await run(leaf);
    expect([r.verdict, r.code]).toEqual(['indeterminate', 'CRL_FETCH_FAILED']);
  });

  it('OCSP_FETCH_FAILED when the responder answers HTTP 404', async () => {
    const leaf = await issue({
      subject: 'CN=OCSP Missing',
      key: await generateKey(),
      issuer: ca,
      extensions: [ext.aia({ ocsp: `${base}/nothing` })],
    });
    const r = await run(leaf);
    expect([r.verdict, r.code]).toEqual(['indeterminate', 'OCSP_FETCH_FAILED']);
  });
});

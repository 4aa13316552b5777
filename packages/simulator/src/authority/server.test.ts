import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasErrorCode, toBase64, toPem } from '@shomei/core';
import { encodeOid, encodeTlv } from '@shomei/core/der';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualJpkiCard } from '../card/virtual-card.js';
import { Authority, type OperatorSession } from './authority.js';
import { OperatorCard } from './operator-card.js';
import { AuthorityServer } from './server.js';

const openssl = (...args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
};
// openssl talking to this process's server must not block the event loop the server runs on.
const opensslAsync = (...args: string[]) =>
  new Promise<{ status: number; out: string }>((resolve) =>
    execFile('openssl', args, { encoding: 'utf8' }, (err, stdout) =>
      resolve({ status: err ? Number(err.code ?? 1) : 0, out: stdout }),
    ),
  );

let dir: string;
let authority: Authority;
let server: AuthorityServer;
let session: OperatorSession;
let card: VirtualJpkiCard;

const path = (name: string) => join(dir, name);
const write = (name: string, data: Uint8Array | string) => {
  writeFileSync(path(name), data);
  return path(name);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-server-'));
  authority = await Authority.create({ label: 'server test' });
  server = await authority.serve({ port: 0 });
  authority.setBaseUrl(server.url);
  const op = OperatorCard.create({ name: 'counter', pin: '1234' });
  authority.enrolOperator(op);
  session = authority.openSession(op, '1234');
  ({ card } = await authority.issue(session, {
    holder: { name: 'a', address: 'b', birthDate: '1990-01-01', sex: 'female', myNumber: '123456789018' },
    pins: { sign: 'ABC123', auth: '1234', assist: '1234' },
  }));
  write('sign-ca.pem', toPem('CERTIFICATE', authority.caCertificate('sign')));
  write('sign.pem', toPem('CERTIFICATE', card.certificate('sign')));
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (route: string, body: Uint8Array, type: string) =>
  fetch(`${server.url}${route}`, {
    method: 'POST',
    body: Buffer.from(body),
    headers: { 'content-type': type },
  });

describe('OCSP over HTTP', () => {
  it('openssl ocsp -url asks the live responder and gets good', async () => {
    const r = await opensslAsync(
      'ocsp',
      '-issuer',
      path('sign-ca.pem'),
      '-cert',
      path('sign.pem'),
      '-CAfile',
      path('sign-ca.pem'),
      '-url',
      `${server.url}/ocsp`,
    );
    expect(`${r.status} ${r.out}`).toMatch(/^0 .*sign\.pem: good/s);
  });

  it('the certificate names the live responder in its AIA', () => {
    const r = openssl('x509', '-in', path('sign.pem'), '-noout', '-ocsp_uri');
    expect(r.out.trim()).toBe(`${server.url}/ocsp`);
  });

  it('GET with the base64 request in the URL (RFC 6960 A.1) answers too', async () => {
    openssl(
      'ocsp',
      '-issuer',
      path('sign-ca.pem'),
      '-cert',
      path('sign.pem'),
      '-no_nonce',
      '-reqout',
      path('req.der'),
    );
    const b64 = encodeURIComponent(toBase64(new Uint8Array(readFileSync(path('req.der')))));
    const res = await fetch(`${server.url}/ocsp/${b64}`);
    write('get-resp.der', new Uint8Array(await res.arrayBuffer()));
    const r = openssl('ocsp', '-respin', path('get-resp.der'), '-resp_text', '-noverify');
    expect(r.out).toContain('Cert Status: good');
  });

  it('a malformed request gets malformedRequest', async () => {
    const res = await post('/ocsp', Uint8Array.of(1, 2, 3), 'application/ocsp-request');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x01));
  });

  it('a request for an unknown issuer gets unauthorized', async () => {
    const sha1 = encodeTlv(0x30, encodeOid('1.3.14.3.2.26'));
    const certId = encodeTlv(
      0x30,
      sha1,
      encodeTlv(0x04, new Uint8Array(20)),
      encodeTlv(0x04, new Uint8Array(20)),
      Uint8Array.of(0x02, 0x01, 0x05),
    );
    const req = encodeTlv(0x30, encodeTlv(0x30, encodeTlv(0x30, encodeTlv(0x30, certId))));
    const res = await post('/ocsp', req, 'application/ocsp-request');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x06));
  });

  it('an oversized body gets 413 and the server keeps serving', async () => {
    const res = await post('/ocsp', new Uint8Array(100 * 1024), 'application/ocsp-request');
    expect(res.status).toBe(413);
    const again = await fetch(`${server.url}/crl/sign.crl`);
    expect(again.status).toBe(200);
  });

  it('OCSP says revoked right after the loss report', async () => {
    authority.revoke(session, card, 'keyCompromise');
    const r = await opensslAsync(
      'ocsp',
      '-issuer',
      path('sign-ca.pem'),
      '-cert',
      path('sign.pem'),
      '-CAfile',
      path('sign-ca.pem'),
      '-url',
      `${server.url}/ocsp`,
    );
    expect(r.out).toContain('sign.pem: revoked');
  });
});

describe('CRLs and certificates over HTTP', () => {
  it('serves the latest complete CRL byte for byte', async () => {
    const res = await fetch(`${server.url}/crl/sign.crl`);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(authority.crl('sign'));
  });

  it('serves the delta CRL', async () => {
    const res = await fetch(`${server.url}/crl/auth-delta.crl`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(authority.crl('auth', { delta: true }));
  });

  it('serves the CA certificate named in caIssuers', async () => {
    const res = await fetch(`${server.url}/ca/sign.crt`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(authority.caCertificate('sign'));
  });

  it('answers 404 for an unknown path', async () => {
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
  });

  it('answers 405 for POST on a CRL', async () => {
    expect((await post('/crl/sign.crl', new Uint8Array(1), 'text/plain')).status).toBe(405);
  });
});

describe('time stamps over HTTP', () => {
  it('openssl ts -verify accepts a token for its own query', async () => {
    write('doc.txt', 'hello');
    openssl('ts', '-query', '-data', path('doc.txt'), '-sha256', '-cert', '-out', path('q.tsq'));
    const res = await post(
      '/tsa',
      new Uint8Array(readFileSync(path('q.tsq'))),
      'application/timestamp-query',
    );
    expect(res.headers.get('content-type')).toBe('application/timestamp-reply');
    write('r.tsr', new Uint8Array(await res.arrayBuffer()));
    write('tsa.pem', toPem('CERTIFICATE', authority.caCertificate('tsa')));
    const r = openssl(
      'ts',
      '-verify',
      '-queryfile',
      path('q.tsq'),
      '-in',
      path('r.tsr'),
      '-CAfile',
      path('sign-ca.pem'),
      '-untrusted',
      path('tsa.pem'),
    );
    expect(`${r.status} ${r.out}`).toMatch(/^0 Verification: OK/);
  });

  it('the TSA certificate is re-certified with the live CRL and OCSP URLs after setBaseUrl', () => {
    write('tsa-now.pem', toPem('CERTIFICATE', authority.caCertificate('tsa')));
    const text = openssl('x509', '-in', path('tsa-now.pem'), '-noout', '-text').out;
    expect([
      text.includes(`URI:${server.url}/crl/sign.crl`),
      text.includes(`OCSP - URI:${server.url}/ocsp`),
    ]).toEqual([true, true]);
  });

  it('a garbage query gets a rejection with badDataFormat', async () => {
    const res = await post('/tsa', Uint8Array.of(0xff, 0x00), 'application/timestamp-query');
    write('bad.tsr', new Uint8Array(await res.arrayBuffer()));
    const r = openssl('ts', '-reply', '-in', path('bad.tsr'), '-text');
    expect(r.out).toMatch(/Status: Rejected[\s\S]*Failure info: the data submitted has the wrong format/);
  });
});

describe('binding', () => {
  it('refuses a non-loopback address unless allowed', async () => {
    await expect(AuthorityServer.start(authority, { host: '0.0.0.0', port: 0 })).rejects.toSatisfy(
      (e: unknown) => hasErrorCode(e, 'SERVER_BIND_REFUSED'),
    );
  });
});

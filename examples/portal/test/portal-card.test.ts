/**
 * The portal's card routes over HTTP, on real PostgreSQL and Redis, with the browser's part played by
 * the card driver over an in-process virtual card (the real browser runs in portal-card.pcsc.test.ts):
 * a login verified for the portal's origin, an application signed as CMS, PDF and e-Gov XML that the
 * worker then verifies valid, and the refusals — another origin, a replayed or unknown id, another
 * card's certificate, a signature over something else.
 */
import { openJpkiCard } from '@shomei/card';
import { encodeLoginToken, fromBase64, loginMessage, toBase64 } from '@shomei/core';
import { Authority, MemoryTransport, OperatorCard, type VirtualJpkiCard } from '@shomei/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLDER } from './fixture.js';
import { type InProcessPortal, inProcessPortal } from './harness.js';

/** The JSON the routes answer: the fields a test reads (the rest is not looked at). */
interface Answer {
  verdict?: string;
  code?: string;
  status?: string;
  statusUrl?: string;
  hash?: string;
  signatureId?: string;
  description?: string;
  account?: { id: string };
  error?: { code: string; message: string };
  [field: string]: unknown;
}

const PINS = { sign: 'MIHON2024', auth: '1234', assist: '5678' };
let authority: Authority;
let close: () => Promise<void>;
let card: VirtualJpkiCard;
let other: VirtualJpkiCard;
let portal: InProcessPortal;

beforeAll(async () => {
  authority = await Authority.create({ label: 'portal card routes' });
  const server = await authority.serve({ port: 0 });
  authority.setBaseUrl(server.url);
  close = () => server.close();
  const operator = OperatorCard.create({ name: 'counter 1', pin: '2468' });
  authority.enrolOperator(operator);
  const session = authority.openSession(operator, '2468');
  card = (await authority.issue(session, { holder: HOLDER, pins: PINS })).card;
  other = (await authority.issue(session, { holder: { ...HOLDER, name: '見本　次郎' }, pins: PINS })).card;
  portal = await inProcessPortal(authority.trustAnchors);
}, 60_000);

afterAll(async () => {
  await portal?.close();
  await close?.();
});

async function post(path: string, body: unknown, origin = portal.url) {
  const response = await fetch(`${portal.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Answer };
}

/** What the extension and host do for `sign`: the card signs the hash; the certificate comes back. */
async function cardSign(v: VirtualJpkiCard, hash: string) {
  await using driver = await openJpkiCard({ transport: new MemoryTransport(v) });
  const signature = await driver.sign(
    'sign',
    { digest: fromBase64(hash), hash: 'SHA-256' },
    { pin: PINS.sign },
  );
  const certificate = await driver.readCertificate('sign', { pin: PINS.sign });
  const chain = [await driver.readCertificate('sign-ca')];
  return { signature: toBase64(signature), certificate: toBase64(certificate), chain: chain.map(toBase64) };
}

async function waitForVerdict(statusUrl: string): Promise<Answer> {
  for (let i = 0; i < 150; i++) {
    const status = (await (await fetch(`${portal.url}${statusUrl}`)).json()) as Answer;
    if (status.status !== 'pending') return status;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no verdict');
}

const application = { copies: 2, purpose: 'employment', note: '勤務先へ提出' };

async function signApplication(format: string, signer = card, certificateFrom = card) {
  const cert = await cardSign(certificateFrom, toBase64(new Uint8Array(32)));
  const prepared = await post('/api/card/sign/prepare', {
    format,
    ...application,
    certificate: cert.certificate,
    chain: cert.chain,
  });
  const signed = await cardSign(signer, prepared.json.hash!);
  return {
    prepared,
    finished: await post('/api/card/sign/finish', {
      signatureId: prepared.json.signatureId,
      signature: signed.signature,
      certificate: signed.certificate,
    }),
  };
}

describe('the portal card routes', () => {
  it('serves the card page with a CSP that lets only its own scripts run', async () => {
    const response = await fetch(`${portal.url}/card`);
    const html = await response.text();
    expect([
      response.status,
      response.headers.get('content-security-policy'),
      html.includes('<script type="module" src="/card/app.js">'),
      (await fetch(`${portal.url}/card/shomei-card.js`)).status,
    ]).toEqual([
      200,
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'self'",
      true,
      200,
    ]);
  });

  it('logs in: a token for the portal origin and its challenge is valid; the challenge cannot be used twice', async () => {
    const begin = await post('/api/card/login/begin', {});
    await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
    const message = loginMessage(portal.url, begin.json.nonce as string);
    const signature = await driver.sign('auth', { data: message }, { pin: PINS.auth });
    const certificate = await driver.readCertificate('auth');
    const token = encodeLoginToken({
      origin: portal.url,
      nonce: begin.json.nonce as string,
      hash: 'SHA-256',
      certificate,
      signature,
    });
    const first = await post('/api/card/login/finish', { challengeId: begin.json.challengeId, token });
    const replay = await post('/api/card/login/finish', { challengeId: begin.json.challengeId, token });
    expect([
      first.json.verdict,
      typeof first.json.account?.id,
      replay.status,
      replay.json.error?.code,
    ]).toEqual(['valid', 'string', 410, 'CARD_PENDING_UNKNOWN']);
  });

  it('refuses a token made for another origin (LOGIN_ORIGIN_MISMATCH)', async () => {
    const begin = await post('/api/card/login/begin', {});
    await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
    const phished = 'https://portal.example.jp.evil.test';
    const signature = await driver.sign(
      'auth',
      { data: loginMessage(phished, begin.json.nonce as string) },
      { pin: PINS.auth },
    );
    const certificate = await driver.readCertificate('auth');
    const token = encodeLoginToken({
      origin: phished,
      nonce: begin.json.nonce as string,
      hash: 'SHA-256',
      certificate,
      signature,
    });
    const r = await post('/api/card/login/finish', { challengeId: begin.json.challengeId, token });
    expect([r.json.verdict, r.json.code]).toEqual(['invalid', 'LOGIN_ORIGIN_MISMATCH']);
  });

  it('refuses a request from another origin (CSRF)', async () => {
    const r = await post('/api/card/login/begin', {}, 'https://evil.example');
    expect([r.status, r.json.error?.code]).toEqual([403, 'CARD_ORIGIN_REFUSED']);
  });

  it.each(['cms', 'pdf', 'egov'])(
    'signs the application as %s; the worker verifies it valid',
    async (format) => {
      const { prepared, finished } = await signApplication(format);
      const verdict = await waitForVerdict(finished.json.statusUrl!);
      expect([prepared.json.description, finished.status, verdict.status]).toEqual([
        expect.stringContaining('住民票の写しの交付請求書'),
        202,
        'valid',
      ]);
    },
  );

  it('refuses a signature by another card than the certificate prepared for (EXTERNAL_CERTIFICATE_MISMATCH)', async () => {
    const { finished } = await signApplication('pdf', other, card);
    expect([finished.status, finished.json.error?.code]).toEqual([422, 'EXTERNAL_CERTIFICATE_MISMATCH']);
  });

  it('refuses a signature over another hash (EXTERNAL_SIGNATURE_MISMATCH), and the id is then spent', async () => {
    const cert = await cardSign(card, toBase64(new Uint8Array(32)));
    const prepared = await post('/api/card/sign/prepare', { format: 'egov', ...application, ...cert });
    const wrong = await cardSign(card, toBase64(new Uint8Array(32).fill(7)));
    const body = {
      signatureId: prepared.json.signatureId,
      signature: wrong.signature,
      certificate: wrong.certificate,
    };
    const first = await post('/api/card/sign/finish', body);
    const again = await post('/api/card/sign/finish', body);
    expect([first.json.error?.code, again.json.error?.code]).toEqual([
      'EXTERNAL_SIGNATURE_MISMATCH',
      'CARD_PENDING_UNKNOWN',
    ]);
  });

  it('refuses fields outside the form (CARD_REQUEST_INVALID)', async () => {
    const r = await post('/api/card/sign/prepare', {
      format: 'cms',
      copies: 99,
      purpose: 'employment',
      certificate: 'AA==',
    });
    expect([r.status, r.json.error?.code]).toEqual([400, 'CARD_REQUEST_INVALID']);
  });
});

/**
 * The whole flow as an application meets it: a card issued
 * at the counter, a document signed through the card driver (openJpkiCard over MemoryTransport),
 * verifyCms with the live OCSP responder → valid; the loss report → the CRL and OCSP both say revoked
 * and verifyCms says invalid with CERT_REVOKED; then a hold and its release round trip.
 */
import { openJpkiCard } from '@shomei/card';
import { clearRevocationFetchCaches, signCms, type ValidationReport, verifyCms } from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authority, type OperatorSession } from '../src/authority/authority.js';
import { OperatorCard } from '../src/authority/operator-card.js';
import type { AuthorityServer } from '../src/authority/server.js';
import type { VirtualJpkiCard } from '../src/card/virtual-card.js';
import { MemoryTransport } from '../src/transport/memory.js';
import { HOLDER, PINS } from './fixture.js';

const DOCUMENT = new TextEncoder().encode('住民票の写しの交付請求書 1通');

let authority: Authority;
let server: AuthorityServer;
let session: OperatorSession;

beforeAll(async () => {
  authority = await Authority.create({ label: 'flow' });
  server = await authority.serve({ port: 0 });
  authority.setBaseUrl(server.url);
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
});

afterAll(() => server?.close());

async function issueAndSign(): Promise<{ card: VirtualJpkiCard; p7s: Uint8Array }> {
  const { card } = await authority.issue(session, { holder: HOLDER, pins: PINS });
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  const signer = await driver.toSigner('sign', { pin: PINS.sign });
  return { card, p7s: await signCms(DOCUMENT, signer) };
}

/** A relying party asking now (core caches OCSP answers until nextUpdate). */
function withLiveOcsp(p7s: Uint8Array): Promise<ValidationReport> {
  clearRevocationFetchCaches();
  return verifyCms(p7s, {
    trustAnchors: authority.trustAnchors,
    revocation: { mode: 'require', fetch: true },
  });
}

function withCrlOnly(p7s: Uint8Array): Promise<ValidationReport> {
  return verifyCms(p7s, {
    trustAnchors: authority.trustAnchors,
    crls: [authority.crl('sign'), authority.crl('sign', { delta: true })],
    revocation: { mode: 'require', order: ['crl'] },
  });
}

const leaf = (r: ValidationReport) => [
  r.verdict,
  r.code,
  r.chain[0]?.revocation.status,
  r.chain[0]?.revocation.source,
];

describe('issue → sign through the card → verify → report lost', () => {
  let card: VirtualJpkiCard;
  let p7s: Uint8Array;
  beforeAll(async () => {
    ({ card, p7s } = await issueAndSign());
  });

  it('verifyCms with the live OCSP responder says valid, with the holder’s facts', async () => {
    const report = await withLiveOcsp(p7s);
    expect([...leaf(report), report.signer.jpki?.name]).toEqual([
      'valid',
      undefined,
      'good',
      'ocsp',
      HOLDER.name,
    ]);
  });

  it('after the loss report, OCSP says revoked and verifyCms says invalid with CERT_REVOKED', async () => {
    authority.revoke(session, card, 'keyCompromise');
    const report = await withLiveOcsp(p7s);
    expect([...leaf(report), report.chain[0]?.revocation.reason]).toEqual([
      'invalid',
      'CERT_REVOKED',
      'revoked',
      'ocsp',
      'keyCompromise',
    ]);
  });

  it('the published CRL alone says revoked too', async () => {
    expect(leaf(await withCrlOnly(p7s))).toEqual(['invalid', 'CERT_REVOKED', 'revoked', 'crl']);
  });
});

describe('hold and release', () => {
  let card: VirtualJpkiCard;
  let p7s: Uint8Array;
  beforeAll(async () => {
    ({ card, p7s } = await issueAndSign());
  });

  it('on hold, OCSP and the CRL say revoked (certificateHold)', async () => {
    authority.hold(session, card.certificate('sign'));
    const [ocsp, crl] = [await withLiveOcsp(p7s), await withCrlOnly(p7s)];
    expect([ocsp.code, ocsp.chain[0]?.revocation.reason, crl.code, crl.chain[0]?.revocation.reason]).toEqual([
      'CERT_REVOKED',
      'certificateHold',
      'CERT_REVOKED',
      'certificateHold',
    ]);
  });

  it('after release, OCSP and the CRL let the same signature verify as valid again', async () => {
    authority.release(session, card.certificate('sign'));
    expect([leaf(await withLiveOcsp(p7s)), leaf(await withCrlOnly(p7s))]).toEqual([
      ['valid', undefined, 'good', 'ocsp'],
      ['valid', undefined, 'good', 'crl'],
    ]);
  });
});

describe('the JPKI profile in verification', () => {
  it('refuses a document signed with the user-authentication key with JPKI_AUTH_KEY_SIGNATURE', async () => {
    const { card } = await authority.issue(session, { holder: HOLDER, pins: PINS });
    await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
    const signer = await driver.toSigner('auth', { pin: PINS.auth });
    const report = await verifyCms(await signCms(DOCUMENT, signer), {
      trustAnchors: authority.trustAnchors,
      revocation: { mode: 'off' },
    });
    expect([report.verdict, report.code]).toEqual(['invalid', 'JPKI_AUTH_KEY_SIGNATURE']);
    expect(report.checks.find((c) => c.name === 'keyUsage')).toMatchObject({
      ok: false,
      code: 'JPKI_AUTH_KEY_SIGNATURE',
    });
  });
});

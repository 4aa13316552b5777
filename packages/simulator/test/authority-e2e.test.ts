/**
 * End to end across the authority and core's verifier (issue 7 "Tests"): issue a card at the counter,
 * sign through the card's APDUs, validate the signing certificate with the authority's anchors and
 * its live OCSP responder (fetched from the AIA), report the loss, and watch OCSP and the CRLs turn
 * it into CERT_REVOKED; then the hold/release round trip.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { clearRevocationFetchCaches, toHex, validatePath } from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authority, type OperatorSession } from '../src/authority/authority.js';
import { OperatorCard } from '../src/authority/operator-card.js';
import type { AuthorityServer } from '../src/authority/server.js';
import type { VirtualJpkiCard } from '../src/card/virtual-card.js';
import { APDU, HOLDER, PINS, run } from './fixture.js';

let authority: Authority;
let server: AuthorityServer;
let session: OperatorSession;
let card: VirtualJpkiCard;
let signCert: Uint8Array;
let authCert: Uint8Array;

beforeAll(async () => {
  authority = await Authority.create({ label: 'e2e' });
  server = await authority.serve({ port: 0 });
  authority.setBaseUrl(server.url);
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
  ({ card } = await authority.issue(session, { holder: HOLDER, pins: PINS }));
  signCert = card.certificate('sign');
  authCert = card.certificate('auth');
});

afterAll(() => server?.close());

/** A relying party asking now: core caches OCSP answers until their nextUpdate, so start afresh. */
const live = (leaf: Uint8Array) => {
  clearRevocationFetchCaches();
  return validatePath(leaf, {
    trustAnchors: authority.trustAnchors,
    revocation: { mode: 'require', fetch: true },
  });
};

const fromCrls = (leaf: Uint8Array, ca: 'sign' | 'auth') =>
  validatePath(leaf, {
    trustAnchors: authority.trustAnchors,
    crls: [authority.crl(ca), authority.crl(ca, { delta: true })],
    revocation: { mode: 'require', order: ['crl'] },
  });

describe('issue → sign → verify → revoke', () => {
  it('the card signs with the key the signing certificate certifies', () => {
    const digest = createHash('sha256').update('契約書 v1').digest();
    const response = run(
      card,
      APDU.selectJpki,
      APDU.selectEf('00 1B'),
      APDU.verify(PINS.sign),
      APDU.selectEf('00 1A'),
      APDU.sign(toHex(new Uint8Array(digest))),
    );
    expect(response.slice(-4)).toBe('9000');
    const signature = Buffer.from(response.slice(0, -4), 'hex');
    const publicKey = createPublicKey({ key: pemOf(signCert), format: 'pem' });
    expect(verify('sha256', Buffer.from('契約書 v1'), publicKey, signature)).toBe(true);
  });

  it('validatePath with the live OCSP responder says valid', async () => {
    const result = await live(signCert);
    expect([result.verdict, result.path[0]?.revocation.status, result.path[0]?.revocation.source]).toEqual([
      'valid',
      'good',
      'ocsp',
    ]);
  });

  it('after the loss report the live OCSP responder makes it CERT_REVOKED', async () => {
    authority.revoke(session, card, 'keyCompromise');
    const result = await live(signCert);
    expect([result.code, result.path[0]?.revocation.reason]).toEqual(['CERT_REVOKED', 'keyCompromise']);
  });

  it('the published CRLs alone make it CERT_REVOKED', async () => {
    const result = await fromCrls(signCert, 'sign');
    expect([result.code, result.path[0]?.revocation.source]).toEqual(['CERT_REVOKED', 'crl']);
  });
});

describe('hold and release', () => {
  let other: VirtualJpkiCard;
  beforeAll(async () => {
    ({ card: other } = await authority.issue(session, { holder: HOLDER, pins: PINS }));
  });

  it('a hold makes OCSP answer revoked (certificateHold)', async () => {
    authority.hold(session, other.certificate('auth'));
    const result = await live(other.certificate('auth'));
    expect([result.code, result.path[0]?.revocation.reason]).toEqual(['CERT_REVOKED', 'certificateHold']);
  });

  it('after release OCSP says good again', async () => {
    authority.release(session, other.certificate('auth'));
    expect((await live(other.certificate('auth'))).verdict).toBe('valid');
  });

  it('a hold in the base CRL released in the delta CRL (removeFromCRL) is valid from CRLs', async () => {
    authority.hold(session, other.certificate('auth'));
    authority.publishCrls({ base: true });
    authority.release(session, other.certificate('auth'));
    expect((await fromCrls(other.certificate('auth'), 'auth')).verdict).toBe('valid');
  });

  it('the first card’s authentication certificate stays revoked', async () => {
    expect((await live(authCert)).code).toBe('CERT_REVOKED');
  });
});

describe('common root', () => {
  it('a hierarchy under one root validates with the root as the only anchor, CA checked by the root CRL', async () => {
    const rooted = await Authority.create({ label: 'rooted', root: true });
    const s = await rooted.serve({ port: 0 });
    try {
      rooted.setBaseUrl(s.url);
      const op = OperatorCard.create({ name: 'counter', pin: '1357' });
      rooted.enrolOperator(op);
      const { card: c } = await rooted.issue(rooted.openSession(op, '1357'), { holder: HOLDER, pins: PINS });
      const result = await validatePath(c.certificate('sign'), {
        trustAnchors: rooted.trustAnchors,
        intermediates: [rooted.caCertificate('sign')],
        crls: [rooted.crl('root')],
        revocation: { mode: 'require', fetch: true },
      });
      expect([rooted.trustAnchors.length, result.verdict, result.path.length]).toEqual([1, 'valid', 3]);
    } finally {
      await s.close();
    }
  });
});

function pemOf(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

import { buildCrl, ext, issue, NOW, sharedRsaKey, type TestCert } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { digestInfo } from '../cms/digest-info.js';
import { digestBytes } from '../cms/hasher.js';
import { hasErrorCode } from '../errors.js';
import { JPKI_POLICY_OID } from '../jpki/oids.js';
import { fromBase64Url, toBase64Url } from './base64url.js';
import { createLoginChallenge, type LoginChallenge } from './challenge.js';
import { decodeLoginToken, encodeLoginToken, isWebOrigin, loginMessage } from './token.js';
import { type VerifyLoginOptions, verifyLogin } from './verify.js';

const ORIGIN = 'https://portal.example.jp';
let root: TestCert;
let auth: TestCert;
let signing: TestCert;
let challenge: LoginChallenge;

/** What the native host does: SHA-256 of the login message, signed as a DigestInfo (RSA PKCS#1 v1.5). */
async function tokenFor(cert: TestCert, origin: string, nonce: string): Promise<string> {
  const message = loginMessage(origin, nonce);
  // WebCrypto hashes the message itself; the card would get digestInfo(SHA-256, hash) instead.
  const signature = new Uint8Array(
    await crypto.subtle.sign('RSASSA-PKCS1-v1_5', cert.key.privateKey, message as Uint8Array<ArrayBuffer>),
  );
  return encodeLoginToken({ origin, nonce, hash: 'SHA-256', certificate: cert.der, signature });
}

const options = (extra: Partial<VerifyLoginOptions> = {}): VerifyLoginOptions => ({
  challenge,
  origin: ORIGIN,
  trustAnchors: [root.der],
  revocation: 'off',
  time: NOW,
  ...extra,
});

beforeAll(async () => {
  const key = await sharedRsaKey(0);
  root = await issue({ subject: 'CN=JPKI for user authentication,O=JPKI,C=JP', key, ca: true });
  auth = await issue({
    subject: 'CN=auth holder,C=JP',
    key,
    issuer: root,
    serial: 4242,
    extensions: [ext.policies([JPKI_POLICY_OID.auth])],
  });
  signing = await issue({
    subject: 'CN=sign holder,C=JP',
    key,
    issuer: root,
    extensions: [ext.keyUsage(['digitalSignature', 'nonRepudiation']), ext.policies([JPKI_POLICY_OID.sign])],
  });
  challenge = createLoginChallenge({ now: NOW });
});

describe('createLoginChallenge', () => {
  it('makes a 32-byte base64url nonce that expires after the TTL', () => {
    const c = createLoginChallenge({ now: NOW, ttlMs: 60_000 });
    expect([fromBase64Url(c.nonce).length, Date.parse(c.expiresAt) - Date.parse(c.issuedAt)]).toEqual([
      32, 60_000,
    ]);
  });

  it('never repeats a nonce', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => createLoginChallenge().nonce));
    expect(nonces.size).toBe(200);
  });

  it('refuses a TTL over one hour', () => {
    expect(() => createLoginChallenge({ ttlMs: 2 * 3600_000 })).toThrow(/ttlMs/);
  });
});

describe('token format', () => {
  it('round-trips the fields', () => {
    const fields = {
      origin: ORIGIN,
      nonce: challenge.nonce,
      hash: 'SHA-256' as const,
      certificate: Uint8Array.of(1, 2),
      signature: Uint8Array.of(3),
    };
    expect(decodeLoginToken(encodeLoginToken(fields))).toEqual(fields);
  });

  it('signs a message that names the protocol, the origin and the nonce', () => {
    expect(new TextDecoder().decode(loginMessage(ORIGIN, challenge.nonce))).toBe(
      `shomei-login/1\n${ORIGIN}\n${challenge.nonce}\n`,
    );
  });

  it.each([
    'https://a.jp/',
    'https://A.jp',
    'https://a.jp/path',
    'ftp://a.jp',
    'null',
    'https://a.jp:443',
    'chrome-extension://abc',
  ])('rejects %s as an origin', (origin) => {
    expect(isWebOrigin(origin)).toBe(false);
  });

  it('rejects a token with a newline smuggled into the origin', () => {
    const bad = toBase64Url(
      new TextEncoder().encode(
        JSON.stringify({
          typ: 'shomei-login',
          v: 1,
          origin: `${ORIGIN}\nx`,
          nonce: challenge.nonce,
          hash: 'SHA-256',
          certificate: 'AA',
          signature: 'AA',
        }),
      ),
    );
    expect(() => decodeLoginToken(bad)).toThrow(expect.objectContaining({ code: 'LOGIN_TOKEN_MALFORMED' }));
  });

  it('the card-side digest equals SHA-256 of the message inside a DigestInfo', async () => {
    const info = digestInfo('SHA-256', await digestBytes('SHA-256', loginMessage(ORIGIN, challenge.nonce)));
    expect(info.length).toBe(51);
  });
});

describe('verifyLogin', () => {
  it('accepts a token for this origin and challenge and names the account by issuer and serial', async () => {
    const report = await verifyLogin(await tokenFor(auth, ORIGIN, challenge.nonce), options());
    expect([report.verdict, report.account?.serial, report.account?.issuer, report.chain.length]).toEqual([
      'valid',
      auth.cert.serialHex,
      root.cert.subject.text,
      2,
    ]);
  });

  it('gives the same account id for the same certificate', async () => {
    const token = await tokenFor(auth, ORIGIN, challenge.nonce);
    const [a, b] = await Promise.all([verifyLogin(token, options()), verifyLogin(token, options())]);
    expect(a.account?.id).toBe(b.account?.id);
  });

  it('refuses a token phished by another site (origin mismatch)', async () => {
    const report = await verifyLogin(
      await tokenFor(auth, 'https://portal.example.jp.evil.test', challenge.nonce),
      options(),
    );
    expect([report.verdict, report.code]).toEqual(['invalid', 'LOGIN_ORIGIN_MISMATCH']);
  });

  it('refuses a token replayed against a new challenge', async () => {
    const old = await tokenFor(auth, ORIGIN, challenge.nonce);
    const report = await verifyLogin(old, options({ challenge: createLoginChallenge({ now: NOW }) }));
    expect(report.code).toBe('LOGIN_CHALLENGE_MISMATCH');
  });

  it('refuses a token after the challenge expired', async () => {
    const report = await verifyLogin(
      await tokenFor(auth, ORIGIN, challenge.nonce),
      options({ time: new Date(Date.parse(challenge.expiresAt) + 1) }),
    );
    expect(report.code).toBe('LOGIN_CHALLENGE_EXPIRED');
  });

  it('refuses a token whose origin was rewritten after signing', async () => {
    const fields = decodeLoginToken(await tokenFor(auth, 'https://other.example.jp', challenge.nonce));
    const forged = encodeLoginToken({ ...fields, origin: ORIGIN });
    expect((await verifyLogin(forged, options())).code).toBe('LOGIN_SIGNATURE_INVALID');
  });

  it('refuses a token signed with the signing certificate (wrong key usage)', async () => {
    const report = await verifyLogin(await tokenFor(signing, ORIGIN, challenge.nonce), options());
    expect(report.code).toBe('LOGIN_KEY_USAGE');
  });

  it('refuses a token whose certificate is revoked', async () => {
    const crl = await buildCrl({
      issuer: root,
      entries: [{ serial: 4242, date: new Date('2026-01-01T00:00:00Z') }],
      thisUpdate: new Date('2026-05-31T00:00:00Z'),
      nextUpdate: new Date('2026-06-30T00:00:00Z'),
    });
    const report = await verifyLogin(
      await tokenFor(auth, ORIGIN, challenge.nonce),
      options({ crls: [crl], revocation: 'require' }),
    );
    expect([report.verdict, report.code, report.chain[0]?.revocation.status]).toEqual([
      'invalid',
      'CERT_REVOKED',
      'revoked',
    ]);
  });

  it('says indeterminate when revocation is required and no source is given', async () => {
    const report = await verifyLogin(
      await tokenFor(auth, ORIGIN, challenge.nonce),
      options({ revocation: 'require' }),
    );
    expect(report.verdict).toBe('indeterminate');
  });

  it('refuses a certificate from an untrusted hierarchy', async () => {
    const other = await issue({ subject: 'CN=Other root', key: await sharedRsaKey(0), ca: true });
    const report = await verifyLogin(
      await tokenFor(auth, ORIGIN, challenge.nonce),
      options({ trustAnchors: [other.der] }),
    );
    expect(report.verdict).toBe('invalid');
  });

  it.each([
    '',
    'x',
    'a'.repeat(20_000),
    toBase64Url(new TextEncoder().encode('{"typ":"shomei-login","v":2}')),
  ])('reports a malformed token %# without throwing', async (token) => {
    expect((await verifyLogin(token, options())).code).toBe('LOGIN_TOKEN_MALFORMED');
  });

  it('throws INPUT_INVALID when the server forgets its own origin', async () => {
    await expect(verifyLogin('x', options({ origin: '' }))).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });
});

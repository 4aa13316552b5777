import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrlIndex, hasErrorCode, toPem } from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualJpkiCard } from '../card/virtual-card.js';
import { Authority, type OperatorSession } from './authority.js';
import { OperatorCard } from './operator-card.js';

// The real peer: every structure the authority produces is also read back by OpenSSL.
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: 'pipe' });

const holder = {
  name: '山田 太郎',
  address: '東京都千代田区霞が関2-1-2',
  birthDate: '1990-04-01',
  sex: 'male' as const,
  myNumber: '123456789018',
};
const pins = { sign: 'SIGN1234', auth: '1234', assist: '5678' };

let dir: string;
let authority: Authority;
let operator: OperatorCard;
let session: OperatorSession;
let card: VirtualJpkiCard;
let t = Date.now();
const clock = () => new Date(t);

const file = (name: string, bytes: Uint8Array | string) => {
  const p = join(dir, 'tmp', name);
  writeFileSync(p, bytes);
  return p;
};
const pem = (name: string, der: Uint8Array) => file(name, toPem('CERTIFICATE', der));

function ocspStatus(leaf: 'sign' | 'auth'): string {
  const ca = pem(`${leaf}-ca.pem`, authority.caCertificate(leaf));
  const cert = pem(`${leaf}.pem`, card.certificate(leaf));
  const req = join(dir, 'tmp', 'req.der');
  openssl('ocsp', '-issuer', ca, '-cert', cert, '-reqout', req);
  const resp = file('resp.der', authority.respondOcsp(new Uint8Array(readFileSync(req))));
  return openssl(
    'ocsp',
    '-respin',
    resp,
    '-issuer',
    ca,
    '-CAfile',
    ca,
    '-cert',
    cert,
    '-no_nonce',
    '-resp_text',
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-authority-'));
  execFileSync('mkdir', ['-p', join(dir, 'tmp')]);
  authority = await Authority.create({ dir: join(dir, 'ca'), label: 'test', clock });
  operator = OperatorCard.create({ name: 'counter 1', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
  ({ card } = await authority.issue(session, { holder, pins }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hierarchy', () => {
  it('self-signed CAs carry the J-LIS DN and CA extensions (spec §11)', () => {
    const text = openssl('x509', '-in', pem('sca.pem', authority.caCertificate('sign')), '-noout', '-text');
    expect(text).toMatch(
      /OU = JPKI for digital signature \(test key [0-9a-f]{8}\), OU = Japan Agency for Local Authority/,
    );
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
  });

  it('the signing certificate chains to the signature CA (openssl verify)', () => {
    const out = openssl(
      'verify',
      '-CAfile',
      pem('sca.pem', authority.caCertificate('sign')),
      pem('sign.pem', card.certificate('sign')),
    );
    expect(out).toContain(': OK');
  });

  it('the card holds the CA certificates the authority issued under', () => {
    expect(card.certificate('sign-ca')).toEqual(authority.caCertificate('sign'));
    expect(card.certificate('auth-ca')).toEqual(authority.caCertificate('auth'));
  });

  it('the signing certificate has the policy, key usage, CRL DP, AIA and six-fact SAN', () => {
    const text = openssl('x509', '-in', pem('sign.pem', card.certificate('sign')), '-noout', '-text');
    expect(text).toContain('Policy: 1.2.392.200149.8.5.1.1.20');
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(text).toContain('URI:http://127.0.0.1:8370/crl/sign.crl');
    expect(text).toContain('OCSP - URI:http://127.0.0.1:8370/ocsp');
    expect(text).toContain('othername: 1.2.392.200149.8.5.5.1');
  });

  it('the authentication certificate has no SAN and the auth policy', () => {
    const text = openssl('x509', '-in', pem('auth.pem', card.certificate('auth')), '-noout', '-text');
    expect(text).not.toContain('Subject Alternative Name');
    expect(text).toContain('Policy: 1.2.392.200149.8.5.1.3.30');
  });

  it('the signing certificate is valid five years', () => {
    const out = openssl('x509', '-in', pem('sign.pem', card.certificate('sign')), '-noout', '-enddate');
    const end = new Date(out.replace('notAfter=', '').trim());
    expect(Math.round((end.getTime() - t) / (365.25 * 86400_000))).toBe(5);
  });
});

describe('revocation', () => {
  it('OCSP answers good for a fresh certificate', () => {
    expect(ocspStatus('sign')).toMatch(/: good/);
  });

  it('OCSP echoes the request nonce and openssl verifies the response signature', () => {
    const ca = pem('sign-ca.pem', authority.caCertificate('sign'));
    const req = join(dir, 'tmp', 'req.der');
    openssl('ocsp', '-issuer', ca, '-cert', pem('sign.pem', card.certificate('sign')), '-reqout', req);
    const resp = file('resp.der', authority.respondOcsp(new Uint8Array(readFileSync(req))));
    const run = spawnSync('openssl', ['ocsp', '-respin', resp, '-reqin', req, '-CAfile', ca], {
      encoding: 'utf8',
    });
    expect(`${run.status} ${run.stderr}`).toMatch(/^0 Response verify OK/);
  });

  it('OCSP accepts SHA-256 CertIDs too', () => {
    const ca = pem('sign-ca.pem', authority.caCertificate('sign'));
    const cert = pem('sign.pem', card.certificate('sign'));
    const req = join(dir, 'tmp', 'req256.der');
    openssl('ocsp', '-sha256', '-issuer', ca, '-cert', cert, '-no_nonce', '-reqout', req);
    const resp = file('resp256.der', authority.respondOcsp(new Uint8Array(readFileSync(req))));
    const out = openssl('ocsp', '-respin', resp, '-resp_text', '-noverify');
    expect(out).toMatch(/Hash Algorithm: sha256[\s\S]*Cert Status: good/);
  });

  it('the complete CRL verifies against the CA and lists nothing at first', () => {
    const crl = file('sign.crl', authority.crl('sign'));
    const out = openssl(
      'crl',
      '-inform',
      'DER',
      '-in',
      crl,
      '-verify',
      '-CAfile',
      pem('sca.pem', authority.caCertificate('sign')),
      '-noout',
      '-text',
    );
    expect(out).toContain('No Revoked Certificates');
  });

  it('hold makes OCSP say revoked with certificateHold', () => {
    authority.hold(session, card.certificate('auth'));
    expect(ocspStatus('auth')).toMatch(/Reason: certificateHold/);
  });

  it('release lists removeFromCRL on the delta CRL and OCSP says good again', () => {
    authority.publishCrls({ base: true }); // the hold is now in the base
    authority.release(session, card.certificate('auth'));
    const delta = file('auth-delta.crl', authority.crl('auth', { delta: true }));
    const out = openssl('crl', '-inform', 'DER', '-in', delta, '-noout', '-text');
    expect(out).toContain('Remove From CRL');
    expect(ocspStatus('auth')).toMatch(/: good/);
  });

  it('a loss report revokes both certificates with keyCompromise', () => {
    t += 60_000;
    const serials = authority.revoke(session, card, 'keyCompromise');
    expect(serials).toHaveLength(2);
    expect(ocspStatus('sign')).toMatch(/Reason: keyCompromise/);
  });

  it('the republished complete CRL lists the revoked serial and a higher CRL number', () => {
    const crl = file('sign.crl', authority.crl('sign'));
    const out = openssl(
      'crl',
      '-inform',
      'DER',
      '-in',
      crl,
      '-verify',
      '-CAfile',
      pem('sca.pem', authority.caCertificate('sign')),
      '-noout',
      '-text',
    );
    const serial = authority.certificateStatus(card.certificate('sign'))!.serial.toUpperCase();
    expect(out).toContain(`Serial Number: ${serial}`);
    expect(out).toContain('Key Compromise');
    expect(out).toMatch(/X509v3 CRL Number:\s+\d+/);
  });

  it('the delta CRL carries the delta CRL indicator and the new revocation', () => {
    const delta = file('sign-delta.crl', authority.crl('sign', { delta: true }));
    const out = openssl('crl', '-inform', 'DER', '-in', delta, '-noout', '-text');
    expect(out).toMatch(/Delta CRL Indicator: critical/);
    expect(out).toContain('Key Compromise');
  });

  it('revoking twice is refused', () => {
    expect(() => authority.revoke(session, card, 'keyCompromise')).toThrow(
      expect.objectContaining({ code: 'REVOCATION_STATE_CONFLICT' }),
    );
  });

  it('revoking an unknown serial is refused', () => {
    expect(() => authority.revoke(session, '0badc0de', 'keyCompromise')).toThrow(
      expect.objectContaining({ code: 'CERT_NOT_ISSUED_HERE' }),
    );
  });

  it('the state survives reopening the directory', () => {
    const reopened = Authority.open(join(dir, 'ca'));
    expect(reopened.certificateStatus(card.certificate('sign'))?.status).toBe('revoked');
  });
});

describe('operators and audit', () => {
  it('issuance without a session is refused', async () => {
    await expect(
      authority.issue({ operatorId: 'x', operatorName: 'forged' }, { holder, pins }),
    ).rejects.toSatisfy((e: unknown) => hasErrorCode(e, 'OPERATOR_SESSION_REQUIRED'));
  });

  it('a wrong operator PIN reports the remaining attempts', () => {
    const other = OperatorCard.create({ name: 'counter 2', pin: '1357' });
    authority.enrolOperator(other, session);
    expect(() => authority.openSession(other, '0000')).toThrow(
      expect.objectContaining({ code: 'OPERATOR_PIN_INCORRECT', details: { remainingAttempts: 2 } }),
    );
  });

  it('an unenrolled operator card is refused', () => {
    const stranger = OperatorCard.create({ name: 'stranger', pin: '1111' });
    expect(() => authority.openSession(stranger, '1111')).toThrow(
      expect.objectContaining({ code: 'OPERATOR_UNKNOWN' }),
    );
  });

  it('the audit log verifies and never contains the My Number', () => {
    expect(authority.verifyAudit()).toMatchObject({ valid: true });
    expect(authority.auditLog()).not.toContain(holder.myNumber);
    expect(authority.auditLog()).not.toContain('山田');
  });

  it('an edited audit entry breaks the chain', () => {
    const logFile = join(dir, 'ca', 'audit.log');
    const original = readFileSync(logFile, 'utf8');
    writeFileSync(logFile, original.replace('"keyCompromise"', '"superseded"'));
    try {
      expect(authority.verifyAudit()).toMatchObject({ valid: false, reason: 'entry hash mismatch' });
    } finally {
      writeFileSync(logFile, original);
    }
  });
});

describe('state rules', () => {
  let other: VirtualJpkiCard;
  beforeAll(async () => {
    ({ card: other } = await authority.issue(session, { holder, pins }));
  });

  it('a held certificate can then be revoked, and the delta lists the new reason', () => {
    authority.hold(session, other.certificate('sign'));
    authority.publishCrls({ base: true });
    authority.revoke(session, other.certificate('sign'), 'keyCompromise');
    const serial = authority.certificateStatus(other.certificate('sign'))!.serial;
    const entry = CrlIndex.from(authority.crl('sign', { delta: true })).lookup(serial);
    expect(entry?.reason).toBe('keyCompromise');
  });

  it('certificateHold is not a revocation reason (use hold)', () => {
    expect(() => authority.revoke(session, other.certificate('auth'), 'certificateHold')).toThrow(
      expect.objectContaining({ code: 'REVOCATION_REASON_INVALID' }),
    );
  });

  it('releasing a certificate that is not on hold is refused', () => {
    expect(() => authority.release(session, other.certificate('auth'))).toThrow(
      expect.objectContaining({ code: 'REVOCATION_STATE_CONFLICT' }),
    );
  });

  it('a second operator cannot be enrolled without a session', () => {
    expect(() => authority.enrolOperator(OperatorCard.create({ name: 'x', pin: '1111' }))).toThrow(
      expect.objectContaining({ code: 'OPERATOR_SESSION_REQUIRED' }),
    );
  });

  it('a change made through another handle on the directory is not overwritten', async () => {
    const { serials } = await authority.issue(session, { holder, pins });
    const second = Authority.open(join(dir, 'ca'));
    second.hold(second.openSession(operator, '2468'), serials.sign);
    authority.hold(session, serials.auth);
    const reread = Authority.open(join(dir, 'ca'));
    expect([
      reread.certificateStatus(serials.sign)?.status,
      reread.certificateStatus(serials.auth)?.status,
    ]).toEqual(['hold', 'hold']);
  });

  it('the audit chain stays intact across handles', () => {
    expect(Authority.open(join(dir, 'ca')).verifyAudit()).toMatchObject({ valid: true });
  });

  it('a closed session no longer authorises anything', () => {
    const s = authority.openSession(operator, '2468');
    authority.closeSession(s);
    expect(() => authority.hold(s, other.certificate('auth'))).toThrow(
      expect.objectContaining({ code: 'OPERATOR_SESSION_REQUIRED' }),
    );
  });
});

describe('clock override', () => {
  it('CRLs and OCSP answers carry the authority clock’s time, not the machine’s', () => {
    t = Date.UTC(2031, 0, 2, 3, 4, 5);
    authority.publishCrls();
    const crl = CrlIndex.from(authority.crl('sign'));
    expect([crl.thisUpdate.toISOString(), crl.nextUpdate?.toISOString()]).toEqual([
      '2031-01-02T03:04:05.000Z',
      '2031-01-03T03:04:05.000Z',
    ]);
  });
});

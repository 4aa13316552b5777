/**
 * Long-term validation end to end: a card issued at the authority signs; the signature is augmented
 * to B-T, B-LT and B-LTA with the authority's TSA and OCSP responder; the authority's clock then moves
 * past the certificate's expiry and the card is revoked, and long-term validation still says valid
 * with the evidence that proves it, from the embedded material alone. A signature timestamped only
 * after the revocation is invalid. Each ETSI sub-indication shomei produces has a case here.
 *
 * Simulated time starts eleven years ago so that every simulated instant is in the real past (OCSP
 * and CRL checks refuse data dated in the future of the machine's clock).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJpkiCard } from '@shomei/card';
import {
  type AugmentResult,
  augmentCms,
  buildOcspRequest,
  type LongTermReport,
  parseCertificate,
  signCms,
  verifyCms,
  verifyCmsLongTerm,
} from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atsV3Input } from '../../core/src/ltv/ats-v3.js';
import { readRawSignedData } from '../../core/src/ltv/cms-structure.js';
import { LTV_OID } from '../../core/src/ltv/oids.js';
import { Authority, type OperatorSession } from '../src/authority/authority.js';
import {
  authorityRevocationSource,
  authorityTimestampSource,
  MovableClock,
} from '../src/authority/ltv-sources.js';
import { OperatorCard } from '../src/authority/operator-card.js';
import type { VirtualJpkiCard } from '../src/card/virtual-card.js';
import { MemoryTransport } from '../src/transport/memory.js';
import { HOLDER, PINS } from './fixture.js';

const YEAR = 365.25 * 24 * 3600_000;
const MINUTE = 60_000;
const DOCUMENT = new TextEncoder().encode('転出届 — 長期検証の試験');
const T0 = new Date(Date.now() - 11 * YEAR);

const clock = new MovableClock(new Date(T0.getTime() - 30 * 24 * 3600_000));
let authority: Authority;
let session: OperatorSession;
let other: Authority;

beforeAll(async () => {
  authority = await Authority.create({ label: 'ltv', root: true, clock: clock.now });
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
  other = await Authority.create({ label: 'ltv-other' });
});

async function issueAndSign(detached = false): Promise<{ card: VirtualJpkiCard; p7s: Uint8Array }> {
  const { card } = await authority.issue(session, { holder: HOLDER, pins: PINS });
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  const signer = await driver.toSigner('sign', { pin: PINS.sign });
  return { card, p7s: await signCms(DOCUMENT, signer, { detached }) };
}

const sources = () => ({
  trustAnchors: authority.trustAnchors,
  timestamp: authorityTimestampSource(authority),
  revocationSource: authorityRevocationSource(authority),
});

async function augment(p7s: Uint8Array, level: 'T' | 'LT' | 'LTA', extra = {}): Promise<AugmentResult> {
  clock.advance(MINUTE);
  return augmentCms(p7s, { level, ...sources(), ...extra });
}

const longTerm = (p7s: Uint8Array, extra = {}): Promise<LongTermReport> =>
  verifyCmsLongTerm(p7s, { trustAnchors: authority.trustAnchors, now: clock.now(), ...extra });

const brief = (r: LongTermReport) => [r.verdict, r.indication, r.code];

const dir = mkdtempSync(join(tmpdir(), 'shomei-ltv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pem = (der: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: 'pipe' });

/**
 * The outside referees: `openssl cms -verify` on the augmented signature and `openssl ts -verify` on
 * each timestamp token against the TSA chain, all at a time when the certificates were valid. Returns
 * the number of tokens checked.
 */
function referee(signed: Uint8Array, at: Date): number {
  const raw = readRawSignedData(signed);
  const root = file('root.pem', authority.trustAnchors.map(pem).join(''));
  const untrusted = file('untrusted.pem', raw.certificates.map(pem).join(''));
  const attime = String(Math.floor(at.getTime() / 1000));
  openssl(
    'cms',
    '-verify',
    '-inform',
    'DER',
    '-in',
    file('signed.p7s', signed),
    '-CAfile',
    root,
    '-purpose',
    'any',
    '-attime',
    attime,
    '-out',
    join(dir, 'content.out'),
  );
  const si = raw.signerInfos[0]!;
  let checked = 0;
  for (const a of si.unsigned) {
    for (const token of a.values) {
      let digest: string;
      if (a.oid === '1.2.840.113549.1.9.16.2.14') digest = sha256(si.signature);
      else if (a.oid === LTV_OID.archiveTimestampV3) {
        const index = readRawSignedData(token).signerInfos[0]!.unsigned.find(
          (x) => x.oid === LTV_OID.atsHashIndexV3,
        )!.values[0]!;
        const content = new Uint8Array(createHash('sha256').update(raw.content!).digest());
        digest = sha256(atsV3Input(raw, si, content, index));
      } else continue;
      const tokenFile = file(`token-${checked}.der`, token);
      openssl(
        'ts',
        '-verify',
        '-token_in',
        '-in',
        tokenFile,
        '-digest',
        digest,
        '-CAfile',
        root,
        '-untrusted',
        untrusted,
        '-attime',
        attime,
      );
      checked++;
    }
  }
  return checked;
}

async function currentOcsp(card: VirtualJpkiCard): Promise<Uint8Array> {
  const cert = parseCertificate(card.certificate('sign'));
  return authority.respondOcsp(
    (await buildOcspRequest(cert, parseCertificate(authority.caCertificate('sign')))).der,
  );
}

describe('ETSI sub-indications', () => {
  it('REVOKED: a signature timestamped only after the revocation is invalid', async () => {
    clock.set(T0);
    const { card, p7s } = await issueAndSign();
    clock.set(new Date(T0.getTime() + YEAR));
    authority.revoke(session, card, 'keyCompromise');
    const lta = await augment(p7s, 'LTA');
    const r = await longTerm(lta.signed);
    expect(brief(r)).toEqual(['invalid', 'TOTAL-FAILED', 'REVOKED']);
    expect(r.chain[0]!.revocation?.status).toBe('revoked');
  });

  it('REVOKED_NO_POE: no timestamp, and the certificate is revoked at the validation time', async () => {
    clock.set(T0);
    const { card, p7s } = await issueAndSign();
    clock.advance(YEAR);
    authority.revoke(session, card, 'keyCompromise');
    const r = await longTerm(p7s, { ocsp: [await currentOcsp(card)] });
    expect([...brief(r), r.level, r.proofOfExistence.kind]).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'REVOKED_NO_POE',
      'B',
      'validation-time',
    ]);
  });

  it('OUT_OF_BOUNDS_NO_POE: timestamped only after the certificate expired', async () => {
    clock.set(T0);
    const { p7s } = await issueAndSign();
    clock.set(new Date(T0.getTime() + 5.2 * YEAR));
    const lt = await augment(p7s, 'LT');
    expect(brief(await longTerm(lt.signed))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'OUT_OF_BOUNDS_NO_POE',
    ]);
  });

  it('NOT_YET_VALID: a timestamp proves the signature existed before its certificate was issued', async () => {
    clock.set(T0);
    const { p7s } = await issueAndSign();
    clock.set(new Date(T0.getTime() - 24 * 3600_000));
    const t = await augment(p7s, 'LT');
    clock.set(new Date(T0.getTime() + MINUTE));
    expect(brief(await longTerm(t.signed))).toEqual(['invalid', 'TOTAL-FAILED', 'NOT_YET_VALID']);
  });

  it('TRY_LATER: the only revocation data for the signer was issued before the signature timestamp', async () => {
    clock.set(T0);
    const { card, p7s } = await issueAndSign();
    const early = await currentOcsp(card);
    const t = await augment(p7s, 'T');
    // Everything fresh for the TSA, and only the early answer for the signer.
    const lt = await augment(t.signed, 'LT', { revocationSource: undefined, ocsp: [early] });
    expect(lt.missing.join(' ')).toMatch(/no revocation data issued after/);
    const r = await longTerm(lt.signed, { ocsp: [] });
    expect(brief(r)).toEqual(['indeterminate', 'INDETERMINATE', 'TRY_LATER']);
    expect(r.message).toMatch(/gives no freshness|no revocation data/);
  });

  it('HASH_FAILURE: the content of a detached B-LTA was altered', async () => {
    clock.set(T0);
    const { p7s } = await issueAndSign(true);
    const lta = await augment(p7s, 'LTA', { content: DOCUMENT });
    const ok = await longTerm(lta.signed, { content: DOCUMENT });
    const bad = await longTerm(lta.signed, { content: new TextEncoder().encode('改ざん') });
    expect([brief(ok), brief(bad)]).toEqual([
      ['valid', 'TOTAL-PASSED', undefined],
      ['invalid', 'TOTAL-FAILED', 'HASH_FAILURE'],
    ]);
  });

  it('SIGNED_DATA_NOT_FOUND: a detached signature without its content', async () => {
    clock.set(T0);
    const { p7s } = await issueAndSign(true);
    expect(brief(await longTerm(p7s))).toEqual(['indeterminate', 'INDETERMINATE', 'SIGNED_DATA_NOT_FOUND']);
  });

  it('SIG_CRYPTO_FAILURE: the signature value does not verify', async () => {
    clock.set(T0);
    const { p7s } = await issueAndSign();
    const bad = p7s.slice();
    bad[bad.length - 1]! ^= 0x01; // the signature OCTET STRING ends a SignedData without unsigned attributes
    expect(brief(await longTerm(bad))).toEqual(['invalid', 'TOTAL-FAILED', 'SIG_CRYPTO_FAILURE']);
  });

  it('CRYPTO_CONSTRAINTS_FAILURE_NO_POE: RSA-2048 distrusted before any proof of existence', async () => {
    clock.set(T0);
    const { p7s } = await issueAndSign();
    const lta = await augment(p7s, 'LTA');
    const at = (d: Date) => longTerm(lta.signed, { algorithmExpiry: { 'RSA-2048': d } });
    // Distrusted after the archive timestamp: that timestamp proves existence in time, so still valid.
    expect(brief(await at(new Date(clock.now().getTime() + YEAR)))).toEqual([
      'valid',
      'TOTAL-PASSED',
      undefined,
    ]);
    clock.advance(2 * YEAR);
    expect(brief(await at(new Date(T0.getTime() - YEAR)))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
    ]);
  });

  it('NO_CERTIFICATE_CHAIN_FOUND: the signer does not chain to the given trust anchors', async () => {
    clock.set(T0);
    const { p7s } = await issueAndSign();
    const r = await verifyCmsLongTerm(p7s, { trustAnchors: other.trustAnchors, now: clock.now() });
    expect(brief(r)).toEqual(['indeterminate', 'INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
  });

  it('FORMAT_FAILURE: input that is not a SignedData', async () => {
    const r = await longTerm(new TextEncoder().encode('not a signature'));
    expect(brief(r)).toEqual(['invalid', 'TOTAL-FAILED', 'FORMAT_FAILURE']);
  });

  it('an archive timestamp whose covered evidence was removed is not trusted (HASH_FAILURE on the token)', async () => {
    clock.set(T0);
    const { p7s } = await issueAndSign();
    const lta = await augment(p7s, 'LTA');
    const { readRawSignedData, writeRawSignedData } = await import('../../core/src/ltv/cms-structure.js');
    const raw = readRawSignedData(lta.signed);
    raw.crls.splice(0, 1);
    const r = await longTerm(writeRawSignedData(raw));
    const archive = r.timestamps.find((x) => x.kind === 'archive-timestamp')!;
    expect([archive.ok, archive.code, archive.detail]).toEqual([
      false,
      'HASH_FAILURE',
      expect.stringMatching(/missing or altered/),
    ]);
  });
});

describe('sign → B-T → B-LT → B-LTA → expiry and revocation → still valid at the proven time', () => {
  let card: VirtualJpkiCard;
  let b: Uint8Array;
  let t: AugmentResult;
  let lt: AugmentResult;
  let lta: AugmentResult;
  let signedAt: Date;
  beforeAll(async () => {
    clock.set(T0);
    ({ card, p7s: b } = await issueAndSign());
    signedAt = clock.now();
    t = await augment(b, 'T');
    lt = await augment(t.signed, 'LT');
    lta = await augment(lt.signed, 'LTA');
  });

  it('each level adds what it should: a signature timestamp, then the paths and OCSP, then an archive timestamp', () => {
    expect([t.added.timestamps, lt.added.timestamps, lta.added.timestamps]).toEqual([
      ['signature-timestamp'],
      [],
      ['archive-timestamp'],
    ]);
    // The card's signature carries the signer and its CA; B-LT adds the root and the revocation data.
    expect([
      lt.added.certificates >= 1,
      lt.added.ocsp >= 2,
      lt.added.crls >= 1,
      lt.missing,
      lta.missing,
    ]).toEqual([true, true, true, [], []]);
  });

  it('on the day, the B-LTA is valid at its signature timestamp: OCSP for the signer, the root CRL for its CA', async () => {
    const r = await longTerm(lta.signed);
    expect([...brief(r), r.level, r.proofOfExistence.kind]).toEqual([
      'valid',
      'TOTAL-PASSED',
      undefined,
      'LTA',
      'signature-timestamp',
    ]);
    expect(
      r.chain.map((c) => [c.trustAnchor, c.revocation?.source, c.revocation?.status, c.revocation?.fresh]),
    ).toEqual([
      [false, 'ocsp', 'good', true],
      [false, 'crl', 'good', true],
      [true, undefined, undefined, undefined],
    ]);
  });

  it('referees: openssl cms -verify accepts the B-LTA and openssl ts -verify each of its two timestamps', () => {
    expect(referee(lta.signed, clock.now())).toBe(2);
  });

  it('verifyCms in long-term mode gives the same verdict in the ValidationReport shape, evidence attached', async () => {
    const r = await verifyCms(lta.signed, {
      trustAnchors: authority.trustAnchors,
      longTerm: { now: clock.now() },
    });
    expect([r.verdict, r.code, r.longTerm?.proofOfExistence.kind, r.chain[0]?.revocation.source]).toEqual([
      'valid',
      undefined,
      'signature-timestamp',
      'ocsp',
    ]);
  });

  describe('five and a half years later: the certificate has expired and the card is revoked', () => {
    beforeAll(() => {
      clock.set(new Date(T0.getTime() + 5.5 * YEAR));
      authority.revoke(session, card, 'keyCompromise');
    });

    it('plain verification now says the signature is not valid', async () => {
      const r = await verifyCms(lta.signed, {
        trustAnchors: authority.trustAnchors,
        time: clock.now(),
        ocsp: [await currentOcsp(card)],
      });
      expect(r.verdict).not.toBe('valid');
    });

    it('long-term validation of the B-LTA is valid at the signature timestamp, offline', async () => {
      const r = await longTerm(lta.signed);
      expect([...brief(r), r.proofOfExistence.kind]).toEqual([
        'valid',
        'TOTAL-PASSED',
        undefined,
        'signature-timestamp',
      ]);
      expect(Math.abs(new Date(r.proofOfExistence.time).getTime() - signedAt.getTime())).toBeLessThan(
        2 * MINUTE,
      );
    });

    it('the evidence names both timestamps, their TSA, and the OCSP answers issued after the proven time', async () => {
      const r = await longTerm(lta.signed);
      expect(r.timestamps.map((x) => [x.kind, x.ok, x.chain.length])).toEqual([
        ['archive-timestamp', true, 3],
        ['signature-timestamp', true, 3],
      ]);
      expect(r.timestamps[0]!.authority).toMatch(/TSA|Time/i);
      const signerOcsp = r.chain[0]!.revocation!;
      expect(signerOcsp.issuedAt >= r.proofOfExistence.time).toBe(true);
    });

    it('a current OCSP answer saying revoked (after the proven time) does not invalidate, and is reported', async () => {
      const r = await longTerm(lta.signed, { ocsp: [await currentOcsp(card)] });
      expect(brief(r)).toEqual(['valid', 'TOTAL-PASSED', undefined]);
      expect(r.chain[0]!.revocation?.revokedAt).toBeDefined();
      expect(r.warnings.join(' ')).toMatch(/revoked .* after .*does not affect/);
    });

    it('the B-LT (no archive timestamp) is also valid while the TSA certificate is valid', async () => {
      expect(brief(await longTerm(lt.signed))).toEqual(['valid', 'TOTAL-PASSED', undefined]);
    });
  });

  describe('re-augmenting the B-LTA before the TSA certificate expires extends it', () => {
    let extended: AugmentResult;
    beforeAll(async () => {
      clock.set(new Date(T0.getTime() + 9.5 * YEAR));
      // The TSA's certificate (ten years) is renewed with the same key, as a TSA does before expiry.
      authority.setBaseUrl('http://127.0.0.1:8370');
      extended = await augment(lta.signed, 'LTA');
      clock.set(new Date(T0.getTime() + 10.5 * YEAR));
    });

    it('after the first TSA certificate expired, the extended signature is valid; the old one is not', async () => {
      const [ext, old] = [await longTerm(extended.signed), await longTerm(lta.signed)];
      expect([brief(ext), ext.timestamps.map((x) => [x.kind, x.ok])]).toEqual([
        ['valid', 'TOTAL-PASSED', undefined],
        [
          ['archive-timestamp', true],
          ['archive-timestamp', true],
          ['signature-timestamp', true],
        ],
      ]);
      expect(brief(old)).toEqual(['indeterminate', 'INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE']);
    });
  });
});

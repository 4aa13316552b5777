/**
 * Properties of the producing side, read back by core's independent parsers (CrlIndex) and fed with
 * arbitrary bytes (OCSP and TSA request parsers never throw; they answer with the protocol's error).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrlIndex, toHex } from '@shomei/core';
import { children, readRoot, readSmallInteger } from '@shomei/core/der';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spkiOf } from '../issuing/ca-key.js';
import { encodeName, keyIdentifier } from '../issuing/x509-encode.js';
import { Authority } from './authority.js';
import { buildCrl, CRL_REASON, type CrlReason, revokedListFrom, syntheticRevokedList } from './crl.js';

const SEED = 0x5eed7;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const issuer = encodeName([
  ['country', 'JP'],
  ['organization', 'JPKI'],
]);
const crlWith = (revoked: ReturnType<typeof revokedListFrom>, extra: { baseCrlNumber?: number } = {}) =>
  buildCrl({
    issuer,
    issuerKey: privateKey,
    issuerKeyId: keyIdentifier(spkiOf(privateKey)),
    thisUpdate: new Date('2026-11-01T00:00:00Z'),
    nextUpdate: new Date('2026-11-02T00:00:00Z'),
    crlNumber: 7,
    revoked,
    ...extra,
  });

const reasons = Object.keys(CRL_REASON) as CrlReason[];
const entryArb = fc.record({
  serial: fc.uint8Array({ minLength: 1, maxLength: 20 }),
  revokedAt: fc.date({ min: new Date('1990-01-01'), max: new Date('2060-01-01'), noInvalidDate: true }),
  reason: fc.option(fc.constantFrom(...reasons), { nil: undefined }),
});

describe('buildCrl', () => {
  it('core CrlIndex finds every entry with its reason and second-precision time', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(entryArb, { maxLength: 40, selector: (e) => toHex(strip(e.serial)) }),
        (entries) => {
          const index = CrlIndex.from(crlWith(revokedListFrom(entries)));
          expect(index.size).toBe(entries.length);
          for (const e of entries) {
            const found = index.lookup(integerContents(e.serial));
            expect(found?.reason).toBe(e.reason === 'unspecified' ? undefined : e.reason);
            expect(found?.revocationDate.getTime()).toBe(Math.floor(e.revokedAt.getTime() / 1000) * 1000);
          }
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('an empty list omits revokedCertificates (RFC 5280 §5.1.2.6)', () => {
    const der = crlWith(revokedListFrom([]));
    const tbs = children(der, readRoot(der))[0]!;
    // version, signature, issuer, thisUpdate, nextUpdate, [0] extensions
    expect(children(der, tbs).map((n) => n.tag)).toEqual([0x02, 0x30, 0x30, 0x17, 0x17, 0xa0]);
  });

  it('a delta CRL carries its base number in the critical deltaCRLIndicator', () => {
    expect(toHex(CrlIndex.from(crlWith(revokedListFrom([]), { baseCrlNumber: 5 })).deltaCrlIndicator!)).toBe(
      '05',
    );
  });

  it('synthetic lists have distinct serials and are indexed by core', () => {
    const index = CrlIndex.from(crlWith(syntheticRevokedList(5000, { revokedAt: new Date('2026-11-01') })));
    expect([index.size, index.lookup('500000000000000f')?.reason]).toEqual([5000, 'keyCompromise']);
  });
});

let authority: Authority;
beforeAll(async () => {
  authority = await Authority.create({ label: 'producers' });
});

describe('request parsers against arbitrary bytes', () => {
  it('respondOcsp always returns an OCSPResponse, never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const out = authority.respondOcsp(bytes);
        const status = readSmallInteger(out, children(out, readRoot(out))[0]!);
        expect([1, 6]).toContain(status);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('respondTimestamp always returns a TimeStampResp with status rejection for garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const out = authority.respondTimestamp(bytes);
        const statusInfo = children(out, readRoot(out))[0]!;
        expect(readSmallInteger(out, children(out, statusInfo)[0]!)).toBe(2);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('openssl reads a synthetic CRL from the authority', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shomei-synthetic-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies its signature and counts its entries', () => {
    writeFileSync(join(dir, 'x.crl'), authority.syntheticCrl(1000));
    writeFileSync(
      join(dir, 'ca.pem'),
      `-----BEGIN CERTIFICATE-----\n${Buffer.from(authority.caCertificate('sign')).toString('base64')}\n-----END CERTIFICATE-----\n`,
    );
    const text = execFileSync(
      'openssl',
      [
        'crl',
        '-inform',
        'DER',
        '-in',
        join(dir, 'x.crl'),
        '-verify',
        '-CAfile',
        join(dir, 'ca.pem'),
        '-noout',
        '-text',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(text.match(/Serial Number:/g)).toHaveLength(1000);
  });
});

/** CrlIndex looks serials up by their INTEGER contents: the magnitude, with 00 before a set top bit. */
function integerContents(b: Uint8Array): Uint8Array {
  const m = strip(b);
  return (m[0]! & 0x80) !== 0 ? Uint8Array.of(0, ...m) : m;
}

function strip(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

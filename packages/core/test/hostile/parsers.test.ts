/**
 * Hostile inputs for every core parsing entry point: the DER reader, parseCertificate,
 * CrlIndex.from with entry decoding, parseOcspResponse and PEM. Each target gets FUZZ_RUNS (≥ 10,000)
 * seeded cases; only the target's typed codes may come out, each input within 100 ms.
 */

import {
  assertHostileSync,
  buildCrl,
  buildOcspResponse,
  ext,
  FUZZ_RUNS,
  generateKey,
  gn,
  hostileBytes,
  issue,
  name,
  nest,
  type TestCert,
} from '@shomei/simulator/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { derObjects, toPem } from '../../src/der/pem.js';
import {
  children,
  readBitString,
  readBoolean,
  readIntegerBytes,
  readOid,
  readRoot,
  readTime,
  type Tlv,
} from '../../src/der/reader.js';
import { CrlIndex } from '../../src/revocation/crl-index.js';
import { parseOcspResponse } from '../../src/revocation/ocsp.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { namesMatch, parseName } from '../../src/x509/name.js';

let seeds: { certs: Uint8Array[]; crls: Uint8Array[]; ocsp: Uint8Array[] };

beforeAll(async () => {
  const [rk, lk] = await Promise.all([generateKey(), generateKey()]);
  const ca = await issue({ subject: 'CN=Fuzz CA,O=Shomei,C=JP', key: rk, ca: true, pathLen: 1 });
  const leaf: TestCert = await issue({
    subject: 'CN=Fuzz Leaf,O=Shomei,C=JP',
    key: lk,
    issuer: ca,
    extensions: [
      ext.san([
        gn.dns('example.jp'),
        gn.email('a@example.jp'),
        gn.uri('https://example.jp/'),
        gn.dir('CN=X,C=JP'),
      ]),
      ext.policies(['1.2.392.200149.8.5.1.3.30']),
      ext.crlDp([{ uris: ['http://example.jp/crl'] }]),
      ext.aia({ ocsp: 'http://example.jp/ocsp' }),
      ext.nameConstraints({
        permitted: [gn.dns('example.jp')],
        excluded: [gn.ip([10, 0, 0, 0, 255, 0, 0, 0])],
      }),
    ],
  });
  const crl = await buildCrl({
    issuer: ca,
    crlNumber: 7,
    entries: [
      { serial: 5, reason: 1 },
      { serial: Uint8Array.of(0x7f, 0xff, 0x01, 0x02), reason: 6, certificateIssuer: 'CN=Other,C=JP' },
      { serial: 6 },
    ],
    idp: { uris: ['http://example.jp/crl'], indirect: true },
  });
  const delta = await buildCrl({ issuer: ca, crlNumber: 8, deltaOf: 7, entries: [{ serial: 9, reason: 8 }] });
  const ocspGood = await buildOcspResponse({ cert: leaf, issuer: ca, nonce: Uint8Array.of(1, 2, 3) });
  const ocspRevoked = await buildOcspResponse({
    cert: leaf,
    issuer: ca,
    status: 'revoked',
    reason: 1,
    responder: ca,
  });
  const ocspTryLater = await buildOcspResponse({ cert: leaf, issuer: ca, responseStatus: 3 });
  // A serial listed several times (hold, removeFromCRL, keyCompromise) and an OCSP response without
  // nextUpdate: the structures whose handling once depended on order or had no bound.
  const duplicates = await buildCrl({
    issuer: ca,
    crlNumber: 9,
    entries: [{ serial: 5, reason: 6 }, { serial: 5, reason: 8 }, { serial: 5, reason: 1 }, { serial: 5 }],
  });
  const ocspNoNext = await buildOcspResponse({ cert: leaf, issuer: ca, nextUpdate: null });
  seeds = {
    certs: [ca.der, leaf.der],
    crls: [crl, delta, duplicates],
    ocsp: [ocspGood, ocspRevoked, ocspTryLater, ocspNoNext],
  };
});

/** Walks every element (iteratively: the walk itself must not overflow) and decodes each primitive by tag. */
function walk(bytes: Uint8Array, ber: boolean): void {
  const root = readRoot(bytes, { ber });
  const stack: Tlv[] = [root];
  let visited = 0;
  while (stack.length > 0 && visited++ < 100_000) {
    const t = stack.pop()!;
    if (t.constructed) {
      stack.push(...children(bytes, t, { ber }));
      continue;
    }
    switch (t.tag) {
      case 0x01:
        readBoolean(bytes, t);
        break;
      case 0x02:
        readIntegerBytes(bytes, t);
        break;
      case 0x03:
        readBitString(bytes, t);
        break;
      case 0x06:
        readOid(bytes, t);
        break;
      case 0x17:
      case 0x18:
        readTime(bytes, t);
        break;
    }
  }
}

const DER_CODES = ['DER_MALFORMED'];

describe('hostile DER', () => {
  it(`DER reader (strict): ${FUZZ_RUNS} hostile inputs give DER_MALFORMED only`, () => {
    const all = [...seeds.certs, ...seeds.crls, ...seeds.ocsp];
    const stats = assertHostileSync(hostileBytes(all), (b) => walk(b, false), DER_CODES);
    expect(stats.rejected).toBeGreaterThan(stats.cases / 4);
    expect(stats.parsed).toBeGreaterThan(0);
  });

  it(`DER reader (BER indefinite lengths): ${FUZZ_RUNS} hostile inputs give typed errors only`, () => {
    const all = [...seeds.certs, ...seeds.crls].map((s) => nest(s, 3, true));
    const stats = assertHostileSync(hostileBytes(all), (b) => walk(b, true), DER_CODES);
    expect(stats.rejected).toBeGreaterThan(0);
  });

  it('a 200,000-deep indefinite nesting is rejected, not a stack overflow', () => {
    const deep = nest(Uint8Array.of(0x05, 0x00), 200_000, true);
    expect(() => readRoot(deep, { ber: true })).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^DER_/) }),
    );
  });

  it('a 100,000-deep definite nesting is walked without recursion in the reader', () => {
    const deep = nest(Uint8Array.of(0x05, 0x00), 100_000, false);
    expect(() => walk(deep, false)).not.toThrow();
  });

  it('a length of 2^64-1 on a 12-byte input is DER_MALFORMED', () => {
    const huge = Uint8Array.of(0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x05, 0x00);
    expect(() => readRoot(huge)).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^DER_(MALFORMED|UNSUPPORTED)$/) }),
    );
  });
});

describe('hostile certificates, CRLs, OCSP responses and PEM', () => {
  it(`parseCertificate: ${FUZZ_RUNS} hostile inputs give CERT_MALFORMED or CERT_TIME_MALFORMED only`, () => {
    const stats = assertHostileSync(hostileBytes(seeds.certs), (b) => parseCertificate(b), [
      'CERT_MALFORMED',
      'CERT_TIME_MALFORMED',
    ]);
    expect(stats.rejected).toBeGreaterThan(stats.cases / 4);
  });

  it(`parseName + namesMatch: ${FUZZ_RUNS} hostile names give DER_MALFORMED only, and match themselves`, () => {
    const names = seeds.certs.map((c) => parseCertificate(c).subject.der);
    names.push(name('CN=東京 太郎+O=Shomei,OU=Unit,C=JP'));
    const reference = parseName(names[0]!);
    assertHostileSync(
      hostileBytes(names),
      (b) => {
        const n = parseName(b);
        if (!namesMatch(n, parseName(n.der))) throw new Error('a name does not match itself');
        namesMatch(n, reference);
      },
      ['DER_MALFORMED'],
    );
  });

  it(`CrlIndex.from + entry decoding: ${FUZZ_RUNS} hostile inputs give CRL_MALFORMED only`, () => {
    const stats = assertHostileSync(
      hostileBytes(seeds.crls),
      (b) => {
        const crl = CrlIndex.from(b);
        for (let i = 0; i < Math.min(crl.size, 1000); i++) crl.entry(i);
        crl.lookup('05');
      },
      ['CRL_MALFORMED'],
    );
    expect(stats.rejected).toBeGreaterThan(stats.cases / 4);
  });

  it(`parseOcspResponse: ${FUZZ_RUNS} hostile inputs give OCSP_MALFORMED only`, () => {
    const stats = assertHostileSync(hostileBytes(seeds.ocsp), (b) => parseOcspResponse(b), [
      'OCSP_MALFORMED',
    ]);
    expect(stats.rejected).toBeGreaterThan(stats.cases / 4);
  });

  it(`derObjects (PEM or DER input): ${FUZZ_RUNS} hostile texts give PEM_MALFORMED/DER_* only`, () => {
    const pem = seeds.certs.map((c) => new TextEncoder().encode(toPem('CERTIFICATE', c)));
    // BEGIN lines without END (once a quadratic scan), and a block after many of them.
    const begins = '-----BEGIN CERTIFICATE-----\nMIIB\n'.repeat(64);
    pem.push(
      new TextEncoder().encode(begins),
      new TextEncoder().encode(`${begins}${toPem('CERTIFICATE', seeds.certs[0]!)}`),
    );
    const arb = fc.oneof(hostileBytes(pem, 256), hostileBytes(seeds.certs));
    assertHostileSync(arb, (b) => derObjects(b), ['PEM_MALFORMED', ...DER_CODES, 'INPUT_INVALID']);
  });
});

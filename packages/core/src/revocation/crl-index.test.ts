import {
  buildCrl,
  concatBytes,
  extension,
  generateKey,
  int,
  issue,
  oid,
  seq,
  type TestCert,
  time,
  uint,
  utf8,
} from '@shomei/simulator/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../errors.js';
import { CrlIndex, serialFromHex } from './crl-index.js';

let ca: TestCert;
let crl: CrlIndex;

beforeAll(async () => {
  ca = await issue({ subject: 'CN=CRL CA,C=JP', key: await generateKey(), ca: true });
  crl = CrlIndex.from(
    await buildCrl({
      issuer: ca,
      crlNumber: 7,
      entries: [
        { serial: 1, reason: 1, date: new Date('2026-02-03T04:05:06Z') },
        { serial: 0x80 },
        { serial: Uint8Array.of(0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11, 0x22), reason: 6 },
        { serial: 42, extraExtensions: [extension('1.2.3.4', utf8('x'), true)] },
      ],
    }),
  );
});

describe('CrlIndex', () => {
  it('reads the header', () => {
    expect([crl.issuer.text, crl.thisUpdate.toISOString(), crl.size, crl.crlNumber?.[0]]).toEqual([
      'CN=CRL CA,C=JP',
      '2026-01-01T00:00:00.000Z',
      4,
      7,
    ]);
  });

  it('finds a revoked serial with its date and reason', () => {
    const e = crl.lookup(Uint8Array.of(1));
    expect([e?.revocationDate.toISOString(), e?.reason]).toEqual([
      '2026-02-03T04:05:06.000Z',
      'keyCompromise',
    ]);
  });

  it('finds a serial given as hex without its sign octet', () => {
    expect(crl.lookup('80')?.serialHex).toBe('0080');
  });

  it('finds a long serial given as hex with colons and a reason of certificateHold', () => {
    expect(crl.lookup('12:34:56:78:9a:bc:de:f0:11:22')?.reason).toBe('certificateHold');
  });

  it('returns undefined for a serial that is not listed', () => {
    expect(crl.lookup('02')).toBeUndefined();
  });

  it('flags an entry with an unknown critical extension', () => {
    expect(crl.hasUnknownCriticalEntryExtension(crl.find(Uint8Array.of(42)))).toBe(true);
  });

  it('normalises hex serials to minimal INTEGER contents', () => {
    expect([serialFromHex('0x00ff'), serialFromHex('7f'), serialFromHex('000001')]).toEqual([
      Uint8Array.of(0, 0xff),
      Uint8Array.of(0x7f),
      Uint8Array.of(1),
    ]);
  });

  it('indexes an empty CRL', async () => {
    const empty = CrlIndex.from(await buildCrl({ issuer: ca }));
    expect([empty.size, empty.lookup('01')]).toEqual([0, undefined]);
  });

  it('rejects garbage with CRL_MALFORMED', () => {
    expect(() => CrlIndex.from(Uint8Array.of(0x30, 0x00))).toThrow(
      expect.objectContaining({ code: 'CRL_MALFORMED' }),
    );
  });

  it('rejects a certificate given as a CRL with CRL_MALFORMED', () => {
    expect(() => CrlIndex.from(ca.der)).toThrow(expect.objectContaining({ code: 'CRL_MALFORMED' }));
  });

  it('never throws anything but CRL_MALFORMED on mutated CRLs', () => {
    const der = crl.der;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 0, max: 255 }), (i, b) => {
        const d = der.slice();
        d[i] = b;
        try {
          const x = CrlIndex.from(d);
          for (let k = 0; k < x.size; k++) x.entry(k);
        } catch (e) {
          if (!hasErrorCode(e, 'CRL_MALFORMED')) throw e;
        }
      }),
      { seed: 61, numRuns: 400 },
    );
  });

  it('finds every serial of a list too large for the in-cache table, repeats included, and no other', () => {
    // 80,000 distinct serials (a table of 2^18 slots, filled in home-slot order), every 1000th listed
    // a second time at the end; built directly (indexing does not need the signature).
    const serial = (i: number) =>
      Uint8Array.of(0x10 + (i % 7), (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff, 0x5a);
    const date = time(new Date('2026-01-01T00:00:00Z'));
    const n = 80_000;
    const listed = [
      ...Array.from({ length: n }, (_, i) => i),
      ...Array.from({ length: n / 1000 }, (_, k) => k * 1000),
    ];
    const entries = listed.map((i) => seq(uint(serial(i)), date));
    const list = concatBytes(...entries);
    const len = list.length;
    const revoked = concatBytes(Uint8Array.of(0x30, 0x83, len >>> 16, (len >>> 8) & 0xff, len & 0xff), list);
    const ecdsa = seq(oid('1.2.840.10045.4.3.2'));
    const tbs = seq(int(1), ecdsa, ca.cert.subject.der, date, revoked);
    const index = CrlIndex.from(seq(tbs, ecdsa, Uint8Array.of(0x03, 0x02, 0x00, 0x00)));
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const s = serial(i);
      if (index.find(s) !== i) wrong++;
      if (index.findAll(s).length !== (i % 1000 === 0 ? 2 : 1)) wrong++;
      if (index.find(serial(n + i)) !== -1) wrong++;
    }
    expect([index.size, wrong, index.findAll(serial(5000)).sort((a, b) => a - b)]).toEqual([
      n + n / 1000,
      0,
      [5000, n + 5],
    ]);
  });
});

describe('CrlIndex public surface', () => {
  it('exposes no mutable cache a caller could fill (what verified this CRL is decided inside core)', () => {
    const own = Object.getOwnPropertyNames(crl).map((k) => (crl as unknown as Record<string, unknown>)[k]);
    const caches = own.filter(
      (v) => v instanceof Set || v instanceof Map || v instanceof WeakSet || v instanceof WeakMap,
    );
    expect([caches.length, 'verifiedKeys' in crl, 'verifiedSpkis' in crl, 'verifiedSigners' in crl]).toEqual([
      0,
      false,
      false,
      false,
    ]);
  });
});

/**
 * Every ETSI sub-indication of long-term validation, produced for each format: CAdES
 * (verifyCmsLongTerm), PAdES (verifyPdfLongTerm) and XAdES (verifyXmlLongTerm) by one table of cases
 * over the same simulated authority, card and clock. The story tests (long-term-validation,
 * pades-long-term, xades-long-term) hold the cases not repeated here; docs/long-term-validation.md
 * lists, for each code and format, the test that produces it.
 *
 * Simulated time starts eleven years ago so that every simulated instant is in the real past.
 */
import { openJpkiCard } from '@shomei/card';
import {
  augmentCms,
  augmentPdf,
  augmentXml,
  buildOcspRequest,
  type LongTermReport,
  parseCertificate,
  signCms,
  signPdf,
  signXml,
  verifyCmsLongTerm,
  verifyPdfLongTerm,
  verifyXmlLongTerm,
} from '@shomei/core';
import { samplePdf } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRawSignedData, writeRawSignedData } from '../../core/src/ltv/cms-structure.js';
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
const DAY = 24 * 3600_000;
const MINUTE = 60_000;
const T0 = new Date(Date.now() - 11 * YEAR);
const DOC =
  '<?xml version="1.0" encoding="UTF-8"?>\n<届出 xmlns="urn:example:jichitai"><氏名>山田 太郎</氏名></届出>\n';
const enc = (s: string) => new TextEncoder().encode(s);
const dec = new TextDecoder();

const clock = new MovableClock(new Date(T0.getTime() - 30 * DAY));
let authority: Authority;
let other: Authority;
let session: OperatorSession;

beforeAll(async () => {
  authority = await Authority.create({ label: 'ltv-reasons', root: true, clock: clock.now });
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
  other = await Authority.create({ label: 'ltv-reasons-other' });
});

type Key = 'sign' | 'auth';
type Extra = Record<string, unknown>;

/** What each format provides to the cases: signing B-B, augmenting, long-term validation, and edits. */
interface Format {
  sign(card: VirtualJpkiCard, key: Key): Promise<Uint8Array>;
  augment(signed: Uint8Array, level: 'LT' | 'LTA'): Promise<Uint8Array>;
  verify(signed: Uint8Array, extra?: Extra): Promise<LongTermReport>;
  /** The signature value changed (before any augmentation). */
  corruptSignature(signed: Uint8Array): Uint8Array;
  /** The signer's certificate removed from what the signature carries; or with `ca`, the CA's replaced by it. */
  certificates(signed: Uint8Array, card: VirtualJpkiCard, ca?: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

async function cardSigner<T>(card: VirtualJpkiCard, key: Key, fn: (s: never) => Promise<T>): Promise<T> {
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  return await fn((await driver.toSigner(key, { pin: key === 'sign' ? PINS.sign : PINS.auth })) as never);
}

const sources = () => ({
  trustAnchors: authority.trustAnchors,
  timestamp: authorityTimestampSource(authority),
  revocationSource: authorityRevocationSource(authority),
});
const base = (extra?: Extra) => ({ trustAnchors: authority.trustAnchors, now: clock.now(), ...extra });
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** A SignedData with its certificates rewritten: the signer's dropped, the CA's replaced by `ca`. */
function rewriteCms(cms: Uint8Array, card: VirtualJpkiCard, ca?: Uint8Array): Uint8Array {
  const raw = readRawSignedData(cms);
  const leaf = card.certificate('sign');
  const caCert = authority.caCertificate('sign');
  const certificates = raw.certificates
    .filter((c) => !same(c, leaf) && !same(c, card.certificate('auth')))
    .map((c) => (ca && same(c, caCert) ? ca : c));
  return writeRawSignedData({ ...raw, certificates: ca ? [leaf, ...certificates] : certificates });
}

/** The PDF with the CMS of its (only) signature replaced, padded into the same /Contents. */
function withCms(pdf: Uint8Array, edit: (cms: Uint8Array) => Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const m = /\/Contents <([0-9a-fA-F]+)>/.exec(text)!;
  const hex = m[1]!;
  const len = (h: string) => (h.startsWith('3082') ? 4 + Number.parseInt(h.slice(4, 8), 16) : 0);
  const cms = new Uint8Array(Buffer.from(hex.slice(0, len(hex) * 2), 'hex'));
  const out = Buffer.from(edit(cms)).toString('hex');
  if (out.length > hex.length) throw new Error('the edited CMS does not fit');
  const contents = `/Contents <${out.padEnd(hex.length, '0')}>`;
  return new Uint8Array(
    Buffer.from(text.slice(0, m.index) + contents + text.slice(m.index + m[0].length), 'latin1'),
  );
}

/** The CMS with one byte of the first SignerInfo's signature value flipped. */
function flipSignature(cms: Uint8Array): Uint8Array {
  const sig = readRawSignedData(cms).signerInfos[0]!.signature;
  const at = Buffer.from(cms).indexOf(Buffer.from(sig)) + 10;
  const out = cms.slice();
  out[at]! ^= 0x01;
  return out;
}

const FORMATS: Record<'CAdES' | 'PAdES' | 'XAdES', Format> = {
  CAdES: {
    sign: (card, key) => cardSigner(card, key, (s) => signCms(enc(DOC), s)),
    augment: async (signed, level) => (await augmentCms(signed, { level, ...sources() })).signed,
    verify: (signed, extra) => verifyCmsLongTerm(signed, base(extra)),
    corruptSignature: flipSignature,
    certificates: (signed, card, ca) => rewriteCms(signed, card, ca),
  },
  PAdES: {
    sign: (card, key) =>
      cardSigner(card, key, (s) => signPdf(samplePdf(), s, { subFilter: 'ETSI.CAdES.detached' })),
    augment: async (signed, level) =>
      (await augmentPdf(signed, { level, ...sources(), now: clock.now() })).pdf,
    verify: async (signed, extra) => {
      const r = await verifyPdfLongTerm(signed, base(extra));
      expect(r.signatures).toHaveLength(1);
      return r.signatures[0]!;
    },
    corruptSignature: (pdf) => withCms(pdf, flipSignature),
    certificates: (pdf, card, ca) => withCms(pdf, (cms) => rewriteCms(cms, card, ca)),
  },
  XAdES: {
    sign: (card, key) =>
      cardSigner(card, key, (s) => signXml(DOC, s, { xades: { signingTime: clock.now() } })),
    augment: async (signed, level) => (await augmentXml(signed, { level, ...sources() })).signed,
    verify: (signed, extra) => verifyXmlLongTerm(signed, base(extra)),
    corruptSignature: (xml) => {
      const text = dec.decode(xml);
      const at = text.indexOf('SignatureValue') + 40;
      return enc(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
    },
    // KeyInfo is signed (a reference covers it): sign again with the certificates it should carry.
    certificates: (_xml, card, ca) =>
      cardSigner(card, 'sign', (s) =>
        signXml(DOC, s, {
          xades: { signingTime: clock.now() },
          certificates: ca ? [card.certificate('sign'), ca] : [],
        }),
      ),
  },
};

async function issue(): Promise<VirtualJpkiCard> {
  return (await authority.issue(session, { holder: HOLDER, pins: PINS })).card;
}

async function currentOcsp(card: VirtualJpkiCard): Promise<Uint8Array> {
  const cert = parseCertificate(card.certificate('sign'));
  return authority.respondOcsp(
    (await buildOcspRequest(cert, parseCertificate(authority.caCertificate('sign')))).der,
  );
}

/** The CA certificate with one bit of its signature flipped. */
function corruptedCa(): Uint8Array {
  const ca = authority.caCertificate('sign').slice();
  ca[ca.length - 8]! ^= 0x01;
  return ca;
}

const brief = (r: LongTermReport) => [r.verdict, r.indication, r.code];

describe.each(Object.keys(FORMATS) as (keyof typeof FORMATS)[])('%s', (name) => {
  const f = FORMATS[name];
  let card: VirtualJpkiCard;
  let bb: Uint8Array;
  beforeAll(async () => {
    clock.set(T0);
    card = await issue();
    bb = await f.sign(card, 'sign');
  });

  it('REVOKED_NO_POE: no timestamp, and an OCSP answer at the validation time says revoked', async () => {
    clock.set(T0);
    const c = await issue();
    const s = await f.sign(c, 'sign');
    clock.advance(YEAR);
    authority.revoke(session, c, 'keyCompromise');
    expect(brief(await f.verify(s, { ocsp: [await currentOcsp(c)] }))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'REVOKED_NO_POE',
    ]);
  });

  it('OUT_OF_BOUNDS_NO_POE: the first timestamp comes after the certificate expired', async () => {
    clock.set(new Date(T0.getTime() + 5.2 * YEAR));
    expect(brief(await f.verify(await f.augment(bb, 'LTA')))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'OUT_OF_BOUNDS_NO_POE',
    ]);
  });

  it('NOT_YET_VALID: a timestamp proves the signature existed before its certificate was issued', async () => {
    clock.set(new Date(T0.getTime() - DAY));
    const early = await f.augment(bb, 'LTA');
    clock.set(new Date(T0.getTime() + MINUTE));
    expect(brief(await f.verify(early))).toEqual(['invalid', 'TOTAL-FAILED', 'NOT_YET_VALID']);
  });

  it('TRY_LATER: no revocation data for the signer, neither carried nor given; the same signature augmented to B-LTA is valid', async () => {
    clock.set(new Date(T0.getTime() + MINUTE));
    const lta = await f.augment(bb, 'LTA');
    expect(brief(await f.verify(bb, {}))).toEqual(['indeterminate', 'INDETERMINATE', 'TRY_LATER']);
    expect(brief(await f.verify(lta))).toEqual(['valid', 'TOTAL-PASSED', undefined]);
  });

  it('SIG_CRYPTO_FAILURE: the signature value does not verify', async () => {
    clock.set(new Date(T0.getTime() + MINUTE));
    expect(brief(await f.verify(f.corruptSignature(bb)))).toEqual([
      'invalid',
      'TOTAL-FAILED',
      'SIG_CRYPTO_FAILURE',
    ]);
  });

  it('CRYPTO_CONSTRAINTS_FAILURE: the policy rejects the signer key size (minRsaBits 3072)', async () => {
    clock.set(new Date(T0.getTime() + MINUTE));
    expect(brief(await f.verify(bb, { algorithms: { minRsaBits: 3072 } }))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'CRYPTO_CONSTRAINTS_FAILURE',
    ]);
  });

  it('CRYPTO_CONSTRAINTS_FAILURE_NO_POE: RSA-2048 distrusted before the only proof of existence (the validation time)', async () => {
    clock.set(new Date(T0.getTime() + MINUTE));
    expect(brief(await f.verify(bb, { algorithmExpiry: { 'RSA-2048': T0 } }))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
    ]);
  });

  it('NO_CERTIFICATE_CHAIN_FOUND: the signer does not chain to the given trust anchors', async () => {
    clock.set(new Date(T0.getTime() + MINUTE));
    expect(brief(await f.verify(bb, { trustAnchors: other.trustAnchors }))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'NO_CERTIFICATE_CHAIN_FOUND',
    ]);
  });

  it('NO_SIGNING_CERTIFICATE_FOUND: the signer certificate is nowhere in the signature or the material', async () => {
    clock.set(new Date(T0.getTime() + MINUTE));
    expect(brief(await f.verify(await f.certificates(bb, card)))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'NO_SIGNING_CERTIFICATE_FOUND',
    ]);
  });

  it('CERTIFICATE_CHAIN_GENERAL_FAILURE: the CA certificate carried with the signature has a broken signature', async () => {
    clock.set(new Date(T0.getTime() + MINUTE));
    expect(brief(await f.verify(await f.certificates(bb, card, corruptedCa())))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'CERTIFICATE_CHAIN_GENERAL_FAILURE',
    ]);
  });

  it('CHAIN_CONSTRAINTS_FAILURE: signed with the user-authentication key, whose certificate does not allow signing documents', async () => {
    clock.set(new Date(T0.getTime() + MINUTE));
    const auth = await f.sign(card, 'auth');
    expect(brief(await f.verify(auth))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'CHAIN_CONSTRAINTS_FAILURE',
    ]);
  });
});

describe('PAdES', () => {
  it('FORMAT_FAILURE: a signature whose /Contents holds no readable CMS is reported, not left out', async () => {
    clock.set(T0);
    const signed = await FORMATS.PAdES.sign(await issue(), 'sign');
    const r = await verifyPdfLongTerm(
      withCms(signed, () => enc('not a CMS')),
      base(),
    );
    expect([r.verdict, r.signatures.map((x) => [x.field, x.verdict, x.code])]).toEqual([
      'invalid',
      [[expect.any(String), 'invalid', 'FORMAT_FAILURE']],
    ]);
  });
});

describe('XAdES', () => {
  it('SIGNED_DATA_NOT_FOUND: a detached signature whose external file is not given', async () => {
    clock.set(T0);
    const form = enc('<申請書><新住所>東京都千代田区</新住所></申請書>');
    const signed = await cardSigner(await issue(), 'sign', (s) =>
      signXml(undefined, s, { mode: 'detached', references: [{ uri: 'form.xml', bytes: form }], xades: {} }),
    );
    const given = await verifyXmlLongTerm(signed, base({ resolveExternal: async () => form }));
    expect([brief(await verifyXmlLongTerm(signed, base())), given.code]).toEqual([
      ['indeterminate', 'INDETERMINATE', 'SIGNED_DATA_NOT_FOUND'],
      'TRY_LATER',
    ]);
  });
});

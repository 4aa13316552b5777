/**
 * XAdES long-term validation end to end, as the CAdES story: a card issued at the authority signs an
 * XML document (XAdES-BES) and an e-Gov application; both are augmented to B-T, B-LT and B-LTA with
 * the authority's TSA and OCSP responder; the authority's clock then moves past the certificate's
 * expiry and the card is revoked, and long-term validation still says valid from the embedded
 * material alone. Outside referees: xmlsec1 still verifies the augmented signature as XMLDSig (it
 * ignores the unsigned properties), and `openssl ts -verify` accepts the archive timestamp token
 * over the archive input rebuilt here.
 *
 * Simulated time starts eleven years ago so that every simulated instant is in the real past.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJpkiCard } from '@shomei/card';
import {
  type AugmentResult,
  augmentEgovApplication,
  augmentXml,
  buildOcspRequest,
  DEFAULT_ID_ATTRIBUTES,
  findSignatures,
  indexIds,
  type LongTermReport,
  parseCertificate,
  parseXml,
  signEgovApplication,
  signXml,
  verifyEgovApplicationLongTerm,
  verifyXml,
  verifyXmlLongTerm,
} from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRawSignedData } from '../../core/src/ltv/cms-structure.js';
import { readSignature } from '../../core/src/xml/signature.js';
import { qualifyingProperties } from '../../core/src/xml/xades-verify.js';
import { archiveInput, timestampRole, unsignedOf } from '../../core/src/xml-ltv/properties.js';
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
const T0 = new Date(Date.now() - 11 * YEAR);
const DOC =
  '<?xml version="1.0" encoding="UTF-8"?>\n<転出届 xmlns="urn:example:jichitai"><氏名>山田 太郎</氏名><転出先>大阪府大阪市</転出先></転出届>\n';
const enc = (s: string) => new TextEncoder().encode(s);
const dec = new TextDecoder();

const clock = new MovableClock(new Date(T0.getTime() - 30 * 24 * 3600_000));
let authority: Authority;
let session: OperatorSession;

beforeAll(async () => {
  authority = await Authority.create({ label: 'xades-ltv', root: true, clock: clock.now });
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
});

type CardSigner = Parameters<typeof signXml>[1];

/** Runs `fn` with the card's signing key, the driver closed afterwards. */
async function withSigner<T>(card: VirtualJpkiCard, fn: (signer: CardSigner) => Promise<T>): Promise<T> {
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  return await fn(await driver.toSigner('sign', { pin: PINS.sign }));
}

async function issue(): Promise<VirtualJpkiCard> {
  return (await authority.issue(session, { holder: HOLDER, pins: PINS })).card;
}

async function signDoc(): Promise<{ card: VirtualJpkiCard; xml: Uint8Array }> {
  const card = await issue();
  const xml = await withSigner(card, (s) => signXml(DOC, s, { xades: { signingTime: clock.now() } }));
  return { card, xml };
}

const sources = () => ({
  trustAnchors: authority.trustAnchors,
  timestamp: authorityTimestampSource(authority),
  revocationSource: authorityRevocationSource(authority),
});

async function augment(xml: Uint8Array, level: 'T' | 'LT' | 'LTA', extra = {}): Promise<AugmentResult> {
  clock.advance(MINUTE);
  return augmentXml(xml, { level, ...sources(), ...extra });
}

const longTerm = (xml: Uint8Array | string, extra = {}): Promise<LongTermReport> =>
  verifyXmlLongTerm(xml, { trustAnchors: authority.trustAnchors, now: clock.now(), ...extra });

const brief = (r: LongTermReport) => [r.verdict, r.indication, r.code];

const dir = mkdtempSync(join(tmpdir(), 'shomei-xades-ltv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const pem = (der: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
const gmt = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

/** xmlsec1 --verify of the XMLDSig core at `at` (the XAdES unsigned properties are opaque to it). */
function xmlsecVerifies(xml: Uint8Array, at: Date): boolean {
  try {
    execFileSync(
      'xmlsec1',
      [
        '--verify',
        '--trusted-pem',
        file('root.pem', authority.trustAnchors.map(pem).join('')),
        '--untrusted-der',
        file('sign-ca.der', authority.caCertificate('sign')),
        '--id-attr:Id',
        'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
        '--verification-gmt-time',
        gmt(at),
        file('signed.xml', xml),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * `openssl ts -verify` of each archive timestamp (xades141, or XAdES 1.3.2 with its own input) over the
 * archive input rebuilt from the document.
 */
async function opensslVerifiesArchiveTokens(xml: Uint8Array, at: Date): Promise<number> {
  const doc = parseXml(xml);
  const el = findSignatures(doc)[0]!;
  const sig = readSignature(el);
  const u = unsignedOf(qualifyingProperties(sig)!);
  const ctx = { document: doc, signature: el, ids: indexIds(doc, DEFAULT_ID_ATTRIBUTES) };
  let checked = 0;
  for (const p of u.properties) {
    const role = timestampRole(p);
    if (role?.kind !== 'archive-timestamp') continue;
    const input = await archiveInput(sig, u, p, { method: 'c14n', comments: false }, ctx, role.version);
    const b64 = p.children
      .flatMap((c) => (c.type === 'element' && c.localName === 'EncapsulatedTimeStamp' ? [c] : []))
      .flatMap((c) => c.children.map((t) => (t.type === 'text' ? t.value : '')))
      .join('');
    const token = new Uint8Array(Buffer.from(b64, 'base64'));
    const untrusted = readRawSignedData(token).certificates.map(pem).join('');
    execFileSync(
      'openssl',
      [
        'ts',
        '-verify',
        '-token_in',
        '-in',
        file(`ats-${checked}.der`, token),
        '-digest',
        createHash('sha256').update(input).digest('hex'),
        '-CAfile',
        file('root.pem', authority.trustAnchors.map(pem).join('')),
        '-untrusted',
        file('tsa.pem', untrusted),
        '-attime',
        String(Math.floor(at.getTime() / 1000)),
      ],
      { stdio: 'pipe' },
    );
    checked++;
  }
  return checked;
}

async function currentOcsp(card: VirtualJpkiCard): Promise<Uint8Array> {
  const cert = parseCertificate(card.certificate('sign'));
  return authority.respondOcsp(
    (await buildOcspRequest(cert, parseCertificate(authority.caCertificate('sign')))).der,
  );
}

describe('XAdES sub-indications', () => {
  it('REVOKED: a signature timestamped only after the revocation is invalid', async () => {
    clock.set(T0);
    const { card, xml } = await signDoc();
    clock.set(new Date(T0.getTime() + YEAR));
    authority.revoke(session, card, 'keyCompromise');
    const lta = await augment(xml, 'LTA');
    expect(brief(await longTerm(lta.signed))).toEqual(['invalid', 'TOTAL-FAILED', 'REVOKED']);
  });

  it('OUT_OF_BOUNDS_NO_POE: timestamped only after the certificate expired', async () => {
    clock.set(T0);
    const { xml } = await signDoc();
    clock.set(new Date(T0.getTime() + 5.2 * YEAR));
    const lt = await augment(xml, 'LT');
    expect(brief(await longTerm(lt.signed))).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'OUT_OF_BOUNDS_NO_POE',
    ]);
  });

  it('HASH_FAILURE: the signed content was changed after augmenting', async () => {
    clock.set(T0);
    const { xml } = await signDoc();
    const lta = await augment(xml, 'LTA');
    const bad = dec.decode(lta.signed).replace('大阪府大阪市', '京都府京都市');
    expect(brief(await longTerm(bad))).toEqual(['invalid', 'TOTAL-FAILED', 'HASH_FAILURE']);
  });

  it('FORMAT_FAILURE: a document without a signature', async () => {
    expect(brief(await longTerm(DOC))).toEqual(['invalid', 'TOTAL-FAILED', 'FORMAT_FAILURE']);
  });

  it('augmenting plain XMLDSig (no XAdES properties) is refused with INPUT_INVALID', async () => {
    clock.set(T0);
    const plain = await withSigner(await issue(), (s) => signXml(DOC, s));
    await expect(augment(plain, 'LT')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });
});

/**
 * The XAdES 1.3.2 xades:ArchiveTimeStamp (ETSI TS 101 903 v1.3.2 §7.7.1), as older producers write
 * it: built here over the 1.3.2 input with the authority's TSA. The signature is enveloping, so a
 * ds:Object is referenced from SignedInfo: the 1.3.2 input leaves it out, the 1.4.1 one takes it in.
 */
describe('XAdES 1.3.2 ArchiveTimeStamp and XMLTimeStamp written by other producers', () => {
  let card: VirtualJpkiCard;
  let lt: Uint8Array;
  let v132: Uint8Array;
  const INCLUSIVE = { method: 'c14n', comments: false } as const;

  /** The archive input of the (only) signature under `version`, covering every current property. */
  async function inputOf(xml: Uint8Array, version: '1.3.2' | '1.4.1'): Promise<Uint8Array> {
    const doc = parseXml(xml);
    const el = findSignatures(doc)[0]!;
    const sig = readSignature(el);
    const u = unsignedOf(qualifyingProperties(sig)!);
    const ctx = { document: doc, signature: el, ids: indexIds(doc, DEFAULT_ID_ATTRIBUTES) };
    return archiveInput(sig, u, undefined, INCLUSIVE, ctx, version);
  }

  /** Appends an unsigned signature property (written with the document's `xades` prefix). */
  const appendProperty = (xml: Uint8Array, property: string): Uint8Array =>
    enc(dec.decode(xml).replace('</xades:UnsignedSignatureProperties>', `${property}$&`));

  const archive132 = (...stamps: string[]) =>
    `<xades:ArchiveTimeStamp>${stamps.join('')}</xades:ArchiveTimeStamp>`;
  const encapsulated = (token: Uint8Array) =>
    `<xades:EncapsulatedTimeStamp>${Buffer.from(token).toString('base64')}</xades:EncapsulatedTimeStamp>`;
  const XML_TS =
    '<xades:XMLTimeStamp><tst:TimeStamp xmlns:tst="urn:example:xml-tsa"><tst:Time>2015-01-01T00:00:00Z</tst:Time></tst:TimeStamp></xades:XMLTimeStamp>';

  beforeAll(async () => {
    clock.set(T0);
    card = await issue();
    const b = await withSigner(card, (s) =>
      signXml(DOC, s, { mode: 'enveloping', xades: { signingTime: clock.now() } }),
    );
    lt = (await augment((await augment(b, 'T')).signed, 'LT')).signed;
    clock.advance(MINUTE);
    const token = await authorityTimestampSource(authority)(await inputOf(lt, '1.3.2'), {});
    // The TSA's own validation data after it (a TimeStampValidationData, as augmentXml writes it).
    v132 = (await augment(appendProperty(lt, archive132(encapsulated(token))), 'LT')).signed;
  });

  it('the enveloping signature has a referenced ds:Object, so the 1.3.2 and 1.4.1 inputs differ', async () => {
    const [a, b] = [await inputOf(lt, '1.3.2'), await inputOf(lt, '1.4.1')];
    expect([a.length < b.length, Buffer.from(a).equals(Buffer.from(b))]).toEqual([true, false]);
  });

  describe('five and a half years later: expired and revoked', () => {
    beforeAll(() => {
      clock.set(new Date(T0.getTime() + 5.5 * YEAR));
      authority.revoke(session, card, 'keyCompromise');
    });

    it('valid: the 1.3.2 archive timestamp is trusted and is the proof of existence of the signature timestamp', async () => {
      const r = await longTerm(v132);
      const [archive, signature] = r.timestamps;
      expect([...brief(r), r.level, r.timestamps.map((x) => [x.kind, x.ok, x.code])]).toEqual([
        'valid',
        'TOTAL-PASSED',
        undefined,
        'LTA',
        [
          ['archive-timestamp', true, undefined],
          ['signature-timestamp', true, undefined],
        ],
      ]);
      expect([archive!.chain.length, signature!.provenAt]).toEqual([3, archive!.time]);
    });

    it('referees: xmlsec1 verifies the core signature with the 1.3.2 archive timestamp in it; openssl ts -verify its token', async () => {
      expect(xmlsecVerifies(v132, new Date(T0.getTime() + 2 * MINUTE))).toBe(true);
      expect(await opensslVerifiesArchiveTokens(v132, new Date(T0.getTime() + 5 * MINUTE))).toBe(1);
    });

    it('a token over the 1.4.1 input in a 1.3.2 ArchiveTimeStamp does not cover it: HASH_FAILURE', async () => {
      const token = await authorityTimestampSource(authority)(await inputOf(lt, '1.4.1'), {});
      const r = await longTerm(appendProperty(lt, archive132(encapsulated(token))));
      expect(r.timestamps.map((x) => [x.kind, x.ok, x.code])).toEqual([
        ['archive-timestamp', false, 'HASH_FAILURE'],
        ['signature-timestamp', true, undefined],
      ]);
    });

    it('tampered: a changed token is not trusted (SIG_CRYPTO_FAILURE), the signature timestamp still proves the time', async () => {
      const text = dec.decode(v132);
      const at = text.indexOf('<xades:ArchiveTimeStamp>');
      const tokenAt = text.indexOf('</xades:EncapsulatedTimeStamp>', at) - 12;
      const bad = text.slice(0, tokenAt) + (text[tokenAt] === 'A' ? 'B' : 'A') + text.slice(tokenAt + 1);
      const r = await longTerm(bad);
      expect([brief(r), r.timestamps[0]!.kind, r.timestamps[0]!.code]).toEqual([
        ['valid', 'TOTAL-PASSED', undefined],
        'archive-timestamp',
        'SIG_CRYPTO_FAILURE',
      ]);
    });

    it('stripped: evidence removed from under the 1.3.2 archive timestamp breaks it (HASH_FAILURE)', async () => {
      const bad = dec
        .decode(v132)
        .replace(/<xades:EncapsulatedOCSPValue>[^<]*<\/xades:EncapsulatedOCSPValue>/, '');
      const r = await longTerm(bad);
      expect(r.timestamps.map((x) => [x.kind, x.ok, x.code])[0]).toEqual([
        'archive-timestamp',
        false,
        'HASH_FAILURE',
      ]);
    });

    it('the explicit form (xades:Include naming what is covered) is not rebuilt: the token proves nothing, and the detail says why', async () => {
      const explicit = dec
        .decode(v132)
        .replace('<xades:ArchiveTimeStamp>', '$&<xades:Include URI="#elsewhere"/>');
      const archive = (await longTerm(explicit)).timestamps[0]!;
      expect([archive.kind, archive.ok, archive.code]).toEqual(['archive-timestamp', false, 'HASH_FAILURE']);
      expect(archive.detail).toMatch(/xades:Include/);
    });

    it('stripped: without the archive timestamp the document is B-LT again', async () => {
      const bad = dec.decode(v132).replace(/<xades:ArchiveTimeStamp>.*?<\/xades:ArchiveTimeStamp>/s, '');
      const r = await longTerm(bad);
      expect([r.level, r.timestamps.map((x) => x.kind)]).toEqual(['LT', ['signature-timestamp']]);
    });

    it('an XMLTimeStamp beside the token in the same ArchiveTimeStamp is refused with XML_TIMESTAMP_UNSUPPORTED, the token still counts', async () => {
      const withXml = dec.decode(v132).replace('</xades:ArchiveTimeStamp>', `${XML_TS}$&`);
      const r = await longTerm(withXml);
      expect([brief(r), r.timestamps.map((x) => [x.kind, x.ok, x.code]).sort()]).toEqual([
        ['valid', 'TOTAL-PASSED', undefined],
        [
          ['archive-timestamp', false, 'XML_TIMESTAMP_UNSUPPORTED'],
          ['archive-timestamp', true, undefined],
          ['signature-timestamp', true, undefined],
        ],
      ]);
      expect(r.warnings.join(' ')).toMatch(/XMLTimeStamp was not validated \(XML_TIMESTAMP_UNSUPPORTED\)/);
    });

    it('a signature whose only timestamp is an XMLTimeStamp has no proof of existence: OUT_OF_BOUNDS_NO_POE, the XMLTimeStamp reported', async () => {
      const xmlOnly = dec
        .decode(v132)
        .replace(/<xades:ArchiveTimeStamp>.*?<\/xades:ArchiveTimeStamp>/s, '')
        .replace(/(<xades:SignatureTimeStamp[^>]*>)(?:(?!<\/xades:SignatureTimeStamp>).)*/s, `$1${XML_TS}`);
      const r = await longTerm(xmlOnly);
      expect([...brief(r), r.proofOfExistence.kind, r.timestamps.map((x) => [x.kind, x.ok, x.code])]).toEqual(
        [
          'indeterminate',
          'INDETERMINATE',
          'OUT_OF_BOUNDS_NO_POE',
          'validation-time',
          [['signature-timestamp', false, 'XML_TIMESTAMP_UNSUPPORTED']],
        ],
      );
      expect(r.timestamps[0]!.detail).toMatch(/XMLTimeStamp/);
    });

    it('augmenting a signature whose only SignatureTimeStamp is an XMLTimeStamp adds an RFC 3161 one beside it', async () => {
      const xmlOnly = dec
        .decode(lt)
        .replace(/(<xades:SignatureTimeStamp[^>]*>)(?:(?!<\/xades:SignatureTimeStamp>).)*/s, `$1${XML_TS}`);
      const t = await augment(enc(xmlOnly), 'LT');
      const r = await longTerm(t.signed);
      expect([t.added.timestamps, r.timestamps.map((x) => [x.kind, x.ok, x.code]).sort()]).toEqual([
        ['signature-timestamp'],
        [
          ['signature-timestamp', false, 'XML_TIMESTAMP_UNSUPPORTED'],
          ['signature-timestamp', true, undefined],
        ],
      ]);
    });
  });
});

describe('e-Gov application: B-LTA, then valid years later after expiry and revocation', () => {
  const FORM = '900A01020000100001_01.xml';
  const folder = () =>
    new Map([
      [
        'kousei.xml',
        enc(`<?xml version="1.0" encoding="UTF-8"?>
<DataRoot><様式ID>900A010200001000</様式ID><構成情報 ID="構成情報"><申請書属性情報><申請書ファイル名称>${FORM}</申請書ファイル名称></申請書属性情報></構成情報>
<署名情報></署名情報></DataRoot>
`),
      ],
      [FORM, enc('<?xml version="1.0" encoding="UTF-8"?><申請書><新住所>東京都千代田区</新住所></申請書>')],
    ]);

  it('augmented with the folder, long-term valid after expiry and revocation; a changed form file fails', async () => {
    clock.set(T0);
    const card = await issue();
    const signed = await withSigner(card, (s) => signEgovApplication(folder(), s, { xades: {} }));
    clock.advance(MINUTE);
    const lta = await augmentEgovApplication(signed, { level: 'LTA', ...sources() });
    expect(lta.missing).toEqual([]);
    clock.set(new Date(T0.getTime() + 5.5 * YEAR));
    authority.revoke(session, card, 'keyCompromise');
    const verify = (files: Map<string, Uint8Array>) =>
      verifyEgovApplicationLongTerm(files, { trustAnchors: authority.trustAnchors, now: clock.now() });
    const ok = await verify(lta.files);
    const changed = new Map(lta.files).set(
      FORM,
      enc('<?xml version="1.0" encoding="UTF-8"?><申請書><新住所>大阪府</新住所></申請書>'),
    );
    const bad = await verify(changed);
    expect([[...brief(ok), ok.level, ok.egov.listedFiles], brief(bad)]).toEqual([
      ['valid', 'TOTAL-PASSED', undefined, 'LTA', [FORM]],
      ['invalid', 'TOTAL-FAILED', 'HASH_FAILURE'],
    ]);
  });
});

describe('XAdES: sign → B-T → B-LT → B-LTA → expiry and revocation → still valid at the proven time', () => {
  let card: VirtualJpkiCard;
  let b: Uint8Array;
  let t: AugmentResult;
  let lt: AugmentResult;
  let lta: AugmentResult;
  let signedAt: Date;
  beforeAll(async () => {
    clock.set(T0);
    ({ card, xml: b } = await signDoc());
    signedAt = clock.now();
    t = await augment(b, 'T');
    lt = await augment(t.signed, 'LT');
    lta = await augment(lt.signed, 'LTA');
  });

  it('each level adds what it should: SignatureTimeStamp, then CertificateValues/RevocationValues, then an ArchiveTimeStamp with its TSA data after it', () => {
    const text = dec.decode(lta.signed);
    expect([t.added.timestamps, lt.added.timestamps, lta.added.timestamps]).toEqual([
      ['signature-timestamp'],
      [],
      ['archive-timestamp'],
    ]);
    expect([lt.added.ocsp >= 2, lt.added.crls >= 1, lt.missing, lta.missing]).toEqual([true, true, [], []]);
    const order = [
      'xades:SignatureTimeStamp>',
      'xades:CertificateValues>',
      'xades:RevocationValues>',
      'xades141:ArchiveTimeStamp ',
      'xades141:TimeStampValidationData ',
    ].map((s) => text.indexOf(`<${s}`));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
  });

  it('on the day, the B-LTA is valid at its signature timestamp with OCSP for the signer and the root CRL for its CA', async () => {
    const r = await longTerm(lta.signed);
    expect([...brief(r), r.level, r.proofOfExistence.kind]).toEqual([
      'valid',
      'TOTAL-PASSED',
      undefined,
      'LTA',
      'signature-timestamp',
    ]);
    expect(r.chain.map((c) => [c.trustAnchor, c.revocation?.source, c.revocation?.status])).toEqual([
      [false, 'ocsp', 'good'],
      [false, 'crl', 'good'],
      [true, undefined, undefined],
    ]);
  });

  it('referees: xmlsec1 verifies the augmented signature as XMLDSig, and openssl ts -verify the archive timestamp', async () => {
    expect(xmlsecVerifies(lta.signed, clock.now())).toBe(true);
    expect(await opensslVerifiesArchiveTokens(lta.signed, clock.now())).toBe(1);
  });

  it('verifyXml still says valid for the augmented document (the unsigned properties change nothing signed)', async () => {
    const r = await verifyXml(lta.signed, {
      trustAnchors: authority.trustAnchors,
      time: clock.now(),
      revocation: 'off',
    });
    expect([r.verdict, r.format]).toEqual(['valid', 'XAdES-T']);
  });

  describe('five and a half years later: the certificate has expired and the card is revoked', () => {
    beforeAll(() => {
      clock.set(new Date(T0.getTime() + 5.5 * YEAR));
      authority.revoke(session, card, 'keyCompromise');
    });

    it('plain verification now says the signature is not valid', async () => {
      const r = await verifyXml(lta.signed, {
        trustAnchors: authority.trustAnchors,
        time: clock.now(),
        ocsp: [await currentOcsp(card)],
      });
      expect(r.verdict).not.toBe('valid');
    });

    it('long-term validation is valid at the signature timestamp, offline, with both timestamps as evidence', async () => {
      const r = await longTerm(lta.signed);
      expect([...brief(r), r.proofOfExistence.kind]).toEqual([
        'valid',
        'TOTAL-PASSED',
        undefined,
        'signature-timestamp',
      ]);
      expect(Math.abs(new Date(r.proofOfExistence.time).getTime() - signedAt.getTime())).toBeLessThan(
        3 * MINUTE,
      );
      expect(r.timestamps.map((x) => [x.kind, x.ok, x.chain.length])).toEqual([
        ['archive-timestamp', true, 3],
        ['signature-timestamp', true, 3],
      ]);
      expect(r.chain[0]!.revocation!.issuedAt >= r.proofOfExistence.time).toBe(true);
    });

    it('a current OCSP answer saying revoked (after the proven time) does not invalidate, and is reported', async () => {
      const r = await longTerm(lta.signed, { ocsp: [await currentOcsp(card)] });
      expect(brief(r)).toEqual(['valid', 'TOTAL-PASSED', undefined]);
      expect(r.warnings.join(' ')).toMatch(/revoked .* after .*does not affect/);
    });

    it('a tampered archive timestamp token is not trusted (the signature timestamp still proves the time)', async () => {
      const text = dec.decode(lta.signed);
      const at = text.indexOf('<xades141:ArchiveTimeStamp');
      // A character near the end of the token: the TSA's signature value.
      const tokenAt = text.indexOf('</xades:EncapsulatedTimeStamp>', at) - 12;
      const flipped = text[tokenAt] === 'A' ? 'B' : 'A';
      const bad = text.slice(0, tokenAt) + flipped + text.slice(tokenAt + 1);
      const r = await longTerm(bad);
      const archive = r.timestamps.find((x) => x.kind === 'archive-timestamp')!;
      expect([archive.ok, archive.code, brief(r)]).toEqual([
        false,
        'SIG_CRYPTO_FAILURE',
        ['valid', 'TOTAL-PASSED', undefined],
      ]);
    });

    it('evidence removed after the archive timestamp breaks it: HASH_FAILURE on that token', async () => {
      const text = dec.decode(lta.signed);
      const bad = text.replace(/<xades:EncapsulatedOCSPValue>[^<]*<\/xades:EncapsulatedOCSPValue>/, '');
      const r = await longTerm(bad);
      const archive = r.timestamps.find((x) => x.kind === 'archive-timestamp')!;
      expect([archive.ok, archive.code]).toEqual([false, 'HASH_FAILURE']);
    });
  });

  describe('re-augmenting the B-LTA before the TSA certificate expires extends it', () => {
    let extended: AugmentResult;
    beforeAll(async () => {
      clock.set(new Date(T0.getTime() + 9.5 * YEAR));
      authority.setBaseUrl('http://127.0.0.1:8371');
      extended = await augment(lta.signed, 'LTA');
      clock.set(new Date(T0.getTime() + 10.5 * YEAR));
    });

    it('adds a second ArchiveTimeStamp; after the first TSA certificate expired, the extended one is valid and the old one is not', async () => {
      expect(extended.added.timestamps).toEqual(['archive-timestamp']);
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

    it('referee: openssl ts -verify accepts both archive timestamps', async () => {
      expect(
        await opensslVerifiesArchiveTokens(extended.signed, new Date(T0.getTime() + 9.5 * YEAR + MINUTE * 5)),
      ).toBe(2);
    });
  });
});

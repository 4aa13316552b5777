/**
 * PAdES long-term validation end to end: a card issued at the authority signs a PDF as B-T; the PDF
 * is augmented to B-LTA (a DSS with VRI in an incremental update, then a document timestamp) with the
 * authority's TSA and OCSP responder; the authority's clock moves past the certificate's expiry and
 * the card is revoked, and long-term validation still says valid from the embedded material alone.
 * A signature whose only proof of existence comes after the revocation is invalid. pdfsig and
 * qpdf --check judge every augmented file.
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
import { augmentPdf, type PdfLongTermSignature, signPdf, verifyPdfLongTerm } from '@shomei/core';
import { encodeOid, encodeTlv } from '@shomei/core/der';
import { samplePdf } from '@shomei/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMS_OID } from '../../core/src/cms/oids.js';
import { readRawSignedData } from '../../core/src/ltv/cms-structure.js';
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
const clock = new MovableClock(new Date(T0.getTime() - 30 * 24 * 3600_000));
let authority: Authority;
let session: OperatorSession;
let card: VirtualJpkiCard;

const dir = mkdtempSync(join(tmpdir(), 'shomei-pades-ltv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, data: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

const sources = () => ({
  trustAnchors: authority.trustAnchors,
  timestamp: authorityTimestampSource(authority),
  revocationSource: authorityRevocationSource(authority),
  now: clock.now(),
});

async function sign(pdf: Uint8Array, timestamped: boolean): Promise<Uint8Array> {
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  const signer = await driver.toSigner('sign', { pin: PINS.sign });
  return await signPdf(pdf, signer, {
    subFilter: 'ETSI.CAdES.detached',
    signingTime: clock.now(),
    ...(timestamped ? { timestamp: authorityTimestampSource(authority) } : {}),
  });
}

const longTerm = async (pdf: Uint8Array): Promise<PdfLongTermSignature> => {
  const r = await verifyPdfLongTerm(pdf, { trustAnchors: authority.trustAnchors, now: clock.now() });
  expect(r.signatures).toHaveLength(1);
  return r.signatures[0]!;
};

const latin = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function pdfsig(pdf: Uint8Array): string {
  try {
    return execFileSync('pdfsig', [file('x.pdf', pdf)], { stdio: 'pipe' }).toString();
  } catch (e) {
    // pdfsig exits non-zero when it does not trust the issuer; its report is still on stdout.
    return String((e as { stdout?: Buffer }).stdout ?? '');
  }
}
const qpdfCheck = (pdf: Uint8Array) =>
  execFileSync('qpdf', ['--check', file('q.pdf', pdf)], { stdio: 'pipe' }).toString();

/** The upper-case hex SHA-1 of the first signature's CMS (its /Contents without the zero padding). */
function vriKey(pdf: Uint8Array): string {
  const m = /\/Contents <([0-9a-fA-F]+)>/.exec(latin(pdf))!;
  const der = Buffer.from(m[1]!, 'hex');
  // DER SEQUENCE with a long-form length: 0x30 0x82 hi lo.
  const len = der[1] === 0x82 ? 4 + der.readUInt16BE(2) : 5 + (der.readUInt32BE(1) & 0xffffff);
  return createHash('sha1').update(der.subarray(0, len)).digest('hex').toUpperCase();
}

let bt: Uint8Array;
let lta: Uint8Array;
let lt: Uint8Array;

beforeAll(async () => {
  authority = await Authority.create({ label: 'pades-ltv', root: true, clock: clock.now });
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
  clock.set(T0);
  card = (await authority.issue(session, { holder: HOLDER, pins: PINS })).card;
  bt = await sign(samplePdf(), true);
  clock.advance(MINUTE);
  const l = await augmentPdf(bt, { level: 'LT', ...sources() });
  expect(l.missing).toEqual([]);
  lt = l.pdf;
  clock.advance(MINUTE);
  const a = await augmentPdf(bt, { level: 'LTA', ...sources() });
  expect(a.missing).toEqual([]);
  lta = a.pdf;
});

describe('sign B-T → augment to B-LTA → expiry and revocation → still valid at the proven time', () => {
  it('augmenting appends incremental updates: a DSS with VRI, then a document timestamp', () => {
    expect(bt).toEqual(lta.subarray(0, bt.length));
    const tail = latin(lta.subarray(bt.length));
    expect(tail).toMatch(/\/Type \/DSS/);
    expect(tail).toMatch(/\/Certs \[/);
    expect(tail).toMatch(/\/OCSPs \[/);
    expect(tail).toContain(`/VRI <</${vriKey(bt)} <</Cert [`);
    expect(tail).toContain('/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161');
    // original, signature, DSS, document timestamp (the TSA's OCSP gathered for the DSS is already
    // fresh for the document timestamp under the simulated clock, so no further DSS is needed)
    expect(latin(lta).match(/%%EOF/g)?.length).toBe(4);
  });

  it('referees: qpdf --check passes; pdfsig calls the signature valid and sees the document timestamp', () => {
    expect(qpdfCheck(lta)).toMatch(/No syntax or stream encoding errors/);
    expect(qpdfCheck(lt)).toMatch(/No syntax or stream encoding errors/);
    const out = pdfsig(lta);
    // Poppler lists the /ETSI.RFC3161 document timestamp (covering the whole file) but does not
    // validate that type; openssl ts -verify judges its token below.
    expect(out.match(/Signature is Valid/g)?.length).toBe(1);
    expect(out).toMatch(/time-stamping unit[\s\S]*Total document signed/);
  });

  it('referee: openssl ts -verify accepts the document timestamp token over its byte ranges', () => {
    const text = latin(lta);
    const at = text.lastIndexOf('/SubFilter /ETSI.RFC3161');
    const br = /\/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)/.exec(text.slice(at))!.slice(1).map(Number);
    const [a, b, c, d] = br as [number, number, number, number];
    const hex = /\/Contents <([0-9a-fA-F]+)>/.exec(text.slice(at))![1]!;
    const token = Buffer.from(hex.replace(/(00)+$/, ''), 'hex');
    const data = Buffer.concat([lta.subarray(a, a + b), lta.subarray(c, c + d)]);
    const pem = (der: Uint8Array) =>
      `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    const root = join(dir, 'root.pem');
    writeFileSync(root, authority.trustAnchors.map(pem).join(''));
    const out = execFileSync(
      'openssl',
      [
        'ts',
        '-verify',
        '-token_in',
        '-in',
        file('doc-ts.der', token),
        '-data',
        file('ranges.bin', data),
        '-CAfile',
        root,
        '-attime',
        String(Math.floor(clock.now().getTime() / 1000)),
      ],
      { encoding: 'utf8', stdio: 'pipe' },
    );
    expect(out).toMatch(/Verification: OK/);
  });

  it('on the day, the B-LTA is valid at its signature timestamp with OCSP evidence', async () => {
    const r = await longTerm(lta);
    expect([r.verdict, r.level, r.proofOfExistence.kind]).toEqual(['valid', 'LTA', 'signature-timestamp']);
    expect(r.chain[0]!.revocation).toMatchObject({ source: 'ocsp', status: 'good', fresh: true });
    expect(r.timestamps.map((t) => [t.kind, t.ok])).toEqual([
      ['document-timestamp', true],
      ['signature-timestamp', true],
    ]);
    expect((await longTerm(lt)).level).toBe('LT');
  });

  describe('five and a half years later: the certificate has expired and the card is revoked', () => {
    beforeAll(() => {
      clock.set(new Date(T0.getTime() + 5.5 * YEAR));
      authority.revoke(session, card, 'keyCompromise');
    });

    it('long-term validation of the B-LTA is valid at the signature timestamp, offline', async () => {
      const r = await longTerm(lta);
      expect([r.verdict, r.indication, r.code]).toEqual(['valid', 'TOTAL-PASSED', undefined]);
      expect(r.proofOfExistence.time).toBe(r.timestamps[1]!.time);
      expect(r.chain[0]!.revocation?.status).toBe('good');
      expect(r.signer.subject).not.toBe('');
    });

    it('re-augmenting adds a new DSS and a second document timestamp; still valid', async () => {
      const again = await augmentPdf(lta, { level: 'LTA', ...sources() });
      expect(again.missing).toEqual([]);
      expect(latin(again.pdf).match(/\/ETSI\.RFC3161/g)?.length).toBe(2);
      expect(qpdfCheck(again.pdf)).toMatch(/No syntax or stream encoding errors/);
      const r = await longTerm(again.pdf);
      expect([r.verdict, r.timestamps.map((t) => t.kind)]).toEqual([
        'valid',
        ['document-timestamp', 'document-timestamp', 'signature-timestamp'],
      ]);
    });

    it('altering the signed revision makes the signature invalid: HASH_FAILURE (the ranges no longer match the messageDigest)', async () => {
      const bad = lta.slice();
      const at = latin(bad).indexOf('Contract page 1');
      bad[at] = 'K'.charCodeAt(0);
      const r = await longTerm(bad);
      expect([r.verdict, r.indication, r.code]).toEqual(['invalid', 'TOTAL-FAILED', 'HASH_FAILURE']);
    });
  });
});

describe('a signature whose only proof of existence comes after the revocation', () => {
  it('is invalid: REVOKED at the document timestamp', async () => {
    clock.set(new Date(T0.getTime() + 6 * 24 * 3600_000));
    card = (await authority.issue(session, { holder: HOLDER, pins: PINS })).card;
    const bb = await sign(samplePdf(), false);
    clock.advance(YEAR);
    authority.revoke(session, card, 'keyCompromise');
    clock.advance(MINUTE);
    const a = await augmentPdf(bb, { level: 'LTA', ...sources() });
    const r = await longTerm(a.pdf);
    expect([r.verdict, r.indication, r.code, r.proofOfExistence.kind]).toEqual([
      'invalid',
      'TOTAL-FAILED',
      'REVOKED',
      'document-timestamp',
    ]);
    expect(r.chain[0]!.revocation?.status).toBe('revoked');
  });
});

/**
 * The CMS is read from the bytes in /Contents, never re-encoded: a SET OF whose elements are not in
 * DER order (X.690 §11.6) is still readable BER, and a DER re-encoding re-sorts it, which would make
 * the signature checked a different SignerInfo from the one whose evidence is reported.
 */
describe('the CMS is judged as it is in /Contents', () => {
  /**
   * The signature's CMS with a forged second SignerInfo (the real one with a signature value one byte
   * longer, so it sorts after the real one in DER), the two in the order `order` gives.
   */
  function withForgedSigner(pdf: Uint8Array, order: 'forged-first' | 'real-first'): Uint8Array {
    const text = latin(pdf);
    const m = /\/Contents <([0-9a-fA-F]+)>/.exec(text)!;
    const hex = m[1]!;
    const raw = readRawSignedData(new Uint8Array(Buffer.from(hex.replace(/(00)+$/, ''), 'hex')));
    const real = raw.signerInfos[0]!;
    const signature = real.signedFields.at(-1)!;
    const longer = encodeTlv(0x04, real.signature, new Uint8Array([0x5a]));
    expect(signature[0]).toBe(0x04);
    const realInfo = encodeTlv(0x30, ...real.signedFields);
    const forgedInfo = encodeTlv(0x30, ...real.signedFields.slice(0, -1), longer);
    const infos = order === 'forged-first' ? [forgedInfo, realInfo] : [realInfo, forgedInfo];
    const body = encodeTlv(
      0x30,
      raw.version,
      raw.digestAlgorithms,
      encodeTlv(0x30, raw.eContentType),
      encodeTlv(0xa0, ...raw.certificates),
      encodeTlv(0x31, ...infos),
    );
    const cms = Buffer.from(encodeTlv(0x30, encodeOid(CMS_OID.signedData), encodeTlv(0xa0, body))).toString(
      'hex',
    );
    expect(cms.length).toBeLessThanOrEqual(hex.length);
    const contents = `/Contents <${cms.padEnd(hex.length, '0')}>`;
    return new Uint8Array(
      Buffer.from(text.slice(0, m.index) + contents + text.slice(m.index + m[0].length), 'latin1'),
    );
  }

  let bb: Uint8Array;
  beforeAll(async () => {
    clock.set(new Date(T0.getTime() + 7 * 24 * 3600_000));
    card = (await authority.issue(session, { holder: HOLDER, pins: PINS })).card;
    bb = await sign(samplePdf(), false);
  });

  const judged = async (order: 'forged-first' | 'real-first') => {
    clock.advance(MINUTE);
    const a = await augmentPdf(withForgedSigner(bb, order), { level: 'LTA', ...sources() });
    const r = await longTerm(a.pdf);
    return [r.verdict, r.code, r.proofOfExistence.kind];
  };

  it('SignerInfos out of DER order (the forged one first): the first as written is judged, SIG_CRYPTO_FAILURE', async () => {
    expect(await judged('forged-first')).toEqual(['invalid', 'SIG_CRYPTO_FAILURE', 'document-timestamp']);
  });

  it('the same two in DER order (the real one first): valid at the document timestamp', async () => {
    expect(await judged('real-first')).toEqual(['valid', undefined, 'document-timestamp']);
  });
});

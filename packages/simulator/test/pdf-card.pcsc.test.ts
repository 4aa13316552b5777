/**
 * A PDF signed with the simulated card through the real PC/SC stack: an authority-issued
 * VirtualJpkiCard behind VpcdBridge → vpcd → pcscd → pcsclite → PcscTransport → openJpkiCard. The PDF
 * is signed twice (adbe.pkcs7.detached, then ETSI.CAdES.detached), both signatures verify with the
 * authority's CRL, pdfsig agrees, and after the loss report both are CERT_REVOKED. Run with
 * `pnpm test:pcsc` (scripts/with-pcsc.sh: a private pcscd with vpcd readers).
 */
import { openJpkiCard, PcscContext } from '@shomei/card';
import { type PdfReport, type PdfSubFilter, signPdf, verifyPdf } from '@shomei/core';
import { pdfsig, samplePdf } from '@shomei/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authority, type OperatorSession } from '../src/authority/authority.js';
import { OperatorCard } from '../src/authority/operator-card.js';
import type { VirtualJpkiCard } from '../src/card/virtual-card.js';
import { VpcdBridge } from '../src/transport/vpcd.js';
import { HOLDER, PINS } from './fixture.js';

const READER = 'Virtual PCD 00 00';

describe.skipIf(!process.env.SHOMEI_PCSC)('a PDF signed with the card over pcscd + vpcd', () => {
  let authority: Authority;
  let session: OperatorSession;
  let card: VirtualJpkiCard;
  let bridge: VpcdBridge;
  let once: Uint8Array;
  let twice: Uint8Array;

  async function signWithCard(pdf: Uint8Array, subFilter: PdfSubFilter): Promise<Uint8Array> {
    await using driver = await openJpkiCard({ reader: READER });
    const signer = await driver.toSigner('sign', { pin: PINS.sign });
    // awaited before the session is disposed at the end of this scope
    return await signPdf(pdf, signer, { subFilter });
  }

  const verify = (pdf: Uint8Array): Promise<PdfReport> =>
    verifyPdf(pdf, {
      trustAnchors: authority.trustAnchors,
      crls: [authority.crl('sign')],
      revocation: { mode: 'require', order: ['crl'] },
    });

  beforeAll(async () => {
    authority = await Authority.create({ label: 'pdf-pcsc' });
    const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
    authority.enrolOperator(operator);
    session = authority.openSession(operator, '2468');
    ({ card } = await authority.issue(session, { holder: HOLDER, pins: PINS }));
    bridge = new VpcdBridge(card, { slot: 0, reconnectDelayMs: 100 });
    bridge.start();
    await bridge.whenConnected();
    const context = await PcscContext.open();
    try {
      await context.waitForCard(READER, { timeoutMs: 5000 });
    } finally {
      context.close();
    }
    once = await signWithCard(samplePdf(), 'adbe.pkcs7.detached');
    twice = await signWithCard(once, 'ETSI.CAdES.detached');
  });

  afterAll(async () => {
    await bridge?.stop();
  });

  it('signed twice through the reader: both signatures valid, revocation good, the holder named', async () => {
    const r = await verify(twice);
    expect(
      r.signatures.map((s) => [
        s.verdict,
        s.pdf.subFilter,
        s.chain[0]?.revocation.status,
        s.signer.jpki?.name,
      ]),
    ).toEqual([
      ['valid', 'adbe.pkcs7.detached', 'good', HOLDER.name],
      ['valid', 'ETSI.CAdES.detached', 'good', HOLDER.name],
    ]);
  });

  it("poppler's pdfsig calls both card signatures valid", () => {
    expect(pdfsig(twice).match(/Signature is Valid/g)?.length).toBe(2);
  });

  it('after the loss report both signatures are invalid with CERT_REVOKED', async () => {
    authority.revoke(session, card, 'keyCompromise');
    const r = await verify(twice);
    expect(r.signatures.map((s) => [s.verdict, s.code])).toEqual([
      ['invalid', 'CERT_REVOKED'],
      ['invalid', 'CERT_REVOKED'],
    ]);
  });
});

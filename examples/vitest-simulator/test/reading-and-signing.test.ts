/**
 * Reading certificates and signing through the card driver, against a virtual card in memory.
 * The same code runs against a real card when `openJpkiCard()` is called without a transport.
 */
import { createVerify, X509Certificate } from 'node:crypto';
import { parseJpkiIdentity, signCms, verifyCms } from '@shomei/core';
import type { VirtualJpkiCard } from '@shomei/simulator';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOLDER, type InsertedCard, insert, issueCard, PINS } from './fixtures.js';

let issued: VirtualJpkiCard;
let inserted: InsertedCard | undefined;

beforeAll(async () => {
  issued = await issueCard();
});

afterEach(async () => {
  await inserted?.card.close();
  inserted = undefined;
});

async function open(): Promise<InsertedCard> {
  inserted = await insert(issued);
  return inserted;
}

describe('reading certificates', () => {
  it('reads the user-authentication certificate without a PIN', async () => {
    const { card, virtual } = await open();
    expect(await card.readCertificate('auth')).toEqual(virtual.certificate('auth'));
  });

  it('needs the signature password for the signing certificate', async () => {
    const { card } = await open();
    await expect(card.readCertificate('sign')).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
  });

  it('finds the holder four facts in the signing certificate', async () => {
    const { card } = await open();
    const certificate = await card.readCertificate('sign', { pin: PINS.sign });
    expect(parseJpkiIdentity(certificate)).toMatchObject({
      name: HOLDER.name,
      address: HOLDER.address,
      // As encoded in the certificate: era digit (4 = Heisei) + YYYYMMDD, and the sex code 1 = male.
      birthDate: '419900131',
      sex: '1',
    });
  });
});

describe('signing', () => {
  const document = new TextEncoder().encode('住民票の写しの交付請求書');

  it('makes a signature that verifies with the certificate public key', async () => {
    const { card, virtual } = await open();
    const signature = await card.sign('sign', { data: document }, { pin: PINS.sign });
    const key = new X509Certificate(Buffer.from(virtual.certificate('sign'))).publicKey;
    expect(createVerify('sha256').update(document).verify(key, Buffer.from(signature))).toBe(true);
  });

  it('signs a CMS SignedData through core with card.toSigner()', async () => {
    const { card, virtual } = await open();
    const signer = await card.toSigner('sign', { pinProvider: () => PINS.sign });
    const p7s = await signCms(document, signer, { detached: true });
    const report = await verifyCms(p7s, {
      content: document,
      trustAnchors: [virtual.certificate('sign-ca')],
      revocation: 'off',
    });
    expect(report.verdict).toBe('valid');
  });
});

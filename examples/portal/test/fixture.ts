/**
 * One authority per test file (RSA keys are slow) with its HTTP server on loopback, two cards issued
 * at the counter, and their signatures made through the card driver: one card in force, one
 * reported lost. The portal verifies against the authority's anchors and live OCSP.
 */
import { openJpkiCard } from '@shomei/card';
import { signCms } from '@shomei/core';
import {
  Authority,
  type AuthorityServer,
  type HolderProfile,
  MemoryTransport,
  OperatorCard,
  type VirtualJpkiCard,
} from '@shomei/simulator';

export const HOLDER: HolderProfile = {
  name: '見本　花子',
  address: '東京都千代田区霞が関二丁目一番二号',
  birthDate: '1985-04-12',
  sex: 'female',
  myNumber: '123456789018',
};
const LOST_HOLDER: HolderProfile = { ...HOLDER, name: '見本　次郎', sex: 'male' };
const PINS = { sign: 'MIHON2024', auth: '1234', assist: '5678' };

export const APPLICATION = new TextEncoder().encode(
  '住民票の写しの交付請求書\n請求者: 見本　花子\n通数: 1通\n',
);

export interface PortalFixture {
  authority: Authority;
  server: AuthorityServer;
  /** Attached signature by the card in force. */
  valid: Uint8Array;
  /** Detached signature over APPLICATION by the card in force. */
  detached: Uint8Array;
  /** Attached signature by the card that was reported lost (revoked, keyCompromise). */
  revoked: Uint8Array;
  /** `count` distinct applications (attached signatures by the card in force), about `bytes` each. */
  applications(count: number, bytes?: number): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

async function signWith(card: VirtualJpkiCard, detached: boolean): Promise<Uint8Array> {
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  const signer = await driver.toSigner('sign', { pin: PINS.sign });
  return await signCms(APPLICATION, signer, { detached });
}

export async function portalFixture(): Promise<PortalFixture> {
  const authority = await Authority.create({ label: 'portal tests' });
  const server = await authority.serve({ port: 0 });
  authority.setBaseUrl(server.url);
  const operator = OperatorCard.create({ name: 'counter 1', pin: '2468' });
  authority.enrolOperator(operator);
  const session = authority.openSession(operator, '2468');
  const { card } = await authority.issue(session, { holder: HOLDER, pins: PINS });
  const { card: lost } = await authority.issue(session, { holder: LOST_HOLDER, pins: PINS });
  const valid = await signWith(card, false);
  const detached = await signWith(card, true);
  const revoked = await signWith(lost, false);
  authority.revoke(session, lost, 'keyCompromise');
  const applications = async (count: number, bytes = 1024) => {
    await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
    const signer = await driver.toSigner('sign', { pin: PINS.sign });
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const text = new TextEncoder().encode(`住民票の写しの交付請求書 No. ${i} ${Date.now()}\n`);
      const content = new Uint8Array(Math.max(bytes - 2600, text.length)).fill(0x20);
      content.set(text);
      out.push(await signCms(content, signer));
    }
    return out;
  };
  return { authority, server, valid, detached, revoked, applications, close: () => server.close() };
}

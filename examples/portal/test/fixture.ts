/**
 * One authority per test file (RSA keys are slow) with its HTTP server on loopback, two cards issued
 * at the counter, and their signatures made through the card driver: one card in force, one
 * reported lost. The portal verifies against the authority's anchors and live OCSP.
 */
import { openJpkiCard } from '@shomei/card';
import { signCms, signEgovApplication, signPdf } from '@shomei/core/node';
import {
  Authority,
  type AuthorityServer,
  type HolderProfile,
  MemoryTransport,
  OperatorCard,
  type VirtualJpkiCard,
} from '@shomei/simulator';
import { zipSync } from 'fflate';
import { onePagePdf } from '../src/card/documents.js';

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
  /** A PDF signed by the card in force (adbe.pkcs7.detached). */
  pdf: Uint8Array;
  /** An e-Gov application folder signed by the card in force, zipped inside one top folder. */
  egovZip: Uint8Array;
  /** The same signed application as its files (name → bytes), for a multi-file upload. */
  egovFiles: ReadonlyMap<string, Uint8Array>;
  /** The same application with its form file changed after signing. */
  egovZipTampered: Uint8Array;
  /** `count` distinct applications (attached signatures by the card in force), about `bytes` each. */
  applications(count: number, bytes?: number): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

async function signWith(card: VirtualJpkiCard, detached: boolean): Promise<Uint8Array> {
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  const signer = await driver.toSigner('sign', { pin: PINS.sign });
  return await signCms(APPLICATION, signer, { detached });
}

const enc = (s: string) => new TextEncoder().encode(s);

/** A one-page PDF (the portal's own writer, src/card/documents.ts). */
export function samplePdf(text: string): Uint8Array {
  return onePagePdf([text]);
}

export const EGOV_FORM = '900A01020000100001_01.xml';

/** An e-Gov application folder (../shared/spec/egov-xml.md): kousei.xml listing one form file. */
function egovFolder(): Map<string, Uint8Array> {
  const kousei = `<?xml version="1.0" encoding="UTF-8"?>
<DataRoot><様式ID>900A010200001000</様式ID><様式バージョン>0001</様式バージョン><STYLESHEET>900A010200001000.xsl</STYLESHEET>
<構成情報 ID="構成情報"><管理情報><手続ID>900A010200001000</手続ID><手続名称>住所変更届</手続名称></管理情報>
<申請書属性情報><申請書ファイル名称>${EGOV_FORM}</申請書ファイル名称></申請書属性情報></構成情報>
<署名情報></署名情報></DataRoot>
`;
  return new Map([
    ['kousei.xml', enc(kousei)],
    [
      EGOV_FORM,
      enc('<?xml version="1.0" encoding="UTF-8"?><申請書><新住所>東京都千代田区</新住所></申請書>'),
    ],
  ]);
}

/** Zips a folder's files under one top folder, as a citizen's "send to zip" does. */
export function zipFolder(files: ReadonlyMap<string, Uint8Array>, top = '申請書'): Uint8Array {
  return zipSync(Object.fromEntries([...files].map(([name, data]) => [`${top}/${name}`, data])));
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
  const { pdf, egov } = await (async () => {
    await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
    const signer = await driver.toSigner('sign', { pin: PINS.sign });
    return {
      pdf: await signPdf(samplePdf('Juminhyo request'), signer),
      egov: await signEgovApplication(egovFolder(), signer, { xades: {} }),
    };
  })();
  const tampered = new Map(egov);
  tampered.set(
    EGOV_FORM,
    enc('<?xml version="1.0" encoding="UTF-8"?><申請書><新住所>大阪府大阪市</新住所></申請書>'),
  );
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
  return {
    authority,
    server,
    valid,
    detached,
    revoked,
    pdf,
    egovZip: zipFolder(egov),
    egovFiles: egov,
    egovZipTampered: zipFolder(tampered),
    applications,
    close: () => server.close(),
  };
}

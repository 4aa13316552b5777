/**
 * The e-Gov application round trip as a portal meets it: a card issued at the counter signs an
 * application folder through the card driver (openJpkiCard over MemoryTransport), with a XAdES-T
 * timestamp from the authority's TSA; verifyEgovApplication fetching revocation from the authority says valid with
 * the holder's facts; after the loss report the same upload is invalid with CERT_REVOKED.
 */
import { openJpkiCard } from '@shomei/card';
import {
  clearRevocationFetchCaches,
  type EgovValidationReport,
  signEgovApplication,
  tsaTimestamp,
  verifyEgovApplication,
} from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authority, type OperatorSession } from '../src/authority/authority.js';
import { OperatorCard } from '../src/authority/operator-card.js';
import type { VirtualJpkiCard } from '../src/card/virtual-card.js';
import { MemoryTransport } from '../src/transport/memory.js';
import { HOLDER, PINS } from './fixture.js';

const enc = (s: string) => new TextEncoder().encode(s);
const FORM = '900A01020000100001_01.xml';
const ATTACHMENT = '添付書類_1.pdf';

function folder(): Map<string, Uint8Array> {
  const kousei = `<?xml version="1.0" encoding="UTF-8"?>
<DataRoot><様式ID>900A010200001000</様式ID><様式バージョン>0001</様式バージョン><STYLESHEET>900A010200001000.xsl</STYLESHEET>
<構成情報 ID="構成情報"><管理情報><手続ID>900A010200001000</手続ID><手続名称>住所変更届</手続名称></管理情報>
<申請書属性情報><申請書ファイル名称>${FORM}</申請書ファイル名称></申請書属性情報>
<添付書類属性情報><添付書類ファイル名称>${ATTACHMENT}</添付書類ファイル名称></添付書類属性情報></構成情報>
<署名情報></署名情報></DataRoot>
`;
  return new Map([
    ['kousei.xml', enc(kousei)],
    [FORM, enc('<?xml version="1.0" encoding="UTF-8"?><申請書><新住所>東京都千代田区</新住所></申請書>')],
    [ATTACHMENT, enc('%PDF-1.7\n%%EOF\n')],
  ]);
}

let authority: Authority;
let session: OperatorSession;
let server: Awaited<ReturnType<Authority['serve']>>;

beforeAll(async () => {
  authority = await Authority.create({ label: 'egov' });
  server = await authority.serve({ port: 0 });
  authority.setBaseUrl(server.url);
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
});

afterAll(() => server?.close());

/** A relying party asking now (core caches OCSP answers until nextUpdate). */
function verify(files: Map<string, Uint8Array>): Promise<EgovValidationReport> {
  clearRevocationFetchCaches();
  return verifyEgovApplication(files, {
    trustAnchors: authority.trustAnchors,
    revocation: { mode: 'require', fetch: true },
  });
}

describe('e-Gov folder: sign through the card, verify with revocation', () => {
  let card: VirtualJpkiCard;
  let signed: Map<string, Uint8Array>;
  beforeAll(async () => {
    ({ card } = await authority.issue(session, { holder: HOLDER, pins: PINS }));
    await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
    const signer = await driver.toSigner('sign', { pin: PINS.sign });
    signed = await signEgovApplication(folder(), signer, {
      xades: { timestamp: tsaTimestamp(`${server.url}/tsa`) },
    });
  });

  it('writes the e-Gov reference form and verifies as valid with the holder’s facts', async () => {
    const text = new TextDecoder().decode(signed.get('kousei.xml'));
    const r = await verify(signed);
    expect([
      text.includes('URI="#%E6%A7%8B%E6%88%90%E6%83%85%E5%A0%B1"'),
      r.verdict,
      r.format,
      r.signer.jpki?.name,
      r.chain[0]?.revocation.status,
      r.references.map((x) => x.path ?? x.file),
    ]).toEqual([
      true,
      'valid',
      'XAdES-T',
      HOLDER.name,
      'good',
      [
        '/DataRoot[1]/構成情報[1]',
        FORM,
        ATTACHMENT,
        '/DataRoot[1]/署名情報[1]/Signature[1]/Object[1]/xades:QualifyingProperties[1]/xades:SignedProperties[1]',
      ],
    ]);
  });

  it('after the loss report the same upload is invalid with CERT_REVOKED', async () => {
    authority.revoke(session, card, 'keyCompromise');
    const r = await verify(signed);
    expect([r.verdict, r.code, r.chain[0]?.revocation.status]).toEqual([
      'invalid',
      'CERT_REVOKED',
      'revoked',
    ]);
  });
});

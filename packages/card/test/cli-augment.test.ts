/**
 * `shomei augment` and `shomei verify --long-term` against the simulator's authority served over HTTP
 * on loopback: the TSA by --tsa, revocation data by --fetch (AIA/CDP) or given as --ocsp files; then
 * the card is revoked and long-term verification still says valid, offline.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildOcspRequest,
  parseCertificate,
  signCms,
  signEgovApplication,
  signPdf,
  signXml,
} from '@shomei/core';
import {
  Authority,
  type AuthorityServer,
  MemoryTransport,
  OperatorCard,
  type OperatorSession,
  type VirtualJpkiCard,
} from '@shomei/simulator';
import { samplePdf } from '@shomei/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { runCli } from '../src/cli/router.js';
import { openJpkiCard } from '../src/jpki/open.js';
import { HOLDER, PINS } from './fixtures/virtual-cards.js';

let authority: Authority;
let server: AuthorityServer;
let session: OperatorSession;
let card: VirtualJpkiCard;
const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-ltv-'));
const path = (name: string) => join(dir, name);

beforeAll(async () => {
  authority = await Authority.create({ label: 'cli-ltv' });
  server = await authority.serve({ port: 0 });
  authority.setBaseUrl(server.url);
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
  ({ card } = await authority.issue(session, { holder: HOLDER, pins: PINS }));
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  const signer = await driver.toSigner('sign', { pin: PINS.sign });
  writeFileSync(path('doc.p7s'), await signCms(new TextEncoder().encode('申請書'), signer));
  writeFileSync(path('doc.pdf'), await signPdf(samplePdf(), signer, { subFilter: 'ETSI.CAdES.detached' }));
  writeFileSync(path('ca.der'), authority.caCertificate('sign'));
  writeFileSync(
    path('doc.xml'),
    await signXml('<?xml version="1.0" encoding="UTF-8"?><届出><氏名>山田</氏名></届出>', signer, {
      xades: {},
    }),
  );
  const egov = await signEgovApplication(
    new Map([
      [
        'kousei.xml',
        new TextEncoder().encode(
          '<?xml version="1.0" encoding="UTF-8"?>\n<DataRoot><構成情報 ID="構成情報"><申請書属性情報><申請書ファイル名称>form.xml</申請書ファイル名称></申請書属性情報></構成情報><署名情報></署名情報></DataRoot>\n',
        ),
      ],
      ['form.xml', new TextEncoder().encode('<申請書>住所変更</申請書>')],
    ]),
    signer,
    { xades: {} },
  );
  mkdirSync(path('app'));
  for (const [name, bytes] of egov) writeFileSync(join(path('app'), name), bytes);
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function shomei(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    readSecret: async () => {
      throw new Error('no PIN here');
    },
    writeFile: async (p, data) => writeFileSync(p, data),
  };
  const code = await runCli(argv, io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('shomei augment / verify --long-term', () => {
  it('a signed PDF: augment --level lta writes PAdES B-LTA (DSS, document timestamp) that verify --long-term finds valid', async () => {
    const a = await shomei(
      'augment',
      path('doc.pdf'),
      '--level',
      'lta',
      '--trust',
      path('ca.der'),
      '--tsa',
      `${server.url}/tsa`,
      '--fetch',
    );
    expect([a.code, a.out]).toEqual([0, expect.stringContaining(`${path('doc.lta.pdf')}: PAdES B-LTA`)]);
    const v = await shomei('verify', path('doc.lta.pdf'), '--long-term', '--trust', path('ca.der'));
    expect([v.code, v.out]).toEqual([
      0,
      expect.stringMatching(
        /Field: +Signature1\nVerdict: +VALID[\s\S]*Level: +B-LTA[\s\S]*document-timestamp/,
      ),
    ]);
    const t = await shomei('augment', path('doc.pdf'), '--level', 't', '--trust', path('ca.der'));
    expect(t.code).toBe(2);
  });

  it('augment --level lta --tsa --fetch writes a B-LTA that verify --long-term finds valid', async () => {
    const a = await shomei(
      'augment',
      path('doc.p7s'),
      '--level',
      'lta',
      '--trust',
      path('ca.der'),
      '--tsa',
      `${server.url}/tsa`,
      '--fetch',
      '--json',
    );
    expect([a.code, JSON.parse(a.out).written, JSON.parse(a.out).missing]).toEqual([
      0,
      path('doc.lta.p7s'),
      [],
    ]);
    const v = await shomei('verify', path('doc.lta.p7s'), '--long-term', '--trust', path('ca.der'), '--json');
    const report = JSON.parse(v.out);
    expect([v.code, report.verdict, report.level, report.proofOfExistence.kind]).toEqual([
      0,
      'valid',
      'LTA',
      'signature-timestamp',
    ]);
  });

  it('a XAdES file: augment --level lta writes B-LTA beside it, and verify --long-term finds it valid', async () => {
    const a = await shomei(
      'augment',
      path('doc.xml'),
      '--level',
      'lta',
      '--trust',
      path('ca.der'),
      '--tsa',
      `${server.url}/tsa`,
      '--fetch',
    );
    expect([a.code, a.out]).toEqual([
      0,
      expect.stringContaining(`${path('doc.lta.xml')}: B-LTA (added signature-timestamp, archive-timestamp`),
    ]);
    const v = await shomei('verify', path('doc.lta.xml'), '--long-term', '--trust', path('ca.der'), '--json');
    const report = JSON.parse(v.out);
    expect([v.code, report.verdict, report.level]).toEqual([0, 'valid', 'LTA']);
  });

  it('an e-Gov folder: augment writes a new folder <folder>.lta, and verify --long-term on it is valid', async () => {
    const a = await shomei(
      'augment',
      path('app'),
      '--level',
      'lta',
      '--trust',
      path('ca.der'),
      '--tsa',
      `${server.url}/tsa`,
      '--fetch',
      '--json',
    );
    expect([a.code, JSON.parse(a.out).written]).toEqual([0, path('app.lta')]);
    const v = await shomei('verify', path('app.lta'), '--long-term', '--trust', path('ca.der'));
    expect([v.code, v.out]).toEqual([0, expect.stringMatching(/VALID \(TOTAL-PASSED\)[\s\S]*Level: +B-LTA/)]);
  });

  it('augment --level lt with an --ocsp file that does not cover the TSA refuses and writes nothing', async () => {
    const t = await shomei(
      'augment',
      path('doc.p7s'),
      '--level',
      't',
      '--trust',
      path('ca.der'),
      '--tsa',
      `${server.url}/tsa`,
      '--out',
      path('doc.t.p7s'),
    );
    expect(t.code).toBe(0);
    const cert = parseCertificate(card.certificate('sign'));
    const ca = parseCertificate(authority.caCertificate('sign'));
    writeFileSync(path('signer.ocsp'), authority.respondOcsp((await buildOcspRequest(cert, ca)).der));
    const lt = await shomei(
      'augment',
      path('doc.t.p7s'),
      '--level',
      'lt',
      '--trust',
      path('ca.der'),
      '--ocsp',
      path('signer.ocsp'),
      '--out',
      path('doc.lt.p7s'),
    );
    expect([lt.code, lt.err]).toEqual([
      1,
      expect.stringMatching(
        /not written — no fresh revocation data for:\n {2}"CN=shomei simulator time-stamping unit[^\n]*\nGive it/,
      ),
    ]);
    expect(() => readFileSync(path('doc.lt.p7s'))).toThrow();
  });

  it('after the card is revoked, verify --long-term still says valid and prints the evidence', async () => {
    authority.revoke(session, card, 'keyCompromise');
    const v = await shomei('verify', path('doc.lta.p7s'), '--long-term', '--trust', path('ca.der'));
    expect([v.code, v.out]).toEqual([
      0,
      expect.stringMatching(/VALID \(TOTAL-PASSED\)[\s\S]*Proven at: [\s\S]*good per OCSP/),
    ]);
  });

  it('usage errors exit 2', async () => {
    expect((await shomei('augment', path('doc.p7s'), '--level', 'x', '--trust', path('ca.der'))).code).toBe(
      2,
    );
    expect((await shomei('augment', path('doc.p7s'), '--level', 'lt')).code).toBe(2);
  });
});

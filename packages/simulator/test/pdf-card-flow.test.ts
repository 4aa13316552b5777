/**
 * A PDF through the whole flow: a card issued at the counter signs a PDF through the card driver
 * (openJpkiCard over MemoryTransport) as PAdES B-T with the authority's TSA; verifyPdf with
 * revocation from the authority (CRLs and live OCSP) says valid with the holder's facts; the same
 * PDF signed a second time keeps both signatures valid; after the loss report both are invalid.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJpkiCard } from '@shomei/card';
import { clearRevocationFetchCaches, type PdfReport, signPdf, tsaTimestamp, verifyPdf } from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authority, type OperatorSession } from '../src/authority/authority.js';
import { OperatorCard } from '../src/authority/operator-card.js';
import type { AuthorityServer } from '../src/authority/server.js';
import type { VirtualJpkiCard } from '../src/card/virtual-card.js';
import { MemoryTransport } from '../src/transport/memory.js';
import { HOLDER, PINS } from './fixture.js';

/** A one-page PDF with a classic cross-reference table. */
function onePagePdf(): Uint8Array {
  const objs = [
    '<</Type /Catalog /Pages 2 0 R>>',
    '<</Type /Pages /Kids [3 0 R] /Count 1>>',
    '<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R>>',
    '<</Length 8>>\nstream\n0 0 m S\n\nendstream',
  ];
  let body = '%PDF-1.7\n';
  const offsets = objs.map((o, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = body.length;
  body += `xref\n0 5\n0000000000 65535 f\r\n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('')}`;
  body += `trailer\n<</Size 5 /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

let authority: Authority;
let server: AuthorityServer;
let session: OperatorSession;
let card: VirtualJpkiCard;
let once: Uint8Array;
let twice: Uint8Array;

async function signWithCard(pdf: Uint8Array): Promise<Uint8Array> {
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  const signer = await driver.toSigner('sign', { pin: PINS.sign });
  // await before the session is disposed at the end of this scope
  return await signPdf(pdf, signer, {
    subFilter: 'ETSI.CAdES.detached',
    timestamp: tsaTimestamp(`${server.url}/tsa`),
  });
}

const verify = (pdf: Uint8Array): Promise<PdfReport> => {
  clearRevocationFetchCaches();
  return verifyPdf(pdf, {
    trustAnchors: authority.trustAnchors,
    crls: [authority.crl('sign')],
    revocation: { mode: 'require', fetch: true },
  });
};

beforeAll(async () => {
  authority = await Authority.create({ label: 'pdf-flow' });
  server = await authority.serve({ port: 0 });
  authority.setBaseUrl(server.url);
  const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
  authority.enrolOperator(operator);
  session = authority.openSession(operator, '2468');
  ({ card } = await authority.issue(session, { holder: HOLDER, pins: PINS }));
  once = await signWithCard(onePagePdf());
  twice = await signWithCard(once);
});

afterAll(() => server?.close());

describe('a PDF signed with the simulated card, verified with revocation from the authority', () => {
  it("poppler's pdfsig calls both card signatures valid and names the holder", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'shomei-pdf-card-')), 'twice.pdf');
    writeFileSync(file, twice);
    let out: string;
    try {
      out = execFileSync('pdfsig', [file], { stdio: 'pipe' }).toString();
    } catch (e) {
      // pdfsig exits non-zero when it does not trust the issuer; its report is still on stdout.
      out = String((e as { stdout?: Buffer }).stdout ?? '');
    }
    expect([out.match(/Signature is Valid/g)?.length, out.includes('ETSI.CAdES.detached')]).toEqual([
      2,
      true,
    ]);
  });

  it('the first signature is valid, timestamped, with the holder’s name and revocation good', async () => {
    const r = await verify(once);
    const s = r.signatures[0];
    expect([
      r.verdict,
      s?.signer.jpki?.name,
      s?.chain[0]?.revocation.status,
      typeof s?.timestamp?.time,
    ]).toEqual(['valid', HOLDER.name, 'good', 'string']);
  });

  it('signed a second time, both signatures are valid and the first lists the second as an allowed change', async () => {
    const r = await verify(twice);
    expect([r.signatures.map((s) => s.verdict), r.signatures[0]?.pdf.changesAfter[0]?.allowed]).toEqual([
      ['valid', 'valid'],
      true,
    ]);
  });

  it('after the loss report both signatures are invalid with CERT_REVOKED', async () => {
    authority.revoke(session, card, 'keyCompromise');
    const r = await verifyPdf(twice, {
      trustAnchors: authority.trustAnchors,
      crls: [authority.crl('sign')],
      revocation: { mode: 'require', order: ['crl'] },
    });
    expect(r.signatures.map((s) => [s.verdict, s.code])).toEqual([
      ['invalid', 'CERT_REVOKED'],
      ['invalid', 'CERT_REVOKED'],
    ]);
  });
});

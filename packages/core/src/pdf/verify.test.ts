/**
 * verifyPdf: a PDF signed by another implementation (openssl CMS placed by this test), the JPKI facts,
 * revocation, PAdES B-T with a TSA, and what later updates are allowed at each DocMDP level.
 */
import { execFileSync } from 'node:child_process';
import { appendUpdate, buildPdf, pdfsig, samplePdf } from '@shomei/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pki, tempFile, VECTORS } from '../../test/pki.js';
import { startTestTsa, type TestTsa } from '../../test/tsa.js';
import { tsaTimestamp } from '../cms/timestamp.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { Signer } from '../signer.js';
import { signPdf } from './sign.js';
import { verifyPdf } from './verify.js';

let signer: Signer;
let tsa: TestTsa;
beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  tsa = await startTestTsa();
});
afterAll(() => tsa.close());

const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const opts = { trustAnchors: [pki.root], revocation: 'off' as const };

/**
 * A signed PDF written without shomei's writer: the signature dictionary is in the original
 * revision, /Contents before /ByteRange, and `makeCms` computes /Contents over the signed ranges.
 */
async function externallySignedPdf(
  sigDict: (contents: string) => string,
  makeCms: (ranges: Uint8Array) => Promise<Uint8Array> | Uint8Array,
): Promise<Uint8Array> {
  const hole = 8192;
  const objs = {
    1: '<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [5 0 R] /SigFlags 3>>>>',
    2: '<</Type /Pages /Kids [3 0 R] /Count 1>>',
    3: '<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [5 0 R]>>',
    4: sigDict(`/Contents <${'0'.repeat(hole * 2)}> /ByteRange [0 0000000000 0000000000 0000000000]`),
    5: '<</FT /Sig /T (External) /V 4 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R>>',
  };
  let text = latin1(buildPdf(objs));
  const b = text.indexOf('/Contents <') + 10;
  const c = b + hole * 2 + 2;
  const d = text.length - c;
  const pad = (n: number) => String(n).padStart(10, '0');
  text = text.replace('[0 0000000000 0000000000 0000000000]', `[0 ${pad(b)} ${pad(c)} ${pad(d)}]`);
  const cms = Buffer.from(await makeCms(bytes(text.slice(0, b) + text.slice(c))));
  return bytes(text.slice(0, b + 1) + cms.toString('hex').padEnd(hole * 2, '0') + text.slice(c - 1));
}

/** The CMS made by `openssl cms -sign` (CAdES, detached) over the ranges. */
function opensslSignedPdf(): Promise<Uint8Array> {
  return externallySignedPdf(
    (contents) =>
      `<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached ${contents} /M (D:20261204000000Z)>>`,
    (ranges) => {
      const args = [
        'cms',
        '-sign',
        '-binary',
        '-cades',
        '-outform',
        'DER',
        '-in',
        tempFile(ranges),
        '-md',
        'sha256',
      ];
      args.push(
        '-signer',
        `${VECTORS}signer.pem`,
        '-inkey',
        `${VECTORS}signer.key.pem`,
        '-certfile',
        `${VECTORS}intermediate.pem`,
      );
      return new Uint8Array(execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    },
  );
}

/** A document timestamp (/ETSI.RFC3161) from the test TSA (openssl ts) over the ranges. */
function timestampedPdf(): Promise<Uint8Array> {
  return externallySignedPdf(
    (contents) => `<</Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 ${contents}>>`,
    // tsaTimestamp asks for a token over the SHA-256 of the bytes it is given: here, the ranges.
    (ranges) => tsaTimestamp(tsa.url)(ranges, {}),
  );
}

describe('verifyPdf', () => {
  it('verifies a PDF signed by openssl and placed by another writer, as pdfsig does', async () => {
    const pdf = await opensslSignedPdf();
    const r = await verifyPdf(pdf, opts);
    expect([
      r.verdict,
      r.signatures[0]?.pdf.revision,
      r.signatures[0]?.pdf.coversWholeFile,
      /Signature is Valid/.test(pdfsig(pdf)),
    ]).toEqual(['valid', 0, true, true]);
  });

  it('reports the JPKI four facts of the signer', async () => {
    const r = await verifyPdf(await signPdf(samplePdf(), signer), opts);
    expect(r.signatures[0]?.signer.jpki?.name).toBe('山田 太郎');
  });

  it('is invalid when the signer certificate is revoked', async () => {
    const r = await verifyPdf(await signPdf(samplePdf(), signer), {
      trustAnchors: [pki.root],
      crls: [pki.rootCrl, pki.revokedCrl],
      revocation: 'require',
    });
    expect([r.verdict, r.signatures[0]?.chain[0]?.revocation.status]).toEqual(['invalid', 'revoked']);
  });

  it('verifies a PAdES B-T signature with its signature timestamp', async () => {
    const signed = await signPdf(samplePdf(), signer, {
      subFilter: 'ETSI.CAdES.detached',
      timestamp: tsaTimestamp(tsa.url),
    });
    const r = await verifyPdf(signed, { ...opts, trustAnchors: [pki.root] });
    expect([r.verdict, typeof r.signatures[0]?.timestamp?.time, r.signatures[0]?.signingTime]).toEqual([
      'valid',
      'string',
      undefined,
    ]);
  });

  it('verifies a document timestamp (ETSI.RFC3161): the imprint covers the ranges', async () => {
    const r = await verifyPdf(await timestampedPdf(), opts);
    const s = r.signatures[0];
    expect([r.verdict, s?.pdf.subFilter, typeof s?.signingTime]).toEqual(['valid', 'ETSI.RFC3161', 'string']);
  });

  it('a document timestamp over other bytes is TIMESTAMP_INVALID', async () => {
    const pdf = await timestampedPdf();
    const at = latin1(pdf).indexOf('/MediaBox [0 0 595 842]');
    pdf[at + 16] = '6'.charCodeAt(0);
    const r = await verifyPdf(pdf, opts);
    expect([r.signatures[0]?.verdict, r.signatures[0]?.code]).toEqual(['invalid', 'TIMESTAMP_INVALID']);
  });

  it('says an unsigned PDF is indeterminate with PDF_NOT_SIGNED', async () => {
    expect((await verifyPdf(samplePdf(), opts)).code).toBe('PDF_NOT_SIGNED');
  });
});

describe('changes after signing, by DocMDP level', () => {
  /** A document with a text field (object 9), certified at `level` or approval-signed. */
  async function withField(level?: 1 | 2 | 3) {
    const base = appendUpdate(samplePdf(), {
      1: '<</Type /Catalog /Pages 2 0 R /AcroForm 8 0 R>>',
      8: '<</Fields [9 0 R]>>',
      9: '<</FT /Tx /T (amount) /V (100) /Type /Annot /Subtype /Widget /Rect [72 600 200 620] /P 4 0 R>>',
    });
    return signPdf(base, signer, level ? { certify: { permissions: level } } : {});
  }
  const fill = (pdf: Uint8Array) =>
    appendUpdate(pdf, {
      9: '<</FT /Tx /T (amount) /V (200) /Type /Annot /Subtype /Widget /Rect [72 600 200 620] /P 4 0 R>>',
    });
  const annotate = (pdf: Uint8Array) => {
    const page = /4 0 obj\n(<<[\s\S]*?>>)\nendobj/g;
    const all = [...latin1(pdf).matchAll(page)];
    const last = all[all.length - 1]![1]!;
    return appendUpdate(pdf, {
      4: last.replace('/Annots [', '/Annots [40 0 R '),
      40: '<</Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (note)>>',
    });
  };
  const verdict = async (pdf: Uint8Array) => {
    const r = await verifyPdf(pdf, opts);
    return [r.signatures[0]?.verdict, r.signatures[0]?.code ?? null];
  };

  it('form filling after an approval signature is allowed', async () => {
    expect(await verdict(fill(await withField()))).toEqual(['valid', null]);
  });
  it('form filling after a P=2 certification is allowed', async () => {
    expect(await verdict(fill(await withField(2)))).toEqual(['valid', null]);
  });
  it('form filling after a P=1 certification is PDF_CHANGE_NOT_ALLOWED', async () => {
    expect(await verdict(fill(await withField(1)))).toEqual(['invalid', 'PDF_CHANGE_NOT_ALLOWED']);
  });
  it('an annotation after a P=2 certification is PDF_CHANGE_NOT_ALLOWED', async () => {
    expect(await verdict(annotate(await withField(2)))).toEqual(['invalid', 'PDF_CHANGE_NOT_ALLOWED']);
  });
  it('an annotation after a P=3 certification is allowed', async () => {
    expect(await verdict(annotate(await withField(3)))).toEqual(['valid', null]);
  });
  it('a second signature after a P=2 certification is allowed and listed as a signature change', async () => {
    const r = await verifyPdf(await signPdf(await withField(2), signer), opts);
    const kinds = r.signatures[0]?.pdf.changesAfter[0]?.changes.map((c) => c.kind);
    expect([r.verdict, kinds?.includes('signature')]).toEqual(['valid', true]);
  });
  it('a field appearance font changed after signing (overlay replace) is PDF_CHANGE_NOT_ALLOWED', async () => {
    const pdf = appendUpdate(await withField(), {
      9: '<</FT /Tx /T (amount) /V (100) /DA (/Cour 12 Tf) /Type /Annot /Subtype /Widget /Rect [72 600 200 620] /P 4 0 R>>',
    });
    expect(await verdict(pdf)).toEqual(['invalid', 'PDF_CHANGE_NOT_ALLOWED']);
  });
});

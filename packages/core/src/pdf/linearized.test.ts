/**
 * Linearized PDFs (ISO 32000-1 Annex F), written by `qpdf --linearize` with a cross-reference table
 * and with cross-reference streams: the first-page and main sections are read as one original
 * revision, an update's /Prev names the section the file's startxref gives (the first-page one, whose
 * own /Prev leads on to the main one), and pdfsig and qpdf --check agree with the result.
 */

import { appendUpdate, pdfsig, qpdfCheck, qpdfRewrite, samplePdf } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { Signer } from '../signer.js';
import { PdfDocument } from './document.js';
import { pageAt } from './form.js';
import { isRef } from './objects.js';
import { signPdf } from './sign.js';
import { bytesSource } from './source.js';
import { verifyPdf } from './verify.js';

let signer: Signer;
beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
});

const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const opts = { trustAnchors: [pki.root], revocation: 'off' as const };
const open = (pdf: Uint8Array) => PdfDocument.open(bytesSource(pdf));

const flavours: [string, string[]][] = [
  ['a cross-reference table', ['--linearize']],
  ['cross-reference streams', ['--linearize', '--object-streams=generate']],
];

for (const [name, flags] of flavours) {
  describe(`a linearized PDF with ${name}`, () => {
    const linearized = () => qpdfRewrite(samplePdf(3), ...flags);

    it('is one revision: the first-page section and the main section it names by /Prev', async () => {
      const pdf = linearized();
      expect(latin1(pdf.subarray(0, 200))).toMatch(/\/Linearized 1/);
      const doc = await open(pdf);
      expect([doc.revisions.length, doc.revisions[0]?.sections.length, doc.revisions[0]?.end]).toEqual([
        1,
        2,
        pdf.length,
      ]);
    });

    it('signed twice: both valid for shomei and pdfsig, qpdf --check passes, the original is a prefix', async () => {
      const pdf = linearized();
      const once = await signPdf(pdf, signer);
      const twice = await signPdf(once, signer, { subFilter: 'ETSI.CAdES.detached' });
      const r = await verifyPdf(twice, opts);
      const referee = pdfsig(twice);
      expect([
        r.verdict,
        r.revisions,
        r.signatures.map((s) => [s.verdict, s.pdf.revision]),
        referee.match(/Signature is Valid/g)?.length,
        /No syntax or stream encoding errors/.test(qpdfCheck(twice)),
        latin1(twice.subarray(0, pdf.length)) === latin1(pdf),
      ]).toEqual([
        'valid',
        3,
        [
          ['valid', 1],
          ['valid', 2],
        ],
        2,
        true,
        true,
      ]);
    });

    it("the update's /Prev is the first-page section the original's startxref names", async () => {
      const pdf = linearized();
      const original = await open(pdf);
      const firstPage = original.chain[0]!;
      const signed = await open(await signPdf(pdf, signer));
      const main = original.chain[1]!;
      expect([
        signed.chain[0]?.trailer.map.get('Prev'),
        firstPage.offset < main.offset,
        firstPage.trailer.map.get('Prev'),
        signed.chain.length,
      ]).toEqual([firstPage.offset, true, main.offset, 3]);
    });

    it('page content replaced after signing is PDF_CHANGE_NOT_ALLOWED', async () => {
      const signed = await signPdf(linearized(), signer);
      const contents = (await pageAt(await open(signed), 0)).dict.map.get('Contents');
      if (!isRef(contents)) throw new Error('the sample page has one content stream');
      const tampered = appendUpdate(signed, { [contents.num]: '<</Length 0>>\nstream\n\nendstream' });
      const r = await verifyPdf(tampered, opts);
      expect([r.verdict, r.signatures[0]?.code]).toEqual(['invalid', 'PDF_CHANGE_NOT_ALLOWED']);
    });
  });
}

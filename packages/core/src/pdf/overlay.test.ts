/**
 * Annotations added after a signature that can cover signed content (the evil-annotation and
 * sneaky-signature attacks on certified PDFs): DocMDP decides whether they are allowed (P2: signing
 * only, P3: annotations too), and the report names each one, its subtype and whether it can cover
 * page content, whatever the verdict.
 */

import { appendUpdate, samplePdf } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { Signer } from '../signer.js';
import { signPdf } from './sign.js';
import { verifyPdf } from './verify.js';

let signer: Signer;
beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
});

const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const opts = { trustAnchors: [pki.root], revocation: 'off' as const };

/** The newest definition of object `num`. */
function lastDef(pdf: Uint8Array, num: number): string {
  const all = [...latin1(pdf).matchAll(new RegExp(`(?:^|\\n)${num} 0 obj\\n(<<[\\s\\S]*?>>)\\nendobj`, 'g'))];
  return all[all.length - 1]![1]!;
}

/** Page 4 of the sample with a text field (9) in form 8, signed: certified at `level`, or approval-signed. */
async function signed(level?: 1 | 2 | 3): Promise<Uint8Array> {
  const base = appendUpdate(samplePdf(), {
    1: '<</Type /Catalog /Pages 2 0 R /AcroForm 8 0 R>>',
    4: lastDef(samplePdf(), 4).replace(/>>$/, ' /Annots [9 0 R]>>'),
    8: '<</Fields [9 0 R]>>',
    9: '<</FT /Tx /T (amount) /V (100) /Type /Annot /Subtype /Widget /Rect [72 600 200 620] /P 4 0 R>>',
  });
  return signPdf(base, signer, level ? { certify: { permissions: level } } : {});
}

/** Adds annotation 40 (body `annot`) to page 4 in a new revision. */
const annotate = (pdf: Uint8Array, annot: string) =>
  appendUpdate(pdf, { 4: lastDef(pdf, 4).replace('/Annots [', '/Annots [40 0 R '), 40: annot });

/** Adds a new field 41 (signature or text) with a widget on page 4, in the form and the page. */
const addField = (pdf: Uint8Array, field: string) =>
  appendUpdate(pdf, {
    4: lastDef(pdf, 4).replace('/Annots [', '/Annots [41 0 R '),
    8: lastDef(pdf, 8).replace('/Fields [', '/Fields [41 0 R '),
    41: field,
    42: '<</Type /XObject /Subtype /Form /BBox [0 0 200 40] /Length 38>>\nstream\nBT /F1 24 Tf 0 10 Td (Amount: 1) Tj ET\nendstream',
  });

const FREETEXT =
  '<</Type /Annot /Subtype /FreeText /Rect [72 700 400 740] /DA (/Helv 24 Tf) /Contents (Amount: 1)>>';

async function first(pdf: Uint8Array) {
  const s = (await verifyPdf(pdf, opts)).signatures[0]!;
  const changes = s.pdf.changesAfter.flatMap((r) => r.changes);
  const annotations = changes.flatMap((c) => c.annotations ?? []);
  return { s, changes, annotations };
}

describe('annotations added after a certification', () => {
  it('a FreeText over the text at P3 is allowed and reported as able to cover page content', async () => {
    const { s, annotations } = await first(annotate(await signed(3), FREETEXT));
    expect([s.verdict, s.pdf.overlays?.map((a) => [a.subtype, a.object, a.action])]).toEqual([
      'valid',
      [['FreeText', 40, 'added']],
    ]);
    expect([annotations[0]?.overlay, s.pdf.checks.find((c) => c.name === 'changes')?.detail]).toEqual([
      true,
      '1 later update(s), all allowed; 1 annotation(s) that can cover signed page content: /FreeText 40',
    ]);
  });

  it('a Square at P2 is PDF_CHANGE_NOT_ALLOWED, and the change names the annotation', async () => {
    const { s, changes } = await first(
      annotate(await signed(2), '<</Type /Annot /Subtype /Square /Rect [72 700 400 740] /IC [1 1 1]>>'),
    );
    const c = changes.find((x) => x.kind === 'annotation');
    expect([s.verdict, s.code, c?.allowed, c?.detail]).toEqual([
      'invalid',
      'PDF_CHANGE_NOT_ALLOWED',
      false,
      '1 annotation(s) added to page object 4: /Square (object 40) at [72 700 400 740], can cover page content',
    ]);
  });

  it('a sticky note (Text, no appearance) at P3 is reported but cannot cover page content', async () => {
    const { s, annotations } = await first(
      annotate(await signed(3), '<</Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (ok)>>'),
    );
    expect([s.verdict, s.pdf.overlays, annotations.map((a) => [a.subtype, a.overlay])]).toEqual([
      'valid',
      undefined,
      [['Text', false]],
    ]);
  });

  it('a hidden FreeText (/F 2) cannot cover page content', async () => {
    const { annotations } = await first(annotate(await signed(3), FREETEXT.replace('>>', ' /F 2>>')));
    expect(annotations.map((a) => [a.subtype, a.overlay])).toEqual([['FreeText', false]]);
  });

  it('an annotation modified at P3 to cover the page is reported with action modified', async () => {
    const once = annotate(
      await signed(),
      '<</Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (ok)>>',
    );
    const signedAgainBefore = await signPdf(once, signer);
    const pdf = appendUpdate(signedAgainBefore, {
      40: '<</Type /Annot /Subtype /Text /Rect [0 0 612 792] /Contents (ok) /AP <</N 60 0 R>>>>',
      60: '<</Type /XObject /Subtype /Form /BBox [0 0 612 792] /Length 21>>\nstream\n1 g 0 0 612 792 re f\nendstream',
    });
    const r = await verifyPdf(pdf, opts);
    const last = r.signatures[1]!;
    expect([last.verdict, last.pdf.overlays?.map((a) => [a.subtype, a.action, a.overlay])]).toEqual([
      'valid',
      [['Text', 'modified', true]],
    ]);
  });
});

describe('the sneaky signature: a signature field whose appearance imitates page content', () => {
  it('after a P2 certification it is allowed (signing) but reported as able to cover page content', async () => {
    const pdf = addField(
      await signed(2),
      '<</FT /Sig /T (sneaky) /Type /Annot /Subtype /Widget /Rect [72 700 272 740] /AP <</N 42 0 R>> /P 4 0 R>>',
    );
    const { s } = await first(pdf);
    expect([s.verdict, s.pdf.overlays?.map((a) => [a.subtype, a.object])]).toEqual([
      'valid',
      [['Widget', 41]],
    ]);
  });

  it('an invisible signature field (zero rectangle) added after P2 is not an overlay', async () => {
    const pdf = addField(
      await signed(2),
      '<</FT /Sig /T (plain) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 4 0 R>>',
    );
    const { s } = await first(pdf);
    expect([s.verdict, s.pdf.overlays]).toEqual(['valid', undefined]);
  });
});

describe('new form fields after signing', () => {
  const textField =
    '<</FT /Tx /T (extra) /V (1) /Type /Annot /Subtype /Widget /Rect [72 700 272 740] /AP <</N 42 0 R>> /P 4 0 R>>';
  it('a new text field after a P2 certification is PDF_CHANGE_NOT_ALLOWED (P2 allows filling, not adding)', async () => {
    const { s } = await first(addField(await signed(2), textField));
    expect([s.verdict, s.code]).toEqual(['invalid', 'PDF_CHANGE_NOT_ALLOWED']);
  });
  it('a new text field after a P3 certification is allowed and reported as an overlay', async () => {
    const { s } = await first(addField(await signed(3), textField));
    expect([s.verdict, s.pdf.overlays?.map((a) => a.subtype)]).toEqual(['valid', ['Widget']]);
  });
});

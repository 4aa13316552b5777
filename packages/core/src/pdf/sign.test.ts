/**
 * signPdf against the outside referees: poppler's pdfsig must call shomei's signatures valid with the
 * right signer (first, second, PAdES, certification), qpdf --check must pass on every file written,
 * and the original bytes must stay a byte-for-byte prefix.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pdfsig, qpdfCheck, qpdfRewrite, samplePdf } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { pki, tempFile } from '../../test/pki.js';
import { hasErrorCode } from '../errors.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { Signer } from '../signer.js';
import { signPdf } from './sign.js';
import { verifyPdf } from './verify.js';

let signer: Signer;
beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
});

const valid = (out: string) => out.match(/Signature Validation: Signature is Valid\./g)?.length ?? 0;
const isPrefix = (a: Uint8Array, b: Uint8Array) => b.length > a.length && a.every((x, i) => x === b[i]);

describe('signPdf, judged by pdfsig and qpdf', () => {
  it('writes a signature pdfsig calls valid, naming the signer', async () => {
    const out = pdfsig(await signPdf(samplePdf(), signer));
    expect([valid(out), /Common Name: Yamada Taro/.test(out), /adbe\.pkcs7\.detached/.test(out)]).toEqual([
      1,
      true,
      true,
    ]);
  });

  it('keeps the original bytes as a prefix and passes qpdf --check', async () => {
    const original = samplePdf(3);
    const signed = await signPdf(original, signer);
    expect([
      isPrefix(original, signed),
      /No syntax or stream encoding errors/.test(qpdfCheck(signed)),
    ]).toEqual([true, true]);
  });

  it('signs a second time with both signatures valid for pdfsig', async () => {
    const once = await signPdf(samplePdf(), signer);
    const twice = await signPdf(once, signer, { subFilter: 'ETSI.CAdES.detached' });
    const out = pdfsig(twice);
    expect([isPrefix(once, twice), valid(out), /ETSI\.CAdES\.detached/.test(out)]).toEqual([true, 2, true]);
  });

  it('signs a file with cross-reference and object streams, qpdf and pdfsig agreeing', async () => {
    const compact = qpdfRewrite(samplePdf(2), '--object-streams=generate');
    const signed = await signPdf(await signPdf(compact, signer), signer);
    expect([valid(pdfsig(signed)), /No syntax or stream encoding errors/.test(qpdfCheck(signed))]).toEqual([
      2,
      true,
    ]);
  });

  it('writes a certification signature pdfsig reads as valid, with its DocMDP level in the report', async () => {
    const signed = await signPdf(samplePdf(), signer, { certify: { permissions: 2 } });
    const report = await verifyPdf(signed, { trustAnchors: [pki.root], revocation: 'off' });
    expect([
      valid(pdfsig(signed)),
      report.signatures[0]?.pdf.certification,
      /No syntax or stream encoding errors/.test(qpdfCheck(signed)),
    ]).toEqual([1, 2, true]);
  });

  it('refuses to certify an already signed document', async () => {
    const once = await signPdf(samplePdf(), signer);
    await expect(signPdf(once, signer, { certify: { permissions: 2 } })).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'PDF_CERTIFICATION_CONFLICT'),
    );
  });

  it('refuses to sign a document certified with no changes allowed (P=1)', async () => {
    const locked = await signPdf(samplePdf(), signer, { certify: { permissions: 1 } });
    await expect(signPdf(locked, signer)).rejects.toSatisfy((e) => hasErrorCode(e, 'PDF_CHANGE_NOT_ALLOWED'));
  });

  it('reports a CMS larger than the reserved space with PDF_SIGNATURE_TOO_LARGE', async () => {
    await expect(signPdf(samplePdf(), signer, { contentsSize: 512 })).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'PDF_SIGNATURE_TOO_LARGE'),
    );
  });

  it('makes pdfsig report a file changed after signing as not valid', async () => {
    const signed = await signPdf(samplePdf(), signer);
    const tampered = signed.slice();
    const at = new TextDecoder('latin1').decode(signed).indexOf('Contract page 1');
    tampered[at] = 'K'.charCodeAt(0);
    expect(valid(pdfsig(tampered))).toBe(0);
  });
});

/** Debian's fonts-ipafont-gothic (installed by .ci/run). */
const IPA_GOTHIC = '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf';

describe('visible signatures with an embedded IPA Gothic subset', () => {
  let visible: Uint8Array;
  beforeAll(async () => {
    const font = new Uint8Array(readFileSync(IPA_GOTHIC));
    visible = await signPdf(samplePdf(), signer, { visible: { rect: [350, 700, 570, 760], font } });
  });

  it('is valid for pdfsig and passes qpdf --check', () => {
    expect([valid(pdfsig(visible)), /No syntax or stream encoding errors/.test(qpdfCheck(visible))]).toEqual([
      1,
      true,
    ]);
  });

  it("shows the signer's Japanese name, which pdftotext extracts", () => {
    const text = execFileSync('pdftotext', [tempFile(visible, '.pdf'), '-'], { stdio: 'pipe' }).toString();
    expect(text).toContain('山田 太郎');
  });

  it('embeds only a subset of the 6 MB font (the whole signed file stays under 40 KB)', () => {
    expect(visible.length).toBeLessThan(40 * 1024);
  });

  it('refuses text the font has no glyph for with PDF_FONT_INVALID', async () => {
    const font = new Uint8Array(readFileSync(IPA_GOTHIC));
    await expect(
      signPdf(samplePdf(), signer, { visible: { rect: [0, 0, 100, 50], font, lines: ['\u{1F600}'] } }),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'PDF_FONT_INVALID'));
  });
});

describe('signPdf input checks', () => {
  it('refuses a page the document does not have with INPUT_INVALID', async () => {
    await expect(signPdf(samplePdf(2), signer, { page: 3 })).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });

  it('refuses a field name the form already has with INPUT_INVALID', async () => {
    const once = await signPdf(samplePdf(), signer, { fieldName: 'Approval' });
    await expect(signPdf(once, signer, { fieldName: 'Approval' })).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });

  it("signs on the requested page: the widget is in that page's /Annots", async () => {
    const signed = await signPdf(samplePdf(3), signer, { page: 2 });
    const report = await verifyPdf(signed, { trustAnchors: [pki.root], revocation: 'off' });
    // samplePdf pages are objects 4, 6, 8: page 2 (object 6) is the one rewritten with /Annots.
    const text = new TextDecoder('latin1').decode(signed.subarray(samplePdf(3).length));
    expect([report.verdict, /\n6 0 obj\n<<[^\n]*\/Annots \[/.test(text)]).toEqual(['valid', true]);
  });
});

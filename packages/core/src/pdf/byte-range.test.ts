/**
 * /ByteRange with more than two ranges (ISO 32000-1 §12.8.1 allows any number of pairs): verified when
 * the ranges ascend, do not overlap and cover the whole revision but exactly the /Contents value;
 * every other shape keeps its code. The CMS is always made by openssl over exactly the listed ranges,
 * so only the /ByteRange rules can refuse a file.
 */
import { execFileSync } from 'node:child_process';
import { buildPdf, pdfsig } from '@shomei/simulator/testing';
import { describe, expect, it } from 'vitest';
import { pki, tempFile, VECTORS } from '../../test/pki.js';
import { verifyPdf } from './verify.js';

const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const opts = { trustAnchors: [pki.root], revocation: 'off' as const };
const WIDTH = 1200;

/**
 * A one-revision signed PDF whose /ByteRange is `layout(b, c, end)`: b and c bound the /Contents value
 * (its `<` and just past its `>`), end is the file size.
 */
function signedWith(layout: (b: number, c: number, end: number) => number[]): Uint8Array {
  const hole = 8192;
  const text0 = latin1(
    buildPdf({
      1: '<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [5 0 R] /SigFlags 3>>>>',
      2: '<</Type /Pages /Kids [3 0 R] /Count 1>>',
      3: '<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [5 0 R]>>',
      4: `<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [${' '.repeat(WIDTH)}] /Contents <${'0'.repeat(hole * 2)}> /M (D:20261204000000Z)>>`,
      5: '<</FT /Sig /T (Split) /V 4 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R>>',
    }),
  );
  const b = text0.indexOf('/Contents <') + 10;
  const c = b + hole * 2 + 2;
  const numbers = layout(b, c, text0.length);
  const at = text0.indexOf('/ByteRange [') + 12;
  const text = text0.slice(0, at) + numbers.join(' ').padEnd(WIDTH, ' ') + text0.slice(at + WIDTH);
  let signed = '';
  for (let i = 0; i + 1 < numbers.length; i += 2)
    signed += text.slice(numbers[i], numbers[i]! + numbers[i + 1]!);
  const cms = execFileSync(
    'openssl',
    ['cms', '-sign', '-binary', '-cades', '-outform', 'DER', '-md', 'sha256', '-in', tempFile(bytes(signed))]
      .concat(['-signer', `${VECTORS}signer.pem`, '-inkey', `${VECTORS}signer.key.pem`])
      .concat(['-certfile', `${VECTORS}intermediate.pem`]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return bytes(text.slice(0, b + 1) + cms.toString('hex').padEnd(hole * 2, '0') + text.slice(c - 1));
}

const result = async (pdf: Uint8Array) => {
  const s = (await verifyPdf(pdf, opts)).signatures[0];
  return [s?.verdict, s?.code ?? null];
};

describe('/ByteRange with more than two ranges', () => {
  it('three ranges (the bytes before /Contents split in two) verify, as pdfsig agrees', async () => {
    const pdf = signedWith((b, c, end) => [0, 100, 100, b - 100, c, end - c]);
    expect([...(await result(pdf)), /Signature is Valid/.test(pdfsig(pdf))]).toEqual(['valid', null, true]);
  });

  it('four adjacent ranges around the hole verify and report every range', async () => {
    const pdf = signedWith((b, c, end) => [0, 50, 50, b - 50, c, 10, c + 10, end - c - 10]);
    const s = (await verifyPdf(pdf, opts)).signatures[0];
    expect([s?.verdict, s?.pdf.byteRange.length, s?.pdf.coversWholeFile]).toEqual(['valid', 8, true]);
  });

  it('a second gap that skips signed-looking bytes is PDF_BYTE_RANGE_HOLE', async () => {
    const pdf = signedWith((b, c, end) => [0, 95, 100, b - 100, c, end - c]);
    expect(await result(pdf)).toEqual(['invalid', 'PDF_BYTE_RANGE_HOLE']);
  });

  it('ranges out of order are PDF_BYTE_RANGE_INVALID', async () => {
    const pdf = signedWith((b, c, end) => [0, 100, c, end - c, 100, b - 100]);
    expect(await result(pdf)).toEqual(['invalid', 'PDF_BYTE_RANGE_INVALID']);
  });

  it('overlapping ranges are PDF_BYTE_RANGE_INVALID', async () => {
    const pdf = signedWith((b, c, end) => [0, 120, 100, b - 100, c, end - c]);
    expect(await result(pdf)).toEqual(['invalid', 'PDF_BYTE_RANGE_INVALID']);
  });

  it('an empty range is PDF_BYTE_RANGE_INVALID', async () => {
    const pdf = signedWith((b, c, end) => [0, 100, 100, 0, 100, b - 100, c, end - c]);
    expect(await result(pdf)).toEqual(['invalid', 'PDF_BYTE_RANGE_INVALID']);
  });

  it('ranges that stop before the end of the revision are PDF_REVISION_MISMATCH', async () => {
    const pdf = signedWith((b, c, end) => [0, 100, 100, b - 100, c, end - c - 20]);
    expect(await result(pdf)).toEqual(['invalid', 'PDF_REVISION_MISMATCH']);
  });

  it('more than 64 ranges are PDF_BYTE_RANGE_INVALID', async () => {
    const pdf = signedWith((b, c, end) => [
      ...Array.from({ length: 70 }, (_, i) => [i, 1]).flat(),
      70,
      b - 70,
      c,
      end - c,
    ]);
    expect(await result(pdf)).toEqual(['invalid', 'PDF_BYTE_RANGE_INVALID']);
  });
});

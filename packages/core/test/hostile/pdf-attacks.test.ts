/**
 * The PDF signature attack corpus, built here from a signed sample: universal signature forgery
 * (missing or odd /ByteRange and /Contents), incremental saving attacks (with and without a new
 * cross-reference section), signature wrapping, shadow attacks (hide, replace, hide-and-replace via
 * objects prepared before signing), a second signature left unchecked, a malformed /Contents, and
 * hostile structure (loops, huge lengths, deep nesting). Each must give its exact code, never a hang.
 */
import { deflateSync } from 'node:zlib';
import { appendUpdate, buildPdf, concatBytes, samplePdf } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { isShomeiError } from '../../src/errors.js';
import { signPdf } from '../../src/pdf/sign.js';
import { type PdfReport, verifyPdf } from '../../src/pdf/verify.js';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import type { Signer } from '../../src/signer.js';
import { pki } from '../pki.js';

let signer: Signer;
/** samplePdf(2) signed once: objects 1 catalog, 2 pages, 3 font, 4/6 pages, 5/7 contents, 8 sig, 9 field, 10 form. */
let signed: Uint8Array;
/** A document prepared for shadow attacks: an unused overlay content (20) and font (21) exist before signing. */
let shadow: Uint8Array;

const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const verify = (pdf: Uint8Array): Promise<PdfReport> =>
  verifyPdf(pdf, { trustAnchors: [pki.root], revocation: 'off' });
const first = async (pdf: Uint8Array) => {
  const r = await verify(pdf);
  return { verdict: r.signatures[0]?.verdict, code: r.signatures[0]?.code };
};
/** The error code `verifyPdf` throws, or 'none'. */
const thrown = async (pdf: Uint8Array) => {
  try {
    await verify(pdf);
    return 'none';
  } catch (e) {
    return isShomeiError(e) ? e.code : `untyped ${String(e)}`;
  }
};
const sigDict = () => /8 0 obj\n(<<\/Type \/Sig[\s\S]*?>>)\nendobj/.exec(latin1(signed))![1]!;
const content = (text: string) => `<</Length ${text.length}>>\nstream\n${text}\nendstream`;

beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  signed = await signPdf(samplePdf(2), signer);
  const base = latin1(samplePdf(1));
  const prepared = appendUpdate(bytes(base), {
    20: content('BT /F2 24 Tf 72 700 Td (Pay 1,000,000 yen) Tj ET'),
    21: '<</Type /Font /Subtype /Type1 /BaseFont /Courier>>',
  });
  shadow = await signPdf(prepared, signer);
});

describe('the signed sample itself', () => {
  it('is valid', async () => {
    expect(await first(signed)).toEqual({ verdict: 'valid', code: undefined });
  });
});

describe('universal signature forgery: the signature dictionary redefined after signing', () => {
  const redefine = (dict: string) => appendUpdate(signed, { 8: dict });
  const br = () =>
    /\/ByteRange \[([^\]]*)\]/.exec(sigDict())![1]!.trim().split(/\s+/).map(Number) as [
      number,
      number,
      number,
      number,
    ];
  const cases: [string, () => string, string][] = [
    ['no /ByteRange', () => sigDict().replace(/\/ByteRange \[[^\]]*\]/, ''), 'PDF_BYTE_RANGE_INVALID'],
    [
      '/ByteRange null',
      () => sigDict().replace(/\/ByteRange \[[^\]]*\]/, '/ByteRange null'),
      'PDF_BYTE_RANGE_INVALID',
    ],
    [
      '/ByteRange [0 0 0 0]',
      () => sigDict().replace(/\/ByteRange \[[^\]]*\]/, '/ByteRange [0 0 0 0]'),
      'PDF_BYTE_RANGE_INVALID',
    ],
    [
      'a short /ByteRange',
      () => sigDict().replace(/\/ByteRange \[[^\]]*\]/, `/ByteRange [0 ${br()[1]} ${br()[2]}]`),
      'PDF_BYTE_RANGE_INVALID',
    ],
    [
      'overlapping ranges',
      () =>
        sigDict().replace(/\/ByteRange \[[^\]]*\]/, `/ByteRange [0 ${br()[1]} ${br()[1] - 10} ${br()[3]}]`),
      'PDF_BYTE_RANGE_INVALID',
    ],
    [
      'a range past the end of the file',
      () =>
        sigDict().replace(
          /\/ByteRange \[[^\]]*\]/,
          `/ByteRange [0 ${br()[1]} ${br()[2]} ${br()[3] + 100000}]`,
        ),
      'PDF_BYTE_RANGE_INVALID',
    ],
    [
      'a range not starting at 0',
      () => sigDict().replace(/\/ByteRange \[0 /, '/ByteRange [1 '),
      'PDF_BYTE_RANGE_INVALID',
    ],
    ['no /Contents', () => sigDict().replace(/\/Contents <[0-9a-f]*>/, ''), 'PDF_CONTENTS_MALFORMED'],
    [
      '/Contents as a literal string',
      () => sigDict().replace(/\/Contents <[0-9a-f]*>/, '/Contents (abc)'),
      'PDF_CONTENTS_MALFORMED',
    ],
    ['the signed dictionary copied into a new revision', () => sigDict(), 'PDF_BYTE_RANGE_HOLE'],
  ];
  for (const [name, dict, code] of cases) {
    it(`${name} is ${code}`, async () => {
      expect(await first(redefine(dict()))).toEqual({ verdict: 'invalid', code });
    });
  }
  it('an unsupported /SubFilter is indeterminate with PDF_SUBFILTER_UNSUPPORTED', async () => {
    const d = sigDict().replace('/adbe.pkcs7.detached', '/adbe.x509.rsa_sha1');
    expect(await first(redefine(d))).toEqual({ verdict: 'indeterminate', code: 'PDF_SUBFILTER_UNSUPPORTED' });
  });
});

describe('signature dictionary and revision', () => {
  it('a /ByteRange stretched over a later revision is PDF_REVISION_MISMATCH', async () => {
    const later = appendUpdate(signed, { 3: '<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>' });
    const extra = later.length - signed.length;
    const t = latin1(later);
    const m = /\/ByteRange \[([^\]]*)\]/.exec(t)!;
    const [a, b, c, d] = m[1]!.trim().split(/\s+/).map(Number) as number[];
    const stretched = `${a} ${b} ${c} ${d! + extra}`.padEnd(m[1]!.length, ' ');
    const out = bytes(t.slice(0, m.index + 12) + stretched + t.slice(m.index + 12 + m[1]!.length));
    expect(await first(out)).toEqual({ verdict: 'invalid', code: 'PDF_REVISION_MISMATCH' });
  });
  it('a field whose /V is not a dictionary is PDF_SIG_DICT_INVALID', async () => {
    const field = /9 0 obj\n(<<[\s\S]*?>>)\nendobj/
      .exec(latin1(signed))![1]!
      .replace('/V 8 0 R', '/V 30 0 R');
    expect(await first(appendUpdate(signed, { 9: field, 30: '42' }))).toEqual({
      verdict: 'invalid',
      code: 'PDF_SIG_DICT_INVALID',
    });
  });
  it('a signature dictionary moved into an object stream is PDF_SIG_IN_OBJECT_STREAM', async () => {
    // An update with an object stream (40) holding object 8, indexed by a cross-reference stream (41).
    const t = latin1(signed);
    const prev = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(t)![1];
    const body = sigDict();
    const header = '8 0 ';
    const objstm = `40 0 obj\n<</Type /ObjStm /N 1 /First ${header.length} /Length ${header.length + body.length}>>\nstream\n${header}${body}\nendstream\nendobj\n`;
    const at = signed.length;
    const xrefAt = at + objstm.length;
    const row = (type: number, a: number, b: number) => [
      type,
      (a >>> 24) & 255,
      (a >>> 16) & 255,
      (a >>> 8) & 255,
      a & 255,
      b >> 8,
      b & 255,
    ];
    const data = [...row(2, 40, 0), ...row(1, at, 0), ...row(1, xrefAt, 0)];
    const xref = `41 0 obj\n<</Type /XRef /Size 42 /Root 1 0 R /Prev ${prev} /W [1 4 2] /Index [8 1 40 2] /Length ${data.length}>>\nstream\n`;
    const tail = concatBytes(
      bytes(objstm + xref),
      Uint8Array.from(data),
      bytes(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`),
    );
    expect(await first(concatBytes(signed, tail))).toEqual({
      verdict: 'invalid',
      code: 'PDF_SIG_IN_OBJECT_STREAM',
    });
  });
});

describe('malformed /Contents in place (the hole of the signed file)', () => {
  const hole = () => {
    const t = latin1(signed);
    const at = t.indexOf('/Contents <') + 10;
    return { at, end: t.indexOf('>', at) };
  };
  it('garbage hex that is not DER is PDF_CONTENTS_MALFORMED', async () => {
    const b = signed.slice();
    b.set(bytes('ffffffff'), hole().at + 1);
    expect(await first(b)).toEqual({ verdict: 'invalid', code: 'PDF_CONTENTS_MALFORMED' });
  });
  it('data hidden in the zero padding after the CMS is PDF_CONTENTS_MALFORMED', async () => {
    const b = signed.slice();
    b.set(bytes('41'), hole().end - 2);
    expect(await first(b)).toEqual({ verdict: 'invalid', code: 'PDF_CONTENTS_MALFORMED' });
  });
  it('a non-hex character in /Contents is a typed PDF_MALFORMED, not a crash', async () => {
    const b = signed.slice();
    b.set(bytes('zz'), hole().at + 9);
    expect(await first(b)).toEqual({ verdict: 'invalid', code: 'PDF_MALFORMED' });
  });
  it('a flipped bit inside the CMS signature value is CMS_SIGNATURE_INVALID', async () => {
    const b = signed.slice();
    const { at } = hole();
    // The RSA signature value sits before the zero padding; flip a hex digit in its middle.
    const t = latin1(signed);
    const padStart = t.indexOf('0000000000000000', at);
    b[padStart - 200] = b[padStart - 200] === 0x61 ? 0x62 : 0x61;
    expect((await first(b)).code).toBe('CMS_SIGNATURE_INVALID');
  });
});

describe('incremental saving attacks', () => {
  it('page content replaced in an update with a new xref is PDF_CHANGE_NOT_ALLOWED', async () => {
    const r = await verify(appendUpdate(signed, { 5: content('BT /F1 24 Tf 72 720 Td (Forged) Tj ET') }));
    const change = r.signatures[0]?.pdf.changesAfter[0]?.changes[0];
    expect([r.signatures[0]?.verdict, r.signatures[0]?.code, change?.kind]).toEqual([
      'invalid',
      'PDF_CHANGE_NOT_ALLOWED',
      'content',
    ]);
  });
  it('objects appended without any cross-reference section are PDF_UNSIGNED_DATA', async () => {
    const tail = bytes(`5 0 obj\n${content('BT (Forged) Tj ET')}\nendobj\n`);
    expect(await first(concatBytes(signed, tail))).toEqual({ verdict: 'invalid', code: 'PDF_UNSIGNED_DATA' });
  });
  it('objects appended with a copied startxref pointing at the signed xref are PDF_UNSIGNED_DATA', async () => {
    const last = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(latin1(signed))![1];
    const tail = bytes(`5 0 obj\n${content('BT (Forged) Tj ET')}\nendobj\nstartxref\n${last}\n%%EOF\n`);
    expect(await first(concatBytes(signed, tail))).toEqual({ verdict: 'invalid', code: 'PDF_UNSIGNED_DATA' });
  });
  it('a page redefined (MediaBox) is PDF_CHANGE_NOT_ALLOWED of kind page', async () => {
    const page = '<</Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 7 0 R>>';
    const r = await verify(appendUpdate(signed, { 6: page }));
    expect([r.signatures[0]?.code, r.signatures[0]?.pdf.changesAfter[0]?.changes[0]?.kind]).toEqual([
      'PDF_CHANGE_NOT_ALLOWED',
      'page',
    ]);
  });
  it('a font replaced is PDF_CHANGE_NOT_ALLOWED of kind font', async () => {
    const r = await verify(appendUpdate(signed, { 3: '<</Type /Font /Subtype /Type1 /BaseFont /Courier>>' }));
    expect([r.signatures[0]?.code, r.signatures[0]?.pdf.changesAfter[0]?.changes[0]?.kind]).toEqual([
      'PDF_CHANGE_NOT_ALLOWED',
      'font',
    ]);
  });
  it('an object deleted is PDF_CHANGE_NOT_ALLOWED of kind deleted', async () => {
    const r = await verify(appendUpdate(signed, {}, { free: [7] }));
    expect([r.signatures[0]?.code, r.signatures[0]?.pdf.changesAfter[0]?.changes[0]?.kind]).toEqual([
      'PDF_CHANGE_NOT_ALLOWED',
      'deleted',
    ]);
  });
  it('the signature dictionary re-defined (same bytes, later revision) is caught before hashing', async () => {
    expect((await first(appendUpdate(signed, { 8: sigDict() }))).code).toBe('PDF_BYTE_RANGE_HOLE');
  });
  it('an unchanged rewrite of an object is allowed and the signature stays valid', async () => {
    const r = await verify(
      appendUpdate(signed, { 3: '<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>' }),
    );
    expect([r.signatures[0]?.verdict, r.signatures[0]?.pdf.changesAfter[0]?.changes[0]?.kind]).toEqual([
      'valid',
      'unchanged',
    ]);
  });
});

describe('signature wrapping', () => {
  it('signed bytes moved behind new content, the /ByteRange re-pointed and a new xref appended, is PDF_BYTE_RANGE_HOLE', async () => {
    const t = latin1(signed);
    const [, b, c, d] = /\/ByteRange \[([^\]]*)\]/.exec(t)![1]!.trim().split(/\s+/).map(Number) as number[];
    // The rest of the signature dictionary after the hole is repeated first, so the dictionary still parses.
    const dictRest = t.slice(c!, t.indexOf('endobj', c!) + 7);
    const evil = `${dictRest}\n5 0 obj\n${content('BT (Forged) Tj ET')}\nendobj\n`;
    const moved = t.slice(c!, c! + d!);
    const oldXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(t)![1]);
    // New layout: P1 <hole> evil P2 xref', the second range re-pointed at the moved P2, and a new
    // section whose /Prev is the moved signed section and which re-defines object 5 as the evil one.
    const br = `0 ${b} ${c! + evil.length} ${d}`;
    const p1 = t
      .slice(0, b!)
      .replace(/\/ByteRange \[[^\]]*\]/, (m) => `/ByteRange [${br.padEnd(m.length - 13, ' ')}]`);
    const head = p1 + t.slice(b!, c!) + evil + moved;
    const evilAt = c! + dictRest.length + 1;
    const xrefAt = head.length;
    // Objects of the signed update that sat after the hole moved too: the new section re-points them.
    const rows = new Map<number, number>([[5, evilAt]]);
    const table = t.slice(oldXref, t.indexOf('trailer', oldXref));
    let num = 0;
    for (const line of table.split(/\r?\n/).slice(1)) {
      const head = /^(\d+) \d+$/.exec(line);
      if (head) num = Number(head[1]);
      else if (/^\d{10} \d{5} n/.test(line)) {
        const off = Number(line.slice(0, 10));
        if (off >= c!) rows.set(num, off + evil.length);
        num++;
      }
    }
    const entries = [...rows]
      .sort((x, y) => x[0] - y[0])
      .map(([n, o]) => `${n} 1\n${String(o).padStart(10, '0')} 00000 n\r\n`);
    const tail = `xref\n${entries.join('')}trailer\n<</Size 11 /Root 1 0 R /Prev ${oldXref + evil.length}>>\nstartxref\n${xrefAt}\n%%EOF\n`;
    expect(await first(bytes(head + tail))).toEqual({ verdict: 'invalid', code: 'PDF_BYTE_RANGE_HOLE' });
  });
});

describe('shadow attacks (objects prepared before signing, switched after)', () => {
  it('hide: an update dropping an overlay from the page contents is PDF_CHANGE_NOT_ALLOWED', async () => {
    const page =
      '<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources <</Font <</F1 3 0 R /F2 21 0 R>>>> /Contents [5 0 R 20 0 R] /Annots [23 0 R]>>';
    const r = await verify(appendUpdate(shadow, { 4: page }));
    expect([r.signatures[0]?.code, r.signatures[0]?.pdf.changesAfter[0]?.changes[0]?.kind]).toEqual([
      'PDF_CHANGE_NOT_ALLOWED',
      'page',
    ]);
  });
  it('replace: the page font switched to the prepared one is PDF_CHANGE_NOT_ALLOWED', async () => {
    const r = await verify(appendUpdate(shadow, { 3: '<</Type /Font /Subtype /Type1 /BaseFont /Courier>>' }));
    expect(r.signatures[0]?.code).toBe('PDF_CHANGE_NOT_ALLOWED');
  });
  it('hide-and-replace: the content object re-pointed at the prepared one is PDF_CHANGE_NOT_ALLOWED', async () => {
    const r = await verify(
      appendUpdate(shadow, { 5: content('BT /F2 24 Tf 72 700 Td (Pay 1,000,000 yen) Tj ET') }),
    );
    expect([r.signatures[0]?.code, r.signatures[0]?.pdf.changesAfter[0]?.changes[0]?.kind]).toEqual([
      'PDF_CHANGE_NOT_ALLOWED',
      'content',
    ]);
  });
  it('a new catalog swapped into the trailer leaves no signed field: PDF_NOT_SIGNED', async () => {
    const t = latin1(appendUpdate(shadow, { 30: '<</Type /Catalog /Pages 2 0 R>>' }, { size: 31 }));
    const swapped = bytes(
      t.replace(
        /\/Root \d+ 0 R \/Prev (\d+)>>\nstartxref\n(\d+)\n%%EOF\n$/,
        '/Root 30 0 R /Prev $1>>\nstartxref\n$2\n%%EOF\n',
      ),
    );
    const r = await verify(swapped).catch(() => undefined);
    // The new catalog has no signature field, so the signature disappears from the final document.
    expect(r?.code).toBe('PDF_NOT_SIGNED');
  });
});

describe('a second signature left unchecked', () => {
  it('a tampered second signature makes the document invalid while the first stays valid', async () => {
    const twice = await signPdf(signed, signer);
    const t = latin1(twice);
    const second = t.lastIndexOf('/M (D:');
    const b = twice.slice();
    b[second + 7] = b[second + 7] === 0x31 ? 0x32 : 0x31;
    const r = await verify(b);
    expect([r.verdict, r.signatures.map((s) => s.verdict), r.signatures[1]?.code]).toEqual([
      'invalid',
      ['valid', 'invalid'],
      'CMS_DIGEST_MISMATCH',
    ]);
  });
});

describe('hostile structure: typed errors, never a hang', () => {
  it('a /Prev loop is PDF_XREF_MALFORMED', async () => {
    const t = latin1(samplePdf());
    const xref = /startxref\s+(\d+)/.exec(t)![1];
    expect(await thrown(bytes(t.replace('/Root 1 0 R>>', `/Root 1 0 R /Prev ${xref}>>`)))).toBe(
      'PDF_XREF_MALFORMED',
    );
  });
  it('startxref past the end is PDF_XREF_MALFORMED', async () => {
    expect(await thrown(bytes(latin1(samplePdf()).replace(/startxref\n\d+/, 'startxref\n99999999')))).toBe(
      'PDF_XREF_MALFORMED',
    );
  });
  it('a subsection claiming a billion entries is PDF_XREF_MALFORMED', async () => {
    expect(await thrown(bytes(latin1(samplePdf()).replace(/xref\n0 (\d+)/, 'xref\n0 999999999')))).toBe(
      'PDF_XREF_MALFORMED',
    );
  });
  it('a huge stream /Length is PDF_MALFORMED', async () => {
    const v = await verify(appendUpdate(signed, { 5: '<</Length 999999999999>>\nstream\nBT ET\nendstream' }));
    expect([v.signatures[0]?.verdict, v.signatures[0]?.code]).toEqual(['invalid', 'PDF_MALFORMED']);
  });
  it('arrays nested 10,000 deep are PDF_LIMIT_EXCEEDED', async () => {
    const deep = buildPdf({
      1: `<</Type /Catalog /Pages 2 0 R /X ${'['.repeat(10000)}${']'.repeat(10000)}>>`,
      2: '<</Type /Pages /Kids [] /Count 0>>',
    });
    expect(await thrown(deep)).toBe('PDF_LIMIT_EXCEEDED');
  });
  it('a cross-reference stream that inflates past its /Index rows is PDF_LIMIT_EXCEEDED', async () => {
    const bomb = deflateSync(new Uint8Array(8 * 1024 * 1024));
    const head = '%PDF-1.7\n';
    const obj = `1 0 obj\n<</Type /XRef /Size 2 /W [1 4 2] /Filter /FlateDecode /Length ${bomb.length}>>\nstream\n`;
    const pdf = concatBytes(
      bytes(head + obj),
      bomb,
      bytes(`\nendstream\nendobj\nstartxref\n${head.length}\n%%EOF\n`),
    );
    expect(await thrown(pdf)).toBe('PDF_LIMIT_EXCEEDED');
  });
  it('an object stream that holds itself is PDF_XREF_MALFORMED', async () => {
    const head = '%PDF-1.7\n';
    const objstm = `1 0 obj\n<</Type /ObjStm /N 1 /First 4 /Length 10>>\nstream\n1 0 <<>>  \nendstream\nendobj\n`;
    const xrefAt = head.length + objstm.length;
    const row = (t: number, a: number, b: number) => [
      t,
      (a >> 24) & 255,
      (a >> 16) & 255,
      (a >> 8) & 255,
      a & 255,
      b >> 8,
      b & 255,
    ];
    const data = Uint8Array.from([...row(0, 0, 65535), ...row(2, 1, 0), ...row(1, xrefAt, 0)]);
    const x = `2 0 obj\n<</Type /XRef /Size 3 /Root 1 0 R /W [1 4 2] /Length ${data.length}>>\nstream\n`;
    const pdf = concatBytes(
      bytes(head + objstm + x),
      data,
      bytes(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`),
    );
    expect(await thrown(pdf)).toBe('PDF_XREF_MALFORMED');
  });
  it('a file that is not a PDF is PDF_MALFORMED', async () => {
    expect(await thrown(bytes('hello, this is not a pdf'))).toBe('PDF_MALFORMED');
  });
});

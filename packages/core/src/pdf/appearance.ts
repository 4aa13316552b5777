/**
 * Visible signature appearances (ISO 32000-1 §12.7.4.5, §12.5.5): a form XObject with a frame and
 * lines of text — by default the signer's name (the JPKI name when the certificate carries one) and
 * the signing time — set in an embedded subset of the caller's TrueType font as a Type0/CIDFontType2
 * font with Identity-H encoding and a ToUnicode map, so viewers need no font of their own and text
 * extraction gives the name back.
 */
import { coreError } from '../errors.js';
import { parseJpkiIdentity } from '../jpki/identity.js';
import type { Signer } from '../signer.js';
import { parseCertificate } from '../x509/certificate.js';
import { deflate } from './filters.js';
import type { UpdateObject } from './incremental.js';
import { type PdfValue, pdfDict, pdfName, pdfRef, pdfString } from './objects.js';
import { latin1, objectBytes } from './serialize.js';
import { TrueTypeFont } from './truetype.js';

export interface VisibleSignature {
  /** [x1, y1, x2, y2] in default user space units (1/72 inch) on the page. */
  rect: [number, number, number, number];
  /** Lines of text; default the signer's name and the signing time (UTC). */
  lines?: string[];
  /** TrueType font bytes with glyphs for the text (e.g. IPA Gothic); only the glyphs used are embedded. */
  font: Uint8Array;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0').toUpperCase();

/** The signer's display name: the JPKI name, else the subject's CN, else the whole subject. */
export function signerDisplayName(certificate: Uint8Array): string {
  const cert = parseCertificate(certificate);
  try {
    const id = parseJpkiIdentity(cert);
    if (id?.name) return id.name;
  } catch {
    // A malformed JPKI extension falls back to the subject name.
  }
  return /CN=([^,]+)/.exec(cert.subject.text)?.[1] ?? cert.subject.text;
}

function tag(glyphs: readonly number[]): string {
  // §9.6.4: a subset font's name starts with six upper-case letters and '+', derived from its glyphs.
  let h = 2166136261;
  for (const g of glyphs) h = Math.imul(h ^ g, 16777619) >>> 0;
  let s = '';
  for (let i = 0; i < 6; i++) {
    s += String.fromCharCode(65 + (h % 26));
    h = Math.floor(h / 26) + i * 7919;
  }
  return s;
}

async function flateStream(
  num: number,
  dict: Record<string, PdfValue>,
  data: Uint8Array,
): Promise<UpdateObject> {
  return {
    num,
    bytes: objectBytes(num, pdfDict({ ...dict, Filter: pdfName('FlateDecode') }), await deflate(data)),
  };
}

export async function visibleAppearance(
  v: VisibleSignature,
  signer: Signer,
  alloc: () => number,
  signingTime: Date = new Date(),
): Promise<{ objects: UpdateObject[]; rect: number[]; appearance: number }> {
  const [x1, y1, x2, y2] = v.rect;
  const w = Math.abs(x2 - x1);
  const h = Math.abs(y2 - y1);
  if (!(w > 0 && h > 0) || v.rect.some((n) => !Number.isFinite(n))) {
    throw coreError(
      'INPUT_INVALID',
      'visible.rect must be [x1, y1, x2, y2] with a non-zero width and height.',
    );
  }
  const font = new TrueTypeFont(v.font);
  const when = signingTime.toISOString().slice(0, 16).replace('T', ' ');
  const lines = v.lines ?? [signerDisplayName(signer.certificate), `${when} UTC`];
  const chars = lines.map((l) => [...l]);
  const glyphs: number[] = [];
  for (const line of chars) {
    for (const ch of line) {
      const g = font.glyphOf(ch.codePointAt(0)!);
      if (g === 0 && ch !== ' ') throw coreError('PDF_FONT_INVALID', `The font has no glyph for "${ch}".`);
      glyphs.push(g);
    }
  }
  const sub = font.subset(glyphs);
  const unitsPerEm = font.unitsPerEm;
  const scale = 1000 / unitsPerEm;

  // Layout: lines stacked from the top, each at most the box width, with a 4-point margin.
  const margin = 4;
  const widthOf = (line: string[]) =>
    line.reduce((n, ch) => n + font.advance(font.glyphOf(ch.codePointAt(0)!)), 0) / unitsPerEm;
  const widest = Math.max(...chars.map(widthOf), 0.001);
  const size = Math.max(4, Math.min((h - 2 * margin) / (lines.length * 1.25), (w - 2 * margin) / widest));
  let content = `q 0.2 0.2 0.6 RG 1 w 0.5 0.5 ${(w - 1).toFixed(2)} ${(h - 1).toFixed(2)} re S Q\nBT /F1 ${size.toFixed(2)} Tf 0 g\n`;
  let y = h - margin - size;
  for (const line of chars) {
    const codes = line.map((ch) => hex4(sub.newId.get(font.glyphOf(ch.codePointAt(0)!))!)).join('');
    content += `1 0 0 1 ${margin} ${y.toFixed(2)} Tm <${codes}> Tj\n`;
    y -= size * 1.25;
  }
  content += 'ET\n';

  const [fontFile, descriptor, cidFont, type0, toUnicode, appearance] = [
    alloc(),
    alloc(),
    alloc(),
    alloc(),
    alloc(),
    alloc(),
  ];
  const name = `${tag(glyphs)}+${font.postscriptName}`;
  const objects: UpdateObject[] = [];
  objects.push(await flateStream(fontFile, { Length1: sub.bytes.length }, sub.bytes));
  const [bx1, by1, bx2, by2] = font.bbox.map((n) => Math.round(n * scale)) as [
    number,
    number,
    number,
    number,
  ];
  objects.push({
    num: descriptor,
    bytes: objectBytes(
      descriptor,
      pdfDict({
        Type: pdfName('FontDescriptor'),
        FontName: pdfName(name),
        Flags: 4,
        FontBBox: [bx1, by1, bx2, by2],
        ItalicAngle: 0,
        Ascent: Math.round(font.ascent * scale),
        Descent: Math.round(font.descent * scale),
        CapHeight: Math.round(font.ascent * scale),
        StemV: 80,
        FontFile2: pdfRef(fontFile),
      }),
    ),
  });
  objects.push({
    num: cidFont,
    bytes: objectBytes(
      cidFont,
      pdfDict({
        Type: pdfName('Font'),
        Subtype: pdfName('CIDFontType2'),
        BaseFont: pdfName(name),
        CIDSystemInfo: pdfDict({
          Registry: pdfString(latin1('Adobe')),
          Ordering: pdfString(latin1('Identity')),
          Supplement: 0,
        }),
        FontDescriptor: pdfRef(descriptor),
        W: [0, sub.widths.map((x) => Math.round(x * scale))],
        CIDToGIDMap: pdfName('Identity'),
      }),
    ),
  });
  // ToUnicode (§9.10.3): each CID back to its character, so the name can be searched and copied.
  const pairs = new Map<number, string>();
  for (const line of chars)
    for (const ch of line) pairs.set(sub.newId.get(font.glyphOf(ch.codePointAt(0)!))!, ch);
  const bf = [...pairs].map(([cid, ch]) => `<${hex4(cid)}> <${utf16Hex(ch)}>`).join('\n');
  const cmap =
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n' +
    '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n' +
    `${pairs.size} beginbfchar\n${bf}\nendbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n`;
  objects.push(await flateStream(toUnicode, {}, latin1(cmap)));
  objects.push({
    num: type0,
    bytes: objectBytes(
      type0,
      pdfDict({
        Type: pdfName('Font'),
        Subtype: pdfName('Type0'),
        BaseFont: pdfName(name),
        Encoding: pdfName('Identity-H'),
        DescendantFonts: [pdfRef(cidFont)],
        ToUnicode: pdfRef(toUnicode),
      }),
    ),
  });
  objects.push(
    await flateStream(
      appearance,
      {
        Type: pdfName('XObject'),
        Subtype: pdfName('Form'),
        BBox: [0, 0, w, h],
        Resources: pdfDict({ Font: pdfDict({ F1: pdfRef(type0) }) }),
      },
      latin1(content),
    ),
  );
  return {
    objects,
    rect: [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)],
    appearance,
  };
}

function utf16Hex(ch: string): string {
  let s = '';
  for (let i = 0; i < ch.length; i++) s += hex4(ch.charCodeAt(i));
  return s;
}

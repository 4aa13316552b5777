/**
 * The application a citizen signs in the browser, in the three forms the portal accepts: the text of
 * the request (CMS), a one-page PDF (PAdES) and an e-Gov application folder (XAdES in kousei.xml,
 * ../shared/spec/egov-xml.md). The server builds the document from the form's fields, so what the
 * card signs is what the server stores — never bytes the page made up.
 */
import { zipSync } from 'fflate';

export type CardFormat = 'cms' | 'pdf' | 'egov';
export const CARD_FORMATS: readonly CardFormat[] = ['cms', 'pdf', 'egov'];

export const PURPOSES = {
  employment: '就職・勤務先への提出',
  school: '学校への提出',
  vehicle: '自動車の登録',
  other: 'その他',
} as const;
export type Purpose = keyof typeof PURPOSES;

export interface ApplicationFields {
  /** Number of copies, 1–10. */
  readonly copies: number;
  readonly purpose: Purpose;
  /** Free text for the clerk, at most 200 characters, no control characters. */
  readonly note: string;
}

/** The form's fields, or a sentence saying which one is wrong. */
export function readFields(body: Record<string, unknown>): ApplicationFields | string {
  const copies = body.copies;
  if (typeof copies !== 'number' || !Number.isInteger(copies) || copies < 1 || copies > 10)
    return 'copies must be a whole number from 1 to 10.';
  if (typeof body.purpose !== 'string' || !Object.hasOwn(PURPOSES, body.purpose))
    return `purpose must be one of ${Object.keys(PURPOSES).join(', ')}.`;
  const note = body.note ?? '';
  // Control and bidi-override characters could hide text from the clerk who reads the note.
  if (typeof note !== 'string' || note.length > 200 || /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(note))
    return 'note must be at most 200 characters without control characters.';
  return { copies, purpose: body.purpose as Purpose, note };
}

const enc = (s: string) => new TextEncoder().encode(s);
const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The request as text (signed as an attached CMS). */
export function applicationText(f: ApplicationFields, date: Date): string {
  return [
    '住民票の写しの交付請求書',
    `請求日: ${date.toISOString().slice(0, 10)}`,
    `通数: ${f.copies}通`,
    `使用目的: ${PURPOSES[f.purpose]}`,
    `備考: ${f.note}`,
    '',
  ].join('\n');
}

/** PDF text string (§7.3.4.2): UTF-16BE with BOM, as hex. */
const pdfText = (s: string): string => {
  let hex = 'FEFF';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (cp > 0xffff) {
      const v = cp - 0x10000;
      hex += (0xd800 + (v >> 10)).toString(16).padStart(4, '0');
      hex += (0xdc00 + (v & 0x3ff)).toString(16).padStart(4, '0');
    } else hex += cp.toString(16).padStart(4, '0');
  }
  return `<${hex.toUpperCase()}>`;
};

/**
 * The request as a one-page PDF. The page says in ASCII (Helvetica has no Japanese glyphs) what is
 * requested; the full Japanese text is the document's /Subject, which viewers show in its properties.
 */
export function applicationPdf(f: ApplicationFields, date: Date): Uint8Array {
  return onePagePdf(
    [
      'Mihon City - Request for a copy of the residence certificate',
      `Date: ${date.toISOString().slice(0, 10)}`,
      `Copies: ${f.copies}`,
      `Purpose: ${f.purpose}`,
    ],
    { Title: '住民票の写しの交付請求書', Subject: applicationText(f, date) },
  );
}

/**
 * A one-page PDF with a classic cross-reference table (ISO 32000-1 §7.5): `lines` of printable ASCII
 * in Helvetica, and an optional document information dictionary (§14.3.3) of text strings.
 */
export function onePagePdf(lines: readonly string[], info?: Readonly<Record<string, string>>): Uint8Array {
  const literal = (l: string) => `(${l.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`)})`;
  const content = `BT /F1 14 Tf 72 760 Td 18 TL ${lines.map((l) => `${literal(l)} '`).join(' ')} ET`;
  const objects = [
    '<</Type /Catalog /Pages 2 0 R>>',
    '<</Type /Pages /Kids [3 0 R] /Count 1>>',
    '<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>>',
    `<</Length ${content.length}>>\nstream\n${content}\nendstream`,
    '<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding>>',
  ];
  if (info) {
    objects.push(
      `<<${Object.entries(info)
        .map(([k, v]) => ` /${k} ${pdfText(v)}`)
        .join('')} >>`,
    );
  }
  let body = '%PDF-1.7\n';
  const offsets = objects.map((o, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n`;
  for (const at of offsets) body += `${String(at).padStart(10, '0')} 00000 n\r\n`;
  const infoRef = info ? ` /Info ${objects.length} 0 R` : '';
  body += `trailer\n<</Size ${objects.length + 1} /Root 1 0 R${infoRef}>>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

export const EGOV_FORM_FILE = '900A01020000100001_01.xml';

/** An e-Gov application folder: kousei.xml (構成情報 listing the form, empty 署名情報) and the form. */
export function applicationEgov(f: ApplicationFields, date: Date): Map<string, Uint8Array> {
  const kousei = `<?xml version="1.0" encoding="UTF-8"?>
<DataRoot><様式ID>900A010200001000</様式ID><様式バージョン>0001</様式バージョン>
<構成情報 ID="構成情報"><管理情報><手続ID>900A010200001000</手続ID><手続名称>住民票の写しの交付請求</手続名称></管理情報>
<申請書属性情報><申請書ファイル名称>${EGOV_FORM_FILE}</申請書ファイル名称></申請書属性情報></構成情報>
<署名情報></署名情報></DataRoot>
`;
  const form = `<?xml version="1.0" encoding="UTF-8"?>
<申請書><請求日>${date.toISOString().slice(0, 10)}</請求日><通数>${f.copies}</通数><使用目的>${xmlText(PURPOSES[f.purpose])}</使用目的><備考>${xmlText(f.note)}</備考></申請書>
`;
  return new Map([
    ['kousei.xml', enc(kousei)],
    [EGOV_FORM_FILE, enc(form)],
  ]);
}

/** The folder as the zip the portal's upload path takes (one top folder, as "send to zip" makes). */
export function egovZip(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries([...files].map(([name, data]) => [`申請書/${name}`, data])));
}

/**
 * The PDF object model (ISO 32000-1 §7.3): the eight basic types plus indirect references and
 * streams. Strings and streams remember where they sit in the file, because a signature's /Contents
 * hole and a stream's data are located by byte offset.
 */

export interface PdfName {
  readonly type: 'name';
  readonly name: string;
}

export interface PdfString {
  readonly type: 'string';
  readonly bytes: Uint8Array;
  readonly hex: boolean;
  /** Absolute file offsets of the first delimiter and just past the last one (-1 when built in memory). */
  readonly start: number;
  readonly end: number;
}

export interface PdfRef {
  readonly type: 'ref';
  readonly num: number;
  readonly gen: number;
}

export interface PdfDict {
  readonly type: 'dict';
  readonly map: ReadonlyMap<string, PdfValue>;
}

export interface PdfStream {
  readonly type: 'stream';
  readonly dict: PdfDict;
  /** Absolute offset of the first data byte. */
  readonly dataOffset: number;
  /** Data length (the resolved /Length). */
  readonly length: number;
}

export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfValue[];
export type PdfObject = PdfValue | PdfStream;

export const pdfName = (name: string): PdfName => ({ type: 'name', name });
export const pdfRef = (num: number, gen = 0): PdfRef => ({ type: 'ref', num, gen });
export const pdfDict = (entries: Record<string, PdfValue> | Iterable<[string, PdfValue]>): PdfDict => ({
  type: 'dict',
  map: new Map(Symbol.iterator in entries ? entries : Object.entries(entries)),
});
export const pdfString = (bytes: Uint8Array, hex = false): PdfString => ({
  type: 'string',
  bytes,
  hex,
  start: -1,
  end: -1,
});
/** A text string (§7.9.2.2): ASCII as is, anything else as UTF-16BE with a byte order mark. */
export function pdfText(text: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(text)) return pdfString(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < text.length; i++) {
    out[2 + 2 * i] = text.charCodeAt(i) >> 8;
    out[3 + 2 * i] = text.charCodeAt(i) & 0xff;
  }
  return pdfString(out);
}

/** Decodes a text string (UTF-16BE with BOM, else PDFDocEncoding read as Latin-1). */
export function textOf(v: PdfObject | undefined): string | undefined {
  if (!isPdfString(v)) return undefined;
  const b = v.bytes;
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return new TextDecoder().decode(b.subarray(3));
  return String.fromCharCode(...b.subarray(0, 4096));
}

export const isDict = (v: PdfObject | undefined): v is PdfDict =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.type === 'dict';
export const isStream = (v: PdfObject | undefined): v is PdfStream =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.type === 'stream';
export const isRef = (v: PdfObject | undefined): v is PdfRef =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.type === 'ref';
export const isName = (v: PdfObject | undefined, name?: string): v is PdfName =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  v.type === 'name' &&
  (name === undefined || v.name === name);
export const isPdfString = (v: PdfObject | undefined): v is PdfString =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.type === 'string';

/** The dictionary of a dict or a stream. */
export const dictOf = (v: PdfObject | undefined): PdfDict | undefined =>
  isDict(v) ? v : isStream(v) ? v.dict : undefined;

/** A name value's text, or undefined. */
export const nameOf = (v: PdfObject | undefined): string | undefined => (isName(v) ? v.name : undefined);

/** Structural equality (positions of strings are ignored; streams compare by dictionary and place). */
export function pdfEqual(a: PdfObject | undefined, b: PdfObject | undefined, depth = 0): boolean {
  if (depth > 64) return false;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => pdfEqual(x, b[i], depth + 1));
  }
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'name':
      return a.name === (b as PdfName).name;
    case 'ref':
      return a.num === (b as PdfRef).num && a.gen === (b as PdfRef).gen;
    case 'string': {
      const x = a.bytes;
      const y = (b as PdfString).bytes;
      return x.length === y.length && x.every((v, i) => v === y[i]);
    }
    case 'dict': {
      const m = (b as PdfDict).map;
      if (a.map.size !== m.size) return false;
      for (const [k, v] of a.map) if (!m.has(k) || !pdfEqual(v, m.get(k), depth + 1)) return false;
      return true;
    }
    case 'stream': {
      const s = b as PdfStream;
      return s.dataOffset === a.dataOffset && s.length === a.length && pdfEqual(a.dict, s.dict, depth + 1);
    }
  }
}

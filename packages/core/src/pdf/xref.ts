/**
 * Cross-reference sections (ISO 32000-1 §7.5.4 tables, §7.5.8 streams) and their trailers, read
 * from `startxref` back through /Prev. Every loop is bounded: sections are visited once, entry
 * counts are checked against the bytes that could hold them, totals are capped.
 */
import { coreError } from '../errors.js';
import { decodeStream } from './filters.js';
import { type Lexer, NeedMore, parseObjectHeader } from './lexer.js';
import { isDict, isName, isStream, type PdfDict, type PdfStream, type PdfValue } from './objects.js';

export type XrefEntry =
  | { readonly kind: 'free' }
  | { readonly kind: 'used'; readonly offset: number; readonly gen: number }
  | { readonly kind: 'compressed'; readonly stream: number; readonly index: number };

export interface XrefSection {
  /** Offset of `xref` or of the cross-reference stream object. */
  readonly offset: number;
  readonly kind: 'table' | 'stream';
  readonly entries: ReadonlyMap<number, XrefEntry>;
  readonly trailer: PdfDict;
  /** Object number of the cross-reference stream (kind 'stream'). */
  readonly streamObject?: number;
  /** Offset just past the `%%EOF` that closes this section. */
  readonly eofEnd: number;
  /** eofEnd plus the end-of-line after `%%EOF`, if any: where the revision ends. */
  readonly end: number;
}

export const LIMITS = {
  /** Largest window parsed for one object or table. */
  window: 64 * 1024 * 1024,
  /** Cross-reference sections followed through /Prev. */
  sections: 4096,
  /** Entries over all sections. */
  entries: 4_000_000,
  /** Decoded size of a cross-reference or object stream. */
  decoded: 64 * 1024 * 1024,
};

export interface WindowReader {
  readonly size: number;
  /** A lexer over [offset, offset + length) (clipped to the file). */
  window(offset: number, length: number): Promise<Lexer>;
  /** Parses an indirect object at `offset` (streams resolved, /Length checked). */
  objectAt(offset: number): Promise<{ num: number; gen: number; value: PdfValue | PdfStream; end: number }>;
  streamBytes(s: PdfStream): Promise<Uint8Array>;
}

/** Runs `parse` over growing windows until the object fits (or the cap is hit). */
export async function withWindow<T>(
  r: WindowReader,
  offset: number,
  parse: (lx: Lexer) => T,
  start = 4096,
): Promise<T> {
  for (let size = start; ; size *= 4) {
    const lx = await r.window(offset, size);
    try {
      return parse(lx);
    } catch (e) {
      if (!(e instanceof NeedMore)) throw e;
      if (size >= LIMITS.window) {
        throw coreError(
          'PDF_LIMIT_EXCEEDED',
          `An object at offset ${offset} is larger than ${LIMITS.window} bytes.`,
        );
      }
    }
  }
}

const xrefError = (detail: string, offset: number) =>
  coreError('PDF_XREF_MALFORMED', `${detail} (offset ${offset}).`, { details: { offset } });

/** The offset named by the last `startxref` in the file's final 2 KiB. */
export async function lastStartxref(r: WindowReader): Promise<number> {
  const tail = Math.max(0, r.size - 2048);
  const lx = await r.window(tail, r.size - tail);
  const text = new TextDecoder('latin1').decode(lx.buf);
  const at = text.lastIndexOf('startxref');
  if (at < 0)
    throw coreError('PDF_MALFORMED', 'No startxref in the last 2 KiB: this is not a complete PDF file.');
  const m = /^startxref\s+(\d{1,15})\s+%%EOF/.exec(text.slice(at));
  if (!m) throw coreError('PDF_MALFORMED', 'The final startxref is not followed by an offset and %%EOF.');
  return Number(m[1]);
}

/** After a section: `startxref <n> %%EOF` and an optional end-of-line. */
function readEof(lx: Lexer, sectionOffset: number): { eofEnd: number; end: number } {
  const w = lx.word();
  if (w !== 'startxref')
    throw xrefError('A cross-reference section is not followed by startxref', sectionOffset);
  lx.integer('the startxref offset');
  // Plain white-space only: skipWs would take %%EOF for a comment.
  const b = lx.buf;
  let p = lx.pos;
  while (
    p < b.length &&
    (b[p] === 32 || b[p] === 10 || b[p] === 13 || b[p] === 9 || b[p] === 12 || b[p] === 0)
  )
    p++;
  if (p + 5 > b.length) {
    if (!lx.atEof) throw new NeedMore();
    throw xrefError('The file ends before %%EOF', sectionOffset);
  }
  if (String.fromCharCode(...b.subarray(p, p + 5)) !== '%%EOF') {
    throw xrefError('startxref is not followed by %%EOF', sectionOffset);
  }
  const eofEnd = lx.base + p + 5;
  let q = p + 5;
  if (q >= b.length && !lx.atEof) throw new NeedMore();
  if (b[q] === 13) q++;
  if (q >= b.length && !lx.atEof) throw new NeedMore();
  if (b[q] === 10) q++;
  return { eofEnd, end: lx.base + q };
}

function parseTable(lx: Lexer, offset: number, budget: { entries: number }): XrefSection {
  lx.expectWord('xref');
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    const w = lx.peekWord();
    if (w === 'trailer') break;
    const first = lx.integer('a subsection start');
    const count = lx.integer('a subsection count');
    // Each entry takes 20 bytes (§7.5.4): a count the file cannot hold is malformed, not a reason to loop.
    if (count * 18 > lx.buf.length - lx.pos + (lx.atEof ? 0 : LIMITS.window)) {
      throw xrefError(`A subsection claims ${count} entries, more than the file can hold`, offset);
    }
    budget.entries -= count;
    if (budget.entries < 0)
      throw coreError('PDF_LIMIT_EXCEEDED', 'The cross-reference sections list too many objects.');
    for (let i = 0; i < count; i++) {
      const o = lx.word();
      const g = lx.word();
      const t = lx.word();
      if (!/^\d{10}$/.test(o) || !/^\d{5}$/.test(g) || (t !== 'n' && t !== 'f')) {
        throw xrefError(`Cross-reference entry ${first + i} is not "nnnnnnnnnn ggggg n|f"`, offset);
      }
      if (!entries.has(first + i)) {
        entries.set(
          first + i,
          t === 'n' ? { kind: 'used', offset: Number(o), gen: Number(g) } : { kind: 'free' },
        );
      }
    }
  }
  lx.expectWord('trailer');
  const trailer = lx.value();
  if (!isDict(trailer)) throw xrefError('The trailer is not a dictionary', offset);
  return { offset, kind: 'table', entries, trailer, ...readEof(lx, offset) };
}

const intOf = (v: PdfValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;

/** §7.5.8.3: rows of /W-sized big-endian fields, per /Index subsections. */
async function parseStreamSection(
  r: WindowReader,
  offset: number,
  budget: { entries: number },
): Promise<Omit<XrefSection, 'eofEnd' | 'end'> & { objEnd: number }> {
  const obj = await r.objectAt(offset);
  if (!isStream(obj.value) || !isName(obj.value.dict.map.get('Type'), 'XRef')) {
    throw xrefError('startxref points to neither "xref" nor a cross-reference stream', offset);
  }
  const d = obj.value.dict.map;
  const w = d.get('W');
  const widths = Array.isArray(w) ? w.map(intOf) : [];
  if (widths.length !== 3 || widths.some((x) => x === undefined || x > 8)) {
    throw xrefError('The cross-reference stream has no valid /W', offset);
  }
  const [w0, w1, w2] = widths as [number, number, number];
  const size = intOf(d.get('Size'));
  if (size === undefined) throw xrefError('The cross-reference stream has no /Size', offset);
  const idx = d.get('Index');
  const index = Array.isArray(idx) ? idx.map(intOf) : [0, size];
  if (index.length % 2 !== 0 || index.some((x) => x === undefined)) {
    throw xrefError('The cross-reference stream has a malformed /Index', offset);
  }
  const row = w0 + w1 + w2;
  if (row === 0) throw xrefError('The cross-reference stream /W sums to zero', offset);
  const raw = await r.streamBytes(obj.value);
  // The rows /Index and /W describe bound the decoded size (plus one predictor byte per row).
  let rows = 0;
  for (let s = 1; s < index.length; s += 2) rows += index[s]!;
  if (rows > LIMITS.entries)
    throw coreError('PDF_LIMIT_EXCEEDED', 'The cross-reference sections list too many objects.');
  const data = await decodeStream(
    obj.value.dict,
    raw,
    Math.min(LIMITS.decoded, rows * (row + 1)),
    'A cross-reference stream',
  );
  const entries = new Map<number, XrefEntry>();
  let p = 0;
  const field = (width: number, dflt: number): number => {
    if (width === 0) return dflt;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[p++]!;
    return v;
  };
  for (let s = 0; s < index.length; s += 2) {
    const first = index[s]!;
    const count = index[s + 1]!;
    if (p + count * row > data.length)
      throw xrefError('The cross-reference stream is shorter than its /Index says', offset);
    budget.entries -= count;
    if (budget.entries < 0)
      throw coreError('PDF_LIMIT_EXCEEDED', 'The cross-reference sections list too many objects.');
    for (let i = 0; i < count; i++) {
      const type = field(w0, 1);
      const a = field(w1, 0);
      const b = field(w2, 0);
      if (entries.has(first + i)) continue;
      if (type === 0) entries.set(first + i, { kind: 'free' });
      else if (type === 1) entries.set(first + i, { kind: 'used', offset: a, gen: b });
      else if (type === 2) entries.set(first + i, { kind: 'compressed', stream: a, index: b });
      // §7.5.8.3: other types are to be ignored (treated as null objects).
    }
  }
  return { offset, kind: 'stream', entries, trailer: obj.value.dict, streamObject: obj.num, objEnd: obj.end };
}

/**
 * ISO 32000-1 Annex F.2: a linearized file starts with the linearization parameter dictionary as its
 * first object, and the first-page cross-reference section follows it directly. Returns that
 * section's offset, or undefined when the file is not linearized. Only this one position is treated
 * as a first-page section, so a section placed anywhere else (in a signature's /Contents hole, say)
 * is never merged into the original revision.
 */
export async function linearizedFirstPage(r: WindowReader): Promise<number | undefined> {
  // The parameter dictionary is a few hundred bytes (Annex F.2.2): one 4 KiB window, never grown.
  const lx = await r.window(0, 4096);
  try {
    lx.skipWs();
    const { value } = parseObjectHeader(lx);
    lx.expectWord('endobj');
    if (!isDict(value) || typeof value.map.get('Linearized') !== 'number') return undefined;
    lx.skipWs();
    return lx.offset;
  } catch {
    // The first object is not a small, complete dictionary: not a linearization parameter dictionary.
    return undefined;
  }
}

/** Every section reachable from the final startxref, newest first (chain order). */
export async function readSections(r: WindowReader): Promise<XrefSection[]> {
  const out: XrefSection[] = [];
  const seen = new Set<number>();
  const budget = { entries: LIMITS.entries };
  const firstPage = await linearizedFirstPage(r);
  let next: number | undefined = await lastStartxref(r);
  while (next !== undefined) {
    if (seen.has(next)) throw xrefError('The /Prev chain of cross-reference sections loops', next);
    if (seen.size >= LIMITS.sections)
      throw coreError('PDF_LIMIT_EXCEEDED', `More than ${LIMITS.sections} cross-reference sections.`);
    if (next >= r.size) throw xrefError('A cross-reference offset points past the end of the file', next);
    seen.add(next);
    const at: number = next;
    const first = await withWindow(r, at, (lx) => lx.peekWord(), 64);
    let section: XrefSection;
    if (first === 'xref') {
      section = await withWindow(r, at, (lx) => parseTable(lx, at, budget), 64 * 1024);
      // §7.5.8.4 hybrid files: a table trailer's /XRefStm adds the stream's entries at lower precedence.
      const stm = intOf(section.trailer.map.get('XRefStm'));
      if (stm !== undefined && !seen.has(stm)) {
        seen.add(stm);
        const hidden = await parseStreamSection(r, stm, budget);
        const merged = new Map(section.entries);
        for (const [n, e] of hidden.entries) if (!merged.has(n)) merged.set(n, e);
        section = { ...section, entries: merged };
      }
    } else {
      const s = await parseStreamSection(r, at, budget);
      const { objEnd: _, ...rest } = s;
      // Annex F: a first-page cross-reference stream need not be followed by startxref and %%EOF.
      const eof =
        at === firstPage
          ? await withWindow(r, s.objEnd, (lx) => readEof(lx, at), 256).catch(() => ({ eofEnd: -1, end: -1 }))
          : await withWindow(r, s.objEnd, (lx) => readEof(lx, at), 256);
      section = { ...rest, ...eof };
    }
    out.push(section);
    const prev = section.trailer.map.get('Prev');
    next = prev === undefined ? undefined : intOf(prev);
    if (prev !== undefined && next === undefined) throw xrefError('/Prev is not an offset', at);
  }
  return firstPage === undefined ? out : joinFirstPage(out, firstPage);
}

/**
 * Annex F.2.3, F.2.10: the first-page section's /Prev names the main cross-reference section at the end
 * of the file, and the two together index the original document. The first-page section takes the
 * main section's end, so both form revision 0 (a reader unaware of linearization would take the
 * first-page section for an update).
 */
function joinFirstPage(chain: XrefSection[], firstPage: number): XrefSection[] {
  return chain.map((s) => {
    if (s.offset !== firstPage) return s;
    const main = chain.find((m) => m.offset === intOf(s.trailer.map.get('Prev')));
    if (main && main.offset > s.offset) return { ...s, eofEnd: main.eofEnd, end: main.end };
    if (s.end < 0) throw xrefError('A cross-reference section is not followed by startxref', s.offset);
    return s;
  });
}

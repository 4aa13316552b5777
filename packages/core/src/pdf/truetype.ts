/**
 * A TrueType subsetter for visible signatures (OpenType spec: cmap, head, hhea, maxp, hmtx, loca,
 * glyf). The subset keeps glyph 0 (.notdef), the glyphs of the text and the components of composite
 * glyphs, renumbered from 1 in order of use, so the PDF can address them as CIDs with an identity
 * CID-to-glyph map (ISO 32000-1 §9.7.4.2). Only the tables a PDF viewer needs are written.
 */
import { coreError } from '../errors.js';

interface Table {
  offset: number;
  length: number;
}

export interface ParsedFont {
  readonly unitsPerEm: number;
  readonly ascent: number;
  readonly descent: number;
  readonly bbox: readonly [number, number, number, number];
  /** PostScript name (name ID 6) or a fallback. */
  readonly postscriptName: string;
  glyphOf(codePoint: number): number;
  advance(glyph: number): number;
}

const fail = (detail: string) =>
  coreError('PDF_FONT_INVALID', `The font is not a usable TrueType font: ${detail}.`);

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(o: number): number {
    if (o + 2 > this.bytes.length) throw fail('a table runs past the end of the file');
    return this.view.getUint16(o);
  }
  i16(o: number): number {
    if (o + 2 > this.bytes.length) throw fail('a table runs past the end of the file');
    return this.view.getInt16(o);
  }
  u32(o: number): number {
    if (o + 4 > this.bytes.length) throw fail('a table runs past the end of the file');
    return this.view.getUint32(o);
  }
}

export class TrueTypeFont implements ParsedFont {
  private readonly r: Reader;
  private readonly tables = new Map<string, Table>();
  readonly unitsPerEm: number;
  readonly ascent: number;
  readonly descent: number;
  readonly bbox: readonly [number, number, number, number];
  readonly postscriptName: string;
  private readonly numGlyphs: number;
  private readonly numHMetrics: number;
  private readonly longLoca: boolean;
  private readonly cmap: (cp: number) => number;

  constructor(bytes: Uint8Array) {
    this.r = new Reader(bytes);
    const version = this.r.u32(0);
    if (version !== 0x00010000 && version !== 0x74727565)
      throw fail('it is not TrueType outlines (sfnt 1.0)');
    const n = this.r.u16(4);
    for (let i = 0; i < n; i++) {
      const rec = 12 + 16 * i;
      const tag = String.fromCharCode(...bytes.subarray(rec, rec + 4));
      const offset = this.r.u32(rec + 8);
      const length = this.r.u32(rec + 12);
      if (offset + length > bytes.length) throw fail(`table ${tag} runs past the end of the file`);
      this.tables.set(tag, { offset, length });
    }
    const head = this.table('head');
    this.unitsPerEm = this.r.u16(head.offset + 18);
    this.bbox = [
      this.r.i16(head.offset + 36),
      this.r.i16(head.offset + 38),
      this.r.i16(head.offset + 40),
      this.r.i16(head.offset + 42),
    ];
    this.longLoca = this.r.i16(head.offset + 50) === 1;
    const hhea = this.table('hhea');
    this.ascent = this.r.i16(hhea.offset + 4);
    this.descent = this.r.i16(hhea.offset + 6);
    this.numHMetrics = this.r.u16(hhea.offset + 34);
    this.numGlyphs = this.r.u16(this.table('maxp').offset + 4);
    this.table('loca');
    this.table('glyf');
    this.table('hmtx');
    this.cmap = this.readCmap();
    this.postscriptName = this.readName() ?? 'Embedded';
  }

  private table(tag: string): Table {
    const t = this.tables.get(tag);
    if (!t) throw fail(`the ${tag} table is missing`);
    return t;
  }

  private readCmap(): (cp: number) => number {
    const cmap = this.table('cmap');
    const n = this.r.u16(cmap.offset + 2);
    let f4: number | undefined;
    let f12: number | undefined;
    for (let i = 0; i < n; i++) {
      const rec = cmap.offset + 4 + 8 * i;
      const platform = this.r.u16(rec);
      const encoding = this.r.u16(rec + 2);
      const sub = cmap.offset + this.r.u32(rec + 4);
      const format = this.r.u16(sub);
      if (platform === 3 && encoding === 10 && format === 12) f12 = sub;
      if (platform === 3 && encoding === 1 && format === 4) f4 = sub;
    }
    if (f12 !== undefined) {
      const at = f12;
      const groups = this.r.u32(at + 12);
      return (cp) => {
        for (let g = 0; g < groups; g++) {
          const o = at + 16 + 12 * g;
          const start = this.r.u32(o);
          if (cp >= start && cp <= this.r.u32(o + 4)) return this.r.u32(o + 8) + cp - start;
        }
        return 0;
      };
    }
    if (f4 === undefined) throw fail('no Unicode cmap (format 4 or 12)');
    const at = f4;
    const segX2 = this.r.u16(at + 6);
    const ends = at + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const ranges = deltas + segX2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segX2; s += 2) {
        if (cp > this.r.u16(ends + s)) continue;
        const start = this.r.u16(starts + s);
        if (cp < start) return 0;
        const delta = this.r.u16(deltas + s);
        const ro = this.r.u16(ranges + s);
        if (ro === 0) return (cp + delta) & 0xffff;
        const g = this.r.u16(ranges + s + ro + 2 * (cp - start));
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
      return 0;
    };
  }

  private readName(): string | undefined {
    const t = this.tables.get('name');
    if (!t) return undefined;
    const count = this.r.u16(t.offset + 2);
    const strings = t.offset + this.r.u16(t.offset + 4);
    for (let i = 0; i < count; i++) {
      const rec = t.offset + 6 + 12 * i;
      if (this.r.u16(rec + 6) !== 6) continue;
      const len = this.r.u16(rec + 8);
      const off = strings + this.r.u16(rec + 10);
      const raw = this.r.bytes.subarray(off, off + len);
      const text =
        this.r.u16(rec) === 3 ? new TextDecoder('utf-16be').decode(raw) : String.fromCharCode(...raw);
      const clean = text.replace(/[^A-Za-z0-9-]/g, '');
      if (clean) return clean.slice(0, 63);
    }
    return undefined;
  }

  glyphOf(codePoint: number): number {
    const g = this.cmap(codePoint);
    return g < this.numGlyphs ? g : 0;
  }

  advance(glyph: number): number {
    const hmtx = this.table('hmtx').offset;
    return this.r.u16(hmtx + 4 * Math.min(glyph, this.numHMetrics - 1));
  }

  private glyphRange(g: number): [number, number] {
    const loca = this.table('loca').offset;
    const glyf = this.table('glyf');
    const [a, b] = this.longLoca
      ? [this.r.u32(loca + 4 * g), this.r.u32(loca + 4 * g + 4)]
      : [this.r.u16(loca + 2 * g) * 2, this.r.u16(loca + 2 * g + 2) * 2];
    if (b < a || b > glyf.length) throw fail(`glyph ${g} lies outside the glyf table`);
    return [glyf.offset + a, glyf.offset + b];
  }

  /**
   * The subset font for `glyphs` (old glyph ids, in the order wanted). Returns the font bytes and the
   * new id of each requested glyph; new ids start at 1 (0 stays .notdef).
   */
  subset(glyphs: readonly number[]): { bytes: Uint8Array; newId: Map<number, number>; widths: number[] } {
    const order: number[] = [0];
    const newId = new Map<number, number>([[0, 0]]);
    const add = (g: number) => {
      if (!newId.has(g)) {
        newId.set(g, order.length);
        order.push(g);
      }
    };
    glyphs.forEach(add);
    // Components of composite glyphs (glyf: numberOfContours < 0), followed to a bounded depth.
    for (let i = 0; i < order.length && i < 65535; i++) {
      const [s, e] = this.glyphRange(order[i]!);
      if (e - s < 10 || this.r.i16(s) >= 0) continue;
      for (let p = s + 10, more = true; more && p + 4 <= e; ) {
        const flags = this.r.u16(p);
        add(this.r.u16(p + 2));
        p += 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
        more = (flags & 0x20) !== 0;
      }
    }
    const glyfParts: Uint8Array[] = [];
    const loca = new Uint8Array(4 * (order.length + 1));
    const locaView = new DataView(loca.buffer);
    let pos = 0;
    for (let i = 0; i < order.length; i++) {
      locaView.setUint32(4 * i, pos);
      const [s, e] = this.glyphRange(order[i]!);
      const g = this.r.bytes.slice(s, e);
      if (g.length >= 10 && new DataView(g.buffer).getInt16(0) < 0) {
        const v = new DataView(g.buffer);
        for (let p = 10, more = true; more && p + 4 <= g.length; ) {
          const flags = v.getUint16(p);
          v.setUint16(p + 2, newId.get(v.getUint16(p + 2)) ?? 0);
          p += 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
          more = (flags & 0x20) !== 0;
        }
      }
      const padded = new Uint8Array((g.length + 3) & ~3);
      padded.set(g);
      glyfParts.push(padded);
      pos += padded.length;
    }
    locaView.setUint32(4 * order.length, pos);
    const glyf = new Uint8Array(pos);
    let o = 0;
    for (const p of glyfParts) {
      glyf.set(p, o);
      o += p.length;
    }
    const widths = order.map((g) => this.advance(g));
    const hmtx = new Uint8Array(4 * order.length);
    const hv = new DataView(hmtx.buffer);
    order.forEach((g, i) => {
      hv.setUint16(4 * i, widths[i]!);
      hv.setInt16(4 * i + 2, g < this.numGlyphs ? this.lsb(g) : 0);
    });
    const copy = (tag: string) => {
      const t = this.table(tag);
      return this.r.bytes.slice(t.offset, t.offset + t.length);
    };
    const head = copy('head');
    new DataView(head.buffer).setUint32(8, 0); // checksumAdjustment, recomputed below
    new DataView(head.buffer).setInt16(50, 1); // long loca
    const hhea = copy('hhea');
    new DataView(hhea.buffer).setUint16(34, order.length);
    const maxp = copy('maxp');
    new DataView(maxp.buffer).setUint16(4, order.length);
    const tables: [string, Uint8Array][] = [
      ['glyf', glyf],
      ['head', head],
      ['hhea', hhea],
      ['hmtx', hmtx],
      ['loca', loca],
      ['maxp', maxp],
    ];
    for (const extra of ['cvt ', 'fpgm', 'prep'])
      if (this.tables.has(extra)) tables.push([extra, copy(extra)]);
    tables.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const bytes = sfnt(tables);
    // head.checksumAdjustment = 0xB1B0AFBA − checksum of the whole font.
    const headAt = tableOffset(bytes, 'head');
    new DataView(bytes.buffer).setUint32(headAt + 8, (0xb1b0afba - checksum(bytes)) >>> 0);
    return { bytes, newId, widths };
  }

  private lsb(g: number): number {
    const hmtx = this.table('hmtx').offset;
    if (g < this.numHMetrics) return this.r.i16(hmtx + 4 * g + 2);
    return this.r.i16(hmtx + 4 * this.numHMetrics + 2 * (g - this.numHMetrics));
  }
}

function checksum(b: Uint8Array): number {
  let sum = 0;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i + 4 <= b.length; i += 4) sum = (sum + v.getUint32(i)) >>> 0;
  const rest = b.length % 4;
  if (rest) {
    let last = 0;
    for (let i = 0; i < 4; i++) last = (last << 8) | (i < rest ? b[b.length - rest + i]! : 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}

function tableOffset(font: Uint8Array, tag: string): number {
  const v = new DataView(font.buffer, font.byteOffset);
  const n = v.getUint16(4);
  for (let i = 0; i < n; i++) {
    const rec = 12 + 16 * i;
    if (String.fromCharCode(...font.subarray(rec, rec + 4)) === tag) return v.getUint32(rec + 8);
  }
  return -1;
}

/** The sfnt container: offset table, table records (sorted by tag), 4-byte aligned tables. */
function sfnt(tables: readonly [string, Uint8Array][]): Uint8Array {
  const n = tables.length;
  let size = 12 + 16 * n;
  for (const [, t] of tables) size += (t.length + 3) & ~3;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x00010000);
  v.setUint16(4, n);
  const es = Math.floor(Math.log2(n));
  v.setUint16(6, 16 * 2 ** es);
  v.setUint16(8, es);
  v.setUint16(10, 16 * n - 16 * 2 ** es);
  let at = 12 + 16 * n;
  tables.forEach(([tag, data], i) => {
    const rec = 12 + 16 * i;
    for (let k = 0; k < 4; k++) out[rec + k] = tag.charCodeAt(k);
    v.setUint32(rec + 4, checksum(data));
    v.setUint32(rec + 8, at);
    v.setUint32(rec + 12, data.length);
    out.set(data, at);
    at += (data.length + 3) & ~3;
  });
  return out;
}

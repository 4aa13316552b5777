/**
 * The incremental writer (ISO 32000-1 §7.5.6): new and changed objects are appended after the
 * original bytes, followed by a cross-reference section of the same kind as the last one (a table, or
 * a stream for files that use cross-reference streams), a trailer with /Prev, and `%%EOF`. The
 * original bytes are never touched, so every earlier signature keeps covering exactly what it signed.
 */
import type { PdfDocument } from './document.js';
import { type PdfValue, pdfDict, pdfName } from './objects.js';
import { latin1, objectBytes, valueText } from './serialize.js';

export interface UpdateObject {
  readonly num: number;
  readonly bytes: Uint8Array;
}

export interface IncrementalUpdate {
  /** The bytes to append to the original file. */
  readonly bytes: Uint8Array;
  /** Offset of each written object, relative to the start of `bytes`. */
  readonly offsets: ReadonlyMap<number, number>;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Groups sorted object numbers into [first, count] runs for /Index or table subsections. */
function runs(nums: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of nums) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}

/**
 * Builds the update. `size` is the new trailer /Size (one past the highest object number in use);
 * for a cross-reference stream, object number `size` is taken by the stream itself.
 */
export async function incrementalUpdate(
  doc: PdfDocument,
  objects: readonly UpdateObject[],
  size: number,
): Promise<IncrementalUpdate> {
  const lastByte = (await doc.source.read(doc.size - 1, 1))[0];
  const parts: Uint8Array[] = [];
  let pos = 0;
  // The original must end with an end-of-line before the first new object (§7.5.6).
  if (lastByte !== 10 && lastByte !== 13) {
    parts.push(latin1('\n'));
    pos = 1;
  }
  const offsets = new Map<number, number>();
  for (const o of [...objects].sort((a, b) => a.num - b.num)) {
    offsets.set(o.num, pos);
    parts.push(o.bytes);
    pos += o.bytes.length;
  }
  const prev = doc.chain[0]!;
  const old = doc.trailer.map;
  const trailerEntries: [string, PdfValue][] = [];
  for (const key of ['Root', 'Info', 'ID']) {
    const v = old.get(key);
    if (v !== undefined) trailerEntries.push([key, v as PdfValue]);
  }
  trailerEntries.push(['Prev', prev.offset]);
  const xrefAt = doc.size + pos;
  if (prev.kind === 'table') {
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    let table = 'xref\n';
    for (const [first, count] of runs(nums)) {
      table += `${first} ${count}\n`;
      for (let n = first; n < first + count; n++) {
        table += `${String(doc.size + offsets.get(n)!).padStart(10, '0')} 00000 n\r\n`;
      }
    }
    const trailer = pdfDict([['Size', size], ...trailerEntries]);
    parts.push(
      latin1(`${table}trailer\n`),
      latin1(valueText(trailer)),
      latin1(`\nstartxref\n${xrefAt}\n%%EOF\n`),
    );
  } else {
    // §7.5.8: a cross-reference stream; W [1 4 2] holds offsets below 4 GiB, wider files use 8.
    const self = size;
    offsets.set(self, pos);
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    const ow = doc.size + pos > 0xffffffff ? 8 : 4;
    const row = 1 + ow + 2;
    const data = new Uint8Array(nums.length * row);
    nums.forEach((n, i) => {
      let off = doc.size + offsets.get(n)!;
      data[i * row] = 1;
      for (let b = ow; b >= 1; b--) {
        data[i * row + b] = off % 256;
        off = Math.floor(off / 256);
      }
    });
    const dict = pdfDict([
      ['Type', pdfName('XRef')],
      ['Size', size + 1],
      ['W', [1, ow, 2]],
      ['Index', runs(nums).flat()],
      ...trailerEntries,
    ]);
    parts.push(objectBytes(self, dict, data), latin1(`startxref\n${xrefAt}\n%%EOF\n`));
  }
  return { bytes: concat(parts), offsets };
}

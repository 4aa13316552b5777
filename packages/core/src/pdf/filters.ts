/**
 * Stream filters a verifier needs for cross-reference and object streams (ISO 32000-1 §7.4.4
 * FlateDecode with the PNG predictors of §7.4.4.4). Decoding stops at a caller-given size, so a
 * compression bomb costs at most that much memory. Uses the platform's (De)CompressionStream.
 */
import { coreError } from '../errors.js';
import { isDict, isName, type PdfDict, type PdfValue } from './objects.js';

async function collect(stream: ReadableStream<Uint8Array>, max: number, what: string): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        throw coreError('PDF_LIMIT_EXCEEDED', `${what} decodes to more than ${max} bytes.`);
      }
      parts.push(value);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** zlib inflate (RFC 1950) of `data`, at most `max` output bytes. */
export async function inflate(data: Uint8Array, max: number, what: string): Promise<Uint8Array> {
  const ds = new DecompressionStream('deflate');
  const writer = ds.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  try {
    return await collect(ds.readable as ReadableStream<Uint8Array>, max, what);
  } catch (cause) {
    if ((cause as { code?: string }).code) throw cause;
    throw coreError('PDF_MALFORMED', `${what} is not valid FlateDecode data.`, { cause });
  }
}

/** zlib deflate (RFC 1950). */
export async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream('deflate');
  const writer = cs.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  return collect(cs.readable as ReadableStream<Uint8Array>, Number.MAX_SAFE_INTEGER, 'deflate');
}

/** §7.4.4.4: undoes a PNG predictor (10–15) row by row. */
function unpredict(data: Uint8Array, columns: number, what: string): Uint8Array {
  const row = columns + 1;
  if (columns <= 0 || data.length % row !== 0) {
    throw coreError('PDF_MALFORMED', `${what} does not hold whole predictor rows of ${columns} bytes.`);
  }
  const rows = data.length / row;
  const out = new Uint8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * row]!;
    for (let i = 0; i < columns; i++) {
      const raw = data[r * row + 1 + i]!;
      const up = r > 0 ? out[(r - 1) * columns + i]! : 0;
      const left = i > 0 ? out[r * columns + i - 1]! : 0;
      const upLeft = r > 0 && i > 0 ? out[(r - 1) * columns + i - 1]! : 0;
      let v: number;
      switch (type) {
        case 0:
          v = raw;
          break;
        case 1:
          v = raw + left;
          break;
        case 2:
          v = raw + up;
          break;
        case 3:
          v = raw + ((left + up) >> 1);
          break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          throw coreError('PDF_MALFORMED', `${what} uses an unknown PNG predictor type ${type}.`);
      }
      out[r * columns + i] = v & 0xff;
    }
  }
  return out;
}

/** Decodes stream data per its /Filter and /DecodeParms (FlateDecode only, optional PNG predictor). */
export async function decodeStream(
  dict: PdfDict,
  raw: Uint8Array,
  max: number,
  what: string,
): Promise<Uint8Array> {
  const filter = dict.map.get('Filter');
  const filters: PdfValue[] = Array.isArray(filter) ? filter : filter === undefined ? [] : [filter];
  if (filters.length === 0) return raw;
  if (filters.length > 1 || !isName(filters[0], 'FlateDecode')) {
    throw coreError('PDF_UNSUPPORTED', `${what} uses a filter other than FlateDecode.`);
  }
  let data = await inflate(raw, max, what);
  const parmsRaw = dict.map.get('DecodeParms');
  const parms = Array.isArray(parmsRaw) ? parmsRaw[0] : parmsRaw;
  if (isDict(parms ?? undefined)) {
    const p = (parms as PdfDict).map;
    const predictor = p.get('Predictor');
    if (typeof predictor === 'number' && predictor >= 10) {
      const columns = p.get('Columns');
      data = unpredict(data, typeof columns === 'number' ? columns : 1, what);
    } else if (predictor !== undefined && predictor !== 1) {
      throw coreError('PDF_UNSUPPORTED', `${what} uses predictor ${String(predictor)}.`);
    }
  }
  return data;
}

/**
 * Random access to a PDF's bytes. A verifier needs the tail (trailer, cross-reference sections) and a
 * few objects, then the signed ranges as a stream, so the whole file never has to be in memory: Node
 * reads a file with positional reads (`@shomei/core/node`), a browser a Blob or the bytes themselves.
 */
import { throwIfAborted } from '../errors.js';

export interface PdfSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Up to `length` bytes at `offset` (fewer only at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * The bytes of [offset, offset + length) as a sequence of chunks. A yielded chunk may be reused once
   * the consumer asks for the next one. Optional: the default reads through `read` in 1 MiB chunks.
   */
  chunks?(offset: number, length: number): AsyncIterable<Uint8Array>;
}

/** A source over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): PdfSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
    chunks: async function* (offset, length) {
      yield bytes.subarray(offset, offset + length);
    },
  };
}

/** A source over a Blob or File (browsers): only the slices that are read are loaded. */
export function blobSource(blob: Blob): PdfSource {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

const CHUNK = 1024 * 1024;

/** Chunks of a byte range of a source. */
export async function* rangeChunks(
  source: PdfSource,
  offset: number,
  length: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  if (source.chunks) {
    for await (const c of source.chunks(offset, length)) {
      throwIfAborted(signal);
      yield c;
    }
    return;
  }
  for (let o = offset; o < offset + length; o += CHUNK) {
    throwIfAborted(signal);
    yield await source.read(o, Math.min(CHUNK, offset + length - o));
  }
}

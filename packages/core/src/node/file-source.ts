/**
 * A file as content for signCms/verifyCms: read with positional reads into one reused buffer, so a
 * 2 GiB file is hashed in constant memory and without a Buffer allocation per chunk.
 */
import { open } from 'node:fs/promises';
import { coreError } from '../errors.js';

export interface FileSourceOptions {
  /** Read size. Default 4 MiB: large reads keep the per-chunk overhead well under 1 % of hashing. */
  chunkSize?: number;
}

/**
 * Yields the file's bytes in order. The yielded view is reused for the next chunk: consumers must use
 * it before asking for the next one (the hashing in core does; it copies when it must keep data).
 */
export async function* fileSource(path: string, options: FileSourceOptions = {}): AsyncGenerator<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw coreError('INPUT_INVALID', `Cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  try {
    const buffer = new Uint8Array(options.chunkSize ?? 4 * 1024 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

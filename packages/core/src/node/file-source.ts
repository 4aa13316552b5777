/**
 * A file as content for signCms/verifyCms: read with positional reads into one reused buffer, so a
 * 2 GiB file is hashed in constant memory and without a Buffer allocation per chunk.
 */
import { open } from 'node:fs/promises';
import { coreError } from '../errors.js';

export interface FileSourceOptions {
  /** Read size. Default 1 MiB: large enough that per-chunk overhead is under 1 % of hashing, small for RSS. */
  chunkSize?: number;
}

/**
 * Yields the file's bytes in order. A yielded view is overwritten once the consumer asks for the next
 * chunk: consumers must use it before then (core's hashing does; it copies when it keeps data).
 */
export async function* fileSource(path: string, options: FileSourceOptions = {}): AsyncGenerator<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw coreError('INPUT_INVALID', `Cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  let pending: ReturnType<typeof handle.read> | undefined;
  try {
    // Two buffers: the next read runs in the thread pool while the consumer hashes the current chunk.
    const size = options.chunkSize ?? 1024 * 1024;
    const buffers = [new Uint8Array(size), new Uint8Array(size)];
    let turn = 0;
    pending = handle.read(buffers[0]!, 0, size, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      const current = buffers[turn]!;
      turn ^= 1;
      pending = handle.read(buffers[turn]!, 0, size, null);
      yield current.subarray(0, bytesRead);
    }
  } finally {
    // A consumer that stops early leaves a read in flight: let it finish before closing.
    await pending?.catch(() => undefined);
    await handle.close();
  }
}

/**
 * PDFs on disk: a random-access `PdfSource` over a file (positional reads, the signed ranges streamed
 * through two reused 1 MiB buffers), and signing a file in constant memory. The signed file is
 * written beside the output and renamed into place only once the signature is complete.
 */
import { constants } from 'node:fs';
import { copyFile, type FileHandle, open, rename, rm } from 'node:fs/promises';
import { coreError } from '../errors.js';
import { PdfDocument } from '../pdf/document.js';
import { completePdfSignature, preparePdfSignature, type SignPdfOptions } from '../pdf/sign.js';
import type { PdfSource } from '../pdf/source.js';
import type { Signer } from '../signer.js';

export interface FilePdfSource extends PdfSource, AsyncDisposable {
  close(): Promise<void>;
}

const CHUNK = 1024 * 1024;

/** Opens a file as a random-access PDF source. Close it (or `await using`) when done. */
export async function fileRandomSource(path: string): Promise<FilePdfSource> {
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(path, 'r');
    size = (await handle.stat()).size;
  } catch (cause) {
    throw coreError('INPUT_INVALID', `Cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  const close = () => handle.close();
  return {
    size,
    async read(offset, length) {
      const len = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await handle.read(buf, got, len - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    },
    async *chunks(offset, length) {
      // Two buffers: the next read runs in the thread pool while the consumer hashes this one.
      const buffers = [new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
      const end = Math.min(size, offset + length);
      let pos = offset;
      let turn = 0;
      const readAt = (t: number, p: number) => handle.read(buffers[t]!, 0, Math.min(CHUNK, end - p), p);
      let pending = pos < end ? readAt(0, pos) : undefined;
      try {
        while (pending) {
          const { bytesRead } = await pending;
          if (bytesRead === 0) break;
          const current = buffers[turn]!;
          pos += bytesRead;
          turn ^= 1;
          pending = pos < end ? readAt(turn, pos) : undefined;
          yield current.subarray(0, bytesRead);
        }
      } finally {
        await pending?.catch(() => undefined);
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

export interface SignPdfFileOptions extends SignPdfOptions {
  /** Output path; default `<input>` with `-signed.pdf` in place of `.pdf`. The same path as the input appends in place. */
  out?: string;
}

/**
 * Signs a PDF file: the file is hashed as a stream (constant memory for any size), then copied to
 * the output (the kernel's copy) and the update appended. Returns the output path.
 */
export async function signPdfFile(
  input: string,
  signer: Signer,
  options: SignPdfFileOptions = {},
): Promise<string> {
  const out = options.out ?? input.replace(/(\.pdf)?$/i, '-signed.pdf');
  const update = await (async () => {
    await using source = await fileRandomSource(input);
    const doc = await PdfDocument.open(source, options.signal ? { signal: options.signal } : {});
    const prepared = await preparePdfSignature(doc, signer, options);
    return completePdfSignature(prepared, source.chunks!(0, source.size), signer, options);
  })();
  if (out === input) {
    const h = await open(out, 'a');
    try {
      await h.write(update);
    } finally {
      await h.close();
    }
    return out;
  }
  const tmp = `${out}.${process.pid}.partial`;
  try {
    await copyFile(input, tmp, constants.COPYFILE_FICLONE);
    const h = await open(tmp, 'a');
    try {
      await h.write(update);
    } finally {
      await h.close();
    }
    await rename(tmp, out);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw coreError('INPUT_INVALID', `Cannot write ${out}: ${(cause as Error).message}`, { cause });
  }
  return out;
}

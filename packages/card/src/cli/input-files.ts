/** Reading the CLI's input files (certificates, CRLs, CMS) — PEM or DER; unreadable input is exit 2. */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { derObjects } from '@shomei/core';
import { cardError } from '../errors.js';

export async function readInputFile(path: string, what: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ENOENT') {
      throw cardError('INPUT_NOT_FOUND', `The ${what} file ${path} does not exist.`, { cause });
    }
    throw cardError('INPUT_INVALID', `Cannot read the ${what} file ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Every DER object in each file (a PEM bundle may hold several certificates). */
export async function readDerFiles(
  paths: readonly string[],
  what: string,
  labels?: string[],
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const path of paths) out.push(...derObjects(await readInputFile(path, what), labels));
  return out;
}

/**
 * Checks an output path before any work (and before a card is asked for a PIN): its directory must
 * exist, and an existing file is replaced only with --force.
 */
export async function checkOutputPath(path: string, force: boolean): Promise<void> {
  const dir = dirname(resolve(path));
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) {
    throw cardError('OUTPUT_DIR_MISSING', `Cannot write ${path}: the directory ${dir} does not exist.`);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw cardError('USAGE', `${path} is a directory; give a file name.`);
  if (existing && !force) {
    throw cardError('OUTPUT_EXISTS', `${path} exists already; pass --force to replace it.`);
  }
}

/** The size of an input file; a missing file is INPUT_NOT_FOUND, not "invalid". */
export async function inputFileSize(path: string, what: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw cardError('INPUT_INVALID', `The ${what} ${path} is not a file.`);
    return s.size;
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ENOENT') {
      throw cardError('INPUT_NOT_FOUND', `The ${what} ${path} does not exist.`, { cause });
    }
    throw cause;
  }
}

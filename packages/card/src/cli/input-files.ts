/** Reading the CLI's input files (certificates, CRLs, CMS) — PEM or DER; unreadable input is exit 2. */
import { readFile } from 'node:fs/promises';
import { derObjects } from '@shomei/core';
import { cardError } from '../errors.js';

export async function readInputFile(path: string, what: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (cause) {
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

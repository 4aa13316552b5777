/**
 * Files for XML signatures on the command line: an e-Gov application folder read as name → bytes
 * (top-level regular files only), and a resolver for a signature's external references that reads
 * only plain file names beside the signature — never a path outside that folder, never the network.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cardError } from '../errors.js';

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The regular files directly inside `dir`, by name. */
export async function readFolder(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  try {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const buf = await readFile(join(dir, entry.name));
      files.set(entry.name, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    }
  } catch (cause) {
    throw cardError('INPUT_INVALID', `Cannot read the folder ${dir}: ${(cause as Error).message}`, { cause });
  }
  return files;
}

/** A plain file name: no separators, no parent step, no URI scheme. */
export function plainFileName(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !/[\\/]/.test(name) &&
    !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(name)
  );
}

/** Resolves `URI="name"` references to files beside `signatureFile`. */
export function besideResolver(signatureFile: string): (uri: string) => Promise<Uint8Array | undefined> {
  const dir = dirname(signatureFile);
  return async (uri) => {
    let name: string;
    try {
      name = decodeURIComponent(uri);
    } catch {
      return undefined;
    }
    if (!plainFileName(name)) return undefined;
    try {
      const buf = await readFile(join(dir, name));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch {
      return undefined;
    }
  };
}

/** True when the bytes start (after a BOM and whitespace) with `<`: an XML document, not DER/PEM CMS. */
export function looksLikeXml(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  return bytes[i] === 0x3c;
}

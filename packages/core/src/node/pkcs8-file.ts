/** `loadPkcs8Signer`: the file-reading half of the PKCS#8 signer (`shomei sign --key … --cert …`). */
import { readFile } from 'node:fs/promises';
import { derObjects } from '../der/pem.js';
import { coreError } from '../errors.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { HashAlgorithmName, Signer } from '../signer.js';

export interface Pkcs8FileOptions {
  /** PKCS#8 private key file, PEM ("PRIVATE KEY") or DER, unencrypted. */
  key: string;
  /** Signer certificate, PEM or DER. */
  cert: string;
  /** Chain certificates (files may hold several PEM blocks), leaf's issuer first. */
  chain?: readonly string[];
  hash?: HashAlgorithmName;
}

async function read(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw coreError('INPUT_INVALID', `Cannot read the ${what} file ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

export async function loadPkcs8Signer(options: Pkcs8FileOptions): Promise<Signer> {
  const [key, cert] = await Promise.all([read(options.key, 'key'), read(options.cert, 'certificate')]);
  const chain: Uint8Array[] = [];
  for (const p of options.chain ?? []) chain.push(...derObjects(await read(p, 'chain'), ['CERTIFICATE']));
  return pkcs8Signer(key, cert, { chain, ...(options.hash ? { hash: options.hash } : {}) });
}

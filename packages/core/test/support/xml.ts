/** XML signature test helpers: a test signer from the CMS vectors and the xmlsec1 referee. */
import { execFileSync } from 'node:child_process';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import type { Signer } from '../../src/signer.js';
import { pki, tempFile, VECTORS } from '../pki.js';

export const rsaSigner = (hash: 'SHA-256' | 'SHA-384' | 'SHA-512' = 'SHA-256'): Promise<Signer> =>
  pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate], hash });
export const ecSigner = (): Promise<Signer> => pkcs8Signer(pki.ecKey, pki.ec, { chain: [pki.intermediate] });

/** Options for verifyXml against the test PKI without revocation. */
export const trust = {
  trustAnchors: [pki.root],
  intermediates: [pki.intermediate],
  revocation: { mode: 'off' as const },
};

/** `xmlsec1 --verify` with the test root trusted; true when it says OK. */
export function xmlsecVerifies(xml: Uint8Array | string, args: readonly string[] = []): boolean {
  const file = tempFile(typeof xml === 'string' ? new TextEncoder().encode(xml) : xml, '.xml');
  try {
    execFileSync(
      'xmlsec1',
      [
        '--verify',
        '--trusted-der',
        `${VECTORS}root.der`,
        '--untrusted-der',
        `${VECTORS}intermediate.der`,
        ...args,
        file,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return true;
  } catch {
    return false;
  }
}

/** `xmlsec1 --sign` of a template with the test signer's key and certificate. */
export function xmlsecSign(template: string, args: readonly string[] = []): Uint8Array {
  const file = tempFile(new TextEncoder().encode(template), '.xml');
  return new Uint8Array(
    execFileSync(
      'xmlsec1',
      ['--sign', '--privkey-pem', `${VECTORS}signer.key.pem,${VECTORS}signer.pem`, ...args, file],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
}

/** `xmllint --c14n | --exc-c14n | --c14n11` of a whole document (libxml2, the referee for C14N). */
export function xmllintC14n(xml: string, method: 'c14n' | 'exc-c14n' | 'c14n11'): string {
  const file = tempFile(new TextEncoder().encode(xml), '.xml');
  return execFileSync('xmllint', [`--${method}`, file], { stdio: ['ignore', 'pipe', 'pipe'] }).toString(
    'utf8',
  );
}

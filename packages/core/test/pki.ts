/** Test PKI fixtures from test/vectors/cms (regenerate with make.sh). Test keys only. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS = fileURLToPath(new URL('./vectors/cms/', import.meta.url));
export const vector = (name: string): Uint8Array => new Uint8Array(readFileSync(`${VECTORS}${name}`));

export const pki = {
  root: vector('root.der'),
  otherRoot: vector('other-root.der'),
  intermediate: vector('intermediate.der'),
  signer: vector('signer.der'),
  signerKey: vector('signer.key.der'),
  weak: vector('weak.der'),
  weakKey: vector('weak.key.der'),
  noKeyUsage: vector('nokeyusage.der'),
  noKeyUsageKey: vector('nokeyusage.key.der'),
  ec: vector('ec.der'),
  ecKey: vector('ec.key.der'),
  rootCrl: vector('root.crl.der'),
  intermediateCrl: vector('intermediate.crl.der'),
  revokedCrl: vector('intermediate-revoked.crl.der'),
};

const work = mkdtempSync(join(tmpdir(), 'shomei-pki-'));
let counter = 0;

/** Writes bytes to a fresh temporary file and returns its path. */
export function tempFile(bytes: Uint8Array, suffix = ''): string {
  const p = join(work, `f${counter++}${suffix}`);
  writeFileSync(p, bytes);
  return p;
}

/** `openssl cms -sign -binary -outform DER` over `content` with the given signer vector names and flags. */
export function opensslSign(
  content: Uint8Array,
  flags: readonly string[] = [],
  signers: readonly string[] = ['signer'],
): Uint8Array {
  const input = tempFile(content);
  const args = ['cms', '-sign', '-binary', '-outform', 'DER', '-in', input];
  for (const s of signers) args.push('-signer', `${VECTORS}${s}.pem`, '-inkey', `${VECTORS}${s}.key.pem`);
  args.push('-certfile', `${VECTORS}intermediate.pem`, ...flags);
  return new Uint8Array(execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
}

export const swapped = vector('swapped.der');

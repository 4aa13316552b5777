/** Test PKI fixtures from test/vectors/cms (regenerate with make.sh). Test keys only. */
import { readFileSync } from 'node:fs';
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
};

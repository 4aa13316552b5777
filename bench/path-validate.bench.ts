/**
 * validatePath of a 3-certificate RSA-2048 chain with revocation from indexed CRLs (target:
 * ≥ 40 % of the rate of two bare `crypto.verify` RSA-2048 calls, since the signatures dominate).
 * Baseline (same run): two node:crypto `verify` calls with cached KeyObjects, sequential.
 * shomei: fresh chains (distinct CA and leaf certificates, nothing cached but imported keys and the
 * CRL signature), sequential and with 16 in flight; then a repeated chain (signature cache).
 */
import { createPublicKey, verify } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ext, issue, largeCrl, name, sharedRsaKey, type TestCert } from '@shomei/simulator/testing';
import { nodeContext } from '../packages/core/src/node/crypto-backend.js';
import { validatePath } from '../packages/core/src/path/validate-path.js';
import { CrlIndex } from '../packages/core/src/revocation/crl-index.js';
import { defaultContext } from '../packages/core/src/x509/context.js';
import { median, QUICK } from './bench-util.js';

const CHAINS = QUICK ? 40 : 400;
const CRL_ENTRIES = QUICK ? 1_000 : 100_000;
const REPEATS = QUICK ? 1 : 3;
const NOW = new Date('2026-06-01T00:00:00Z');
const fmt = (x: number) => Math.round(x).toLocaleString();
// Collect the garbage of certificate generation before each timed section, so it is not billed to it.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const [rootKey, caKey, leafKey] = await Promise.all([sharedRsaKey(0), sharedRsaKey(1), sharedRsaKey(2)]);
const root = await issue({ subject: 'CN=Bench Root,C=JP', key: rootKey, ca: true });
const chains: { ca: TestCert; leaf: TestCert }[] = [];
for (let i = 0; i < CHAINS + 1; i++) {
  const ca = await issue({
    subject: 'CN=Bench CA,C=JP',
    key: caKey,
    issuer: root,
    ca: true,
    serial: 10_000 + i,
  });
  const leaf = await issue({
    subject: 'CN=Bench Leaf,C=JP',
    key: leafKey,
    issuer: ca,
    serial: 20_000_000 + i,
    extensions: [ext.keyUsage(['digitalSignature', 'nonRepudiation'])],
  });
  chains.push({ ca, leaf });
}
const pair = (k: typeof rootKey) => ({ privateKey: k.privateKey, publicKey: k.publicKey }) as CryptoKeyPair;
const caCrl = CrlIndex.from(
  (await largeCrl(CRL_ENTRIES, { key: pair(caKey), issuerName: name('CN=Bench CA,C=JP') })).der,
);
const rootCrl = CrlIndex.from(
  (await largeCrl(10, { key: pair(rootKey), issuerName: name('CN=Bench Root,C=JP') })).der,
);

// --- baseline: two bare RSA-2048 verifies with cached KeyObjects ------------------------------------
const c0 = chains[0]!;
const caPub = createPublicKey({ key: Buffer.from(c0.ca.cert.spki), format: 'der', type: 'spki' });
const rootPub = createPublicKey({ key: Buffer.from(root.cert.spki), format: 'der', type: 'spki' });
function bare(): number {
  gc();
  const s = performance.now();
  const n = CHAINS * 2;
  for (let i = 0; i < n; i++) {
    if (!verify('sha256', c0.leaf.cert.tbs, caPub, c0.leaf.cert.signature))
      throw new Error('baseline verify');
    if (!verify('sha256', c0.ca.cert.tbs, rootPub, c0.ca.cert.signature)) throw new Error('baseline verify');
  }
  return n / ((performance.now() - s) / 1000);
}
const baselines: number[] = [bare()];

/** The context of the rows: the default (WebCrypto) first, then nodeContext (node:crypto). */
let context = defaultContext;
const options = (ca: TestCert) => ({
  context,
  trustAnchors: [root.cert],
  intermediates: [ca.cert],
  crls: [caCrl, rootCrl],
  time: NOW,
  revocation: 'require' as const,
});
// Warm up: imports the keys and verifies each CRL signature once (both are cached by design).
const warm = await validatePath(chains[CHAINS]!.leaf.cert, options(chains[CHAINS]!.ca));
if (!warm.valid) throw new Error(`warm-up failed: ${warm.message}`);

async function batch(offset: number): Promise<{ ca: TestCert; leaf: TestCert }[]> {
  const out: { ca: TestCert; leaf: TestCert }[] = [];
  for (let i = 0; i < CHAINS; i++) {
    const ca = await issue({
      subject: 'CN=Bench CA,C=JP',
      key: caKey,
      issuer: root,
      ca: true,
      serial: offset + i,
    });
    const leaf = await issue({
      subject: 'CN=Bench Leaf,C=JP',
      key: leafKey,
      issuer: ca,
      serial: offset + 1_000_000 + i,
    });
    out.push({ ca, leaf });
  }
  return out;
}

/** Validates every chain of a fresh batch (nothing cached but keys and CRL signatures), `inFlight` at a time. */
async function fresh(list: { ca: TestCert; leaf: TestCert }[], inFlight: number): Promise<number> {
  gc();
  let cursor = 0;
  const s = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (cursor < list.length) {
        const c = list[cursor++]!;
        const r = await validatePath(c.leaf.cert, options(c.ca));
        if (!r.valid) throw new Error(r.message);
      }
    }),
  );
  return list.length / ((performance.now() - s) / 1000);
}

async function repeated(): Promise<number> {
  gc();
  const c = chains[0]!;
  const n = CHAINS * 10;
  const s = performance.now();
  for (let i = 0; i < n; i++) await validatePath(c.leaf.cert, options(c.ca));
  return n / ((performance.now() - s) / 1000);
}

// Each row: a fresh batch per repeat, the baseline re-measured beside it (the machine is shared).
async function row(inFlight: number, offset: number): Promise<number> {
  const rates: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const list = r === 0 && offset === 0 ? chains.slice(0, CHAINS) : await batch(offset + r * 10_000);
    baselines.push(bare());
    rates.push(await fresh(list, inFlight));
  }
  return median(rates);
}
const webSeq = await row(1, 0);
const webConc = await row(16, 100_000);
const reps: number[] = [];
for (let r = 0; r < REPEATS; r++) reps.push(await repeated());
context = nodeContext;
const nodeSeq = await row(1, 200_000);
const nodeConc = await row(16, 300_000);
const base = median(baselines);

const line = (label: string, rate: number) =>
  console.log(`  ${label.padEnd(52)}: ${fmt(rate).padStart(7)} chains/s   ratio ${(rate / base).toFixed(2)}`);
console.log(
  `validatePath, 3-certificate RSA-2048 chain, revocation 'require' from CrlIndex (${CRL_ENTRIES.toLocaleString()}-entry CA CRL), ${CHAINS} fresh chains per row:`,
);
console.log(
  `  ${'2 × crypto.verify (node:crypto, cached KeyObject)'.padEnd(52)}: ${fmt(base).padStart(7)} pairs/s    (baseline; target ratio ≥ 0.40)`,
);
line('WebCrypto (default), fresh chains, sequential', webSeq);
line('WebCrypto (default), fresh chains, 16 in flight', webConc);
line('nodeContext (node:crypto), fresh chains, sequential', nodeSeq);
line('nodeContext (node:crypto), fresh chains, 16 in flight', nodeConc);
line('repeated chain (signature cache)', median(reps));

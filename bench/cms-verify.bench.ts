/**
 * verifyCms of a 1 KiB detached CAdES-BES signature with a 3-certificate chain (signer → intermediate →
 * root), chain signatures cached, revocation answered from indexed CRLs. Baseline: a bare
 * node:crypto RSA-2048 verify with a cached KeyObject, measured in the same run; pkijs's own
 * SignedData.verify on the same input beside it. Target: ≥ 50 % of the baseline rate.
 */
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CrlIndex, PathResultCache, parseCertificate } from '../packages/core/src/index.js';
import { pkcs8Signer, signCms, verifyCms } from '../packages/core/src/node.js';
import { fmt, median, medianOf, QUICK, rate } from './bench-util.js';

const dir = new URL('../packages/core/test/vectors/cms/', import.meta.url);
const v = (n: string) => new Uint8Array(readFileSync(new URL(n, dir)));
const root = v('root.der');
const intermediate = v('intermediate.der');
const signerCert = v('signer.der');

const content = new Uint8Array(1024).map((_, i) => i & 0xff);
const signer = await pkcs8Signer(v('signer.key.der'), signerCert, { chain: [intermediate] });
const signed = await signCms(content, signer, { detached: true });
const crls = [CrlIndex.from(v('intermediate.crl.der')), CrlIndex.from(v('root.crl.der'))];
const pathCache = new PathResultCache();
const options = { trustAnchors: [root], crls, content, revocation: 'require' as const, pathCache };

const first = await verifyCms(signed, options);
if (first.verdict !== 'valid') throw new Error(`setup: verdict ${first.verdict} ${first.code}`);

// Baseline: the signer's RSA-2048 signature over the signed attributes, node:crypto, cached KeyObject.
const cert = parseCertificate(signerCert);
const key = createPublicKey({ key: Buffer.from(cert.spki), format: 'der', type: 'spki' });
const { parseSignedData } = await import('../packages/core/src/cms/signed-data.js');
const si = parseSignedData(signed).signerInfos[0]!;
const tbs = si.signedAttrsDer!;
if (!verify('sha256', tbs, key, si.signature)) throw new Error('setup: baseline does not verify');

// pkijs on the same input (its engine over Node's WebCrypto), resolved from core, which depends on it.
const pkijsPath = createRequire(new URL('../packages/core/package.json', import.meta.url)).resolve('pkijs');
const pkijs = (await import(pkijsPath)) as typeof import('../packages/core/node_modules/pkijs');
pkijs.setEngine('node', new pkijs.CryptoEngine({ crypto: globalThis.crypto as Crypto }));
const toAb = (b: Uint8Array) => b.slice().buffer;
const pkijsVerify = async () => {
  const ci = pkijs.ContentInfo.fromBER(toAb(signed));
  const sd = new pkijs.SignedData({ schema: ci.content });
  return sd.verify({
    signer: 0,
    data: toAb(content),
    trustedCerts: [pkijs.Certificate.fromBER(toAb(root))],
    checkChain: true,
  });
};
if (!(await pkijsVerify())) throw new Error('setup: pkijs does not verify');

const N = QUICK ? 300 : 20000;
// Warm up both sides (JIT, key and path caches) before measuring.
await rate(N, () => verifyCms(signed, options));
await rate(N, () => verify('sha256', tbs, key, si.signature));
const R = QUICK ? 3 : 5;
// Interleave baseline and shomei in every repeat so machine load hits both alike; report medians.
const bases: number[] = [];
const seqs: number[] = [];
const pars: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < R; r++) {
  const b = await rate(N, () => verify('sha256', tbs, key, si.signature));
  const s1 = await rate(N, () => verifyCms(signed, options));
  const s2 = await rate(N, () => verifyCms(signed, options), 32);
  bases.push(b);
  seqs.push(s1);
  pars.push(s2);
  ratios.push(Math.max(s1, s2) / b);
}
const base = median(bases);
const seq = median(seqs);
const par = median(pars);
const pk = await medianOf(R, () => rate(Math.max(50, N / 100), pkijsVerify));

console.log('cms-verify: 1 KiB detached, 3-certificate chain, CRL-indexed revocation (median of', R, 'runs)');
console.log(`  baseline node:crypto RSA-2048 verify   ${fmt(base, 'ops/s')}`);
console.log(
  `  shomei verifyCms (sequential)          ${fmt(seq, 'ops/s')}  ratio ${((seq / base) * 100).toFixed(1)} %`,
);
console.log(
  `  shomei verifyCms (32 in flight)        ${fmt(par, 'ops/s')}  ratio ${((par / base) * 100).toFixed(1)} %`,
);
console.log(
  `  median per-run ratio (best mode / baseline) ${(median(ratios) * 100).toFixed(1)} %  (target ≥ 50 %)`,
);
console.log(
  `  pkijs SignedData.verify (checkChain)   ${fmt(pk, 'ops/s')}  ratio ${((pk / base) * 100).toFixed(1)} %`,
);

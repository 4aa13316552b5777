/**
 * Long-term validation (verifyCmsLongTerm) of a B-LTA CAdES signature made by a virtual card issued
 * at the simulator's authority: a 3-certificate path (signer → signature CA → root), a signature
 * timestamp and an archive timestamp (each TSA → signature CA → root), OCSP responses for the signer
 * and the TSA and the root's CRL for the CA, all embedded. Each validation checks at least four
 * signatures: the signer's, the two timestamps' TSA and the OCSP responses (certificate and CRL
 * signatures come from the path cache). Baseline: a bare node:crypto RSA-2048 verify of the signer's
 * signature with a cached KeyObject, measured in the same run. Target: ≥ 25 % of the baseline rate.
 */
import { createPublicKey, verify } from 'node:crypto';
import { openJpkiCard } from '../packages/card/src/index.js';
import { readRawSignedData } from '../packages/core/src/ltv/cms-structure.js';
import {
  augmentCms,
  nodeHashFactory,
  nodeSignatureVerifier,
  PathResultCache,
  parseCertificate,
  signCms,
  verifyCmsLongTerm,
} from '../packages/core/src/node.js';
import {
  Authority,
  authorityRevocationSource,
  authorityTimestampSource,
  MemoryTransport,
  OperatorCard,
} from '../packages/simulator/src/index.js';
import { fmt, median, QUICK, rate } from './bench-util.js';

const authority = await Authority.create({ label: 'bench-ltv', root: true });
const operator = OperatorCard.create({ name: 'bench', pin: '2468' });
authority.enrolOperator(operator);
const session = authority.openSession(operator, '2468');
const pins = { auth: '1234', sign: 'ABC123', assist: '1234' };
const { card } = await authority.issue(session, {
  holder: {
    name: 'ベンチ　太郎',
    address: '東京都',
    birthDate: '1980-01-01',
    sex: 'male',
    myNumber: '123456789018',
  },
  pins,
});
const content = new Uint8Array(1024).map((_, i) => i & 0xff);
let b: Uint8Array;
{
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  b = await signCms(content, await driver.toSigner('sign', { pin: pins.sign }));
}
const sources = {
  trustAnchors: authority.trustAnchors,
  timestamp: authorityTimestampSource(authority),
  revocationSource: authorityRevocationSource(authority),
};
const lta = (await augmentCms(b, { level: 'LTA', ...sources })).signed;
const options = {
  trustAnchors: authority.trustAnchors,
  verifier: nodeSignatureVerifier,
  hasher: nodeHashFactory,
  // As in cms-verify: path results reused across calls for the same certificates and time.
  pathCache: new PathResultCache(),
};
const first = await verifyCmsLongTerm(lta, options);
if (first.verdict !== 'valid' || first.chain.length !== 3 || first.timestamps.length !== 2)
  throw new Error(`setup: ${first.verdict} ${first.code} ${first.message}`);
const ocspUsed = [...first.chain, ...first.timestamps.flatMap((t) => t.chain)].filter(
  (c) => c.revocation?.source === 'ocsp',
).length;

// Baseline: the signer's RSA-2048 signature over its signed attributes, node:crypto, cached KeyObject.
const key = createPublicKey({
  key: Buffer.from(parseCertificate(card.certificate('sign')).spki),
  format: 'der',
  type: 'spki',
});
const { parseSignedData } = await import('../packages/core/src/cms/signed-data.js');
const si = parseSignedData(lta).signerInfos[0]!;
const tbs = si.signedAttrsDer!;
if (!verify('sha256', tbs, key, si.signature)) throw new Error('setup: baseline does not verify');

const N = QUICK ? 200 : 4000;
await rate(N, () => verifyCmsLongTerm(lta, options));
await rate(N * 5, () => verify('sha256', tbs, key, si.signature));
const R = QUICK ? 3 : 5;
const bases: number[] = [];
const seqs: number[] = [];
const pars: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < R; r++) {
  const base = await rate(N * 5, () => verify('sha256', tbs, key, si.signature));
  const s1 = await rate(N, () => verifyCmsLongTerm(lta, options));
  const s2 = await rate(N, () => verifyCmsLongTerm(lta, options), 32);
  bases.push(base);
  seqs.push(s1);
  pars.push(s2);
  ratios.push(Math.max(s1, s2) / base);
}
const base = median(bases);
const seq = median(seqs);
const par = median(pars);
const raw = readRawSignedData(lta);
console.log(
  `ltv: B-LTA CAdES, ${lta.length} bytes, 3-certificate path, ${raw.certificates.length} certificates and ${raw.crls.length} revocation entries embedded, ${ocspUsed} OCSP answers used (median of ${R} runs)`,
);
console.log(`  baseline node:crypto RSA-2048 verify      ${fmt(base, 'ops/s')}`);
console.log(
  `  verifyCmsLongTerm (sequential)            ${fmt(seq, 'ops/s')}  ratio ${((seq / base) * 100).toFixed(1)} %`,
);
console.log(
  `  verifyCmsLongTerm (32 in flight)          ${fmt(par, 'ops/s')}  ratio ${((par / base) * 100).toFixed(1)} %`,
);
console.log(
  `  median per-run ratio (best mode / baseline) ${(median(ratios) * 100).toFixed(1)} %  (target ≥ 25 %)`,
);

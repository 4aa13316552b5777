/**
 * Long-term validation of a PAdES B-LTA (verifyPdfLongTerm) made by a virtual card issued at the
 * simulator's authority: a B-T signature (signature timestamp in the CMS), then a DSS with the OCSP
 * responses and CRL, a document timestamp and the DSS of its TSA, as augmentPdf writes them. Each
 * validation reads the PDF, runs the structural checks of verifyPdf, and judges the signature, the
 * two timestamps and their chains with the embedded material. Baseline: verifyPdf of the same file
 * (revocation off) in the same run: the ratio is what the long-term judgement costs on top of reading
 * and verifying the PDF once.
 */

import { samplePdf } from '@shomei/simulator/testing';
import { openJpkiCard } from '../packages/card/src/index.js';
import {
  augmentPdf,
  nodeHashFactory,
  nodeSignatureVerifier,
  PathResultCache,
  signPdf,
  verifyPdf,
  verifyPdfLongTerm,
} from '../packages/core/src/node.js';
import {
  authorityRevocationSource,
  authorityTimestampSource,
  MemoryTransport,
} from '../packages/simulator/src/index.js';
import { benchAuthorityCard, fmt, median, QUICK, rate } from './bench-util.js';

const { authority, card, pins } = await benchAuthorityCard('bench-pades-ltv');
const timestamp = authorityTimestampSource(authority);
let bt: Uint8Array;
{
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  bt = await signPdf(samplePdf(), await driver.toSigner('sign', { pin: pins.sign }), {
    subFilter: 'ETSI.CAdES.detached',
    timestamp,
  });
}
const lta = (
  await augmentPdf(bt, {
    level: 'LTA',
    trustAnchors: authority.trustAnchors,
    timestamp,
    revocationSource: authorityRevocationSource(authority),
  })
).pdf;
const options = {
  trustAnchors: authority.trustAnchors,
  verifier: nodeSignatureVerifier,
  hasher: nodeHashFactory,
  pathCache: new PathResultCache(),
};
const first = await verifyPdfLongTerm(lta, options);
const sig = first.signatures[0];
if (first.verdict !== 'valid' || sig?.timestamps.length !== 2)
  throw new Error(`setup: ${first.verdict} ${sig?.code} ${sig?.message}`);
const plain = () => verifyPdf(lta, { ...options, revocation: 'off' });
if ((await plain()).verdict !== 'valid') throw new Error('setup: verifyPdf does not say valid');

const N = QUICK ? 20 : 300;
await rate(N, () => verifyPdfLongTerm(lta, options));
await rate(N, plain);
const R = QUICK ? 3 : 5;
const bases: number[] = [];
const ltvs: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < R; r++) {
  const base = await rate(N, plain);
  const ltv = await rate(N, () => verifyPdfLongTerm(lta, options));
  bases.push(base);
  ltvs.push(ltv);
  ratios.push(ltv / base);
}
console.log(
  `pades-ltv: B-LTA PDF, ${lta.length} bytes, signature + document timestamp, 3-certificate paths (median of ${R} runs)`,
);
console.log(`  baseline verifyPdf (revocation off)     ${fmt(median(bases), 'ops/s')}`);
console.log(
  `  verifyPdfLongTerm                       ${fmt(median(ltvs), 'ops/s')}  ratio ${(median(ratios) * 100).toFixed(1)} %`,
);

/**
 * Long-term validation (verifyCmsLongTerm) of B-LTA CAdES signatures made by a virtual card issued
 * at the simulator's authority: a 3-certificate path (signer → signature CA → root), a signature
 * timestamp and an archive timestamp (each TSA → signature CA → root), OCSP responses for the signer
 * and the TSA and the root's CRL for the CA, all embedded. Each validation checks at least four
 * signatures: the signer's, the two timestamps' TSA and the OCSP responses.
 *
 * Baseline: a bare node:crypto RSA-2048 verify of the signer's signature with a cached KeyObject,
 * measured in the same run, alternated with the two figures (medians over rounds, wall time and
 * CPU time per operation):
 *   1. warm — the issue's benchmark: the same B-LTA file validated again and again in one context.
 *      The context holds the signature read, the SignerInfo and token signature verdicts and the
 *      parsed OCSP/CRL material (docs/long-term-validation.md, "What a context remembers"); the
 *      chains, revocation and freshness are judged on every validation.
 *   2. archive — N distinct B-LTA files (each its own signature, timestamps and OCSP responses,
 *      sharing the chain and the TSA), each validated once in a fresh context whose chain caches
 *      were warmed by one other file: every signature of a file is checked fresh.
 * Target (issue): ≥ 25 % of the baseline rate.
 */
import { createPublicKey, verify } from 'node:crypto';
import { loadavg } from 'node:os';
import { openJpkiCard } from '../packages/card/src/index.js';
import { readRawSignedData } from '../packages/core/src/ltv/cms-structure.js';
import {
  augmentCms,
  nodeCryptoBackend,
  nodeHashFactory,
  PathResultCache,
  parseCertificate,
  ShomeiContext,
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
import { fmt, median, QUICK } from './bench-util.js';

const load0 = loadavg();
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
const sources = {
  trustAnchors: authority.trustAnchors,
  timestamp: authorityTimestampSource(authority),
  revocationSource: authorityRevocationSource(authority),
};
// One file for the warm figure, and N distinct ones (different content, so different signatures,
// timestamps and OCSP responses) for the archive figure.
const FILES = QUICK ? 12 : 41;
const files: Uint8Array[] = [];
{
  await using driver = await openJpkiCard({ transport: new MemoryTransport(card) });
  for (let i = 0; i < FILES + 1; i++) {
    const content = new Uint8Array(1024).map((_, k) => (k + i * 7) & 0xff);
    const b = await signCms(content, await driver.toSigner('sign', { pin: pins.sign }));
    files.push((await augmentCms(b, { level: 'LTA', ...sources })).signed);
  }
}
const lta = files[0]!;
const archive = files.slice(1);

const anchors = authority.trustAnchors;
const newOptions = () => ({
  trustAnchors: anchors,
  hasher: nodeHashFactory,
  context: new ShomeiContext({ crypto: nodeCryptoBackend() }),
  // As in cms-verify: path results reused across calls for the same certificates and time.
  pathCache: new PathResultCache(),
});
const warmOptions = newOptions();
const first = await verifyCmsLongTerm(lta, warmOptions);
if (first.verdict !== 'valid' || first.chain.length !== 3 || first.timestamps.length !== 2)
  throw new Error(`setup: ${first.verdict} ${first.code} ${first.message}`);
const ocspUsed = [...first.chain, ...first.timestamps.flatMap((t) => t.chain)].filter(
  (c) => c.revocation?.source === 'ocsp',
).length;
for (const f of archive) {
  const r = await verifyCmsLongTerm(f, newOptions());
  if (r.verdict !== 'valid') throw new Error(`setup: archive file ${r.verdict} ${r.code} ${r.message}`);
}

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

interface Sample {
  /** Operations per second, wall clock. */
  readonly rate: number;
  /** CPU microseconds per operation (user + system of this process). */
  readonly cpu: number;
}
async function measure(n: number, op: (i: number) => unknown): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { rate: n / (wall / 1000), cpu: (c.user + c.system) / n };
}

/** One archive pass: a fresh context, its chain caches warmed by one file, then each file once. */
async function archivePass(): Promise<Sample> {
  const o = newOptions();
  await verifyCmsLongTerm(lta, o);
  return measure(archive.length, (i) => verifyCmsLongTerm(archive[i]!, o));
}

const N = QUICK ? 200 : 2000;
const baseline = () => measure(N * 5, () => verify('sha256', tbs, key, si.signature));
await baseline();
await measure(N, () => verifyCmsLongTerm(lta, warmOptions));
await archivePass();
const R = QUICK ? 5 : 9;
const ARCHIVE_PASSES = QUICK ? 1 : 5;
const bases: Sample[] = [];
const warms: Sample[] = [];
const archives: Sample[] = [];
for (let r = 0; r < R; r++) {
  bases.push(await baseline());
  warms.push(await measure(N, () => verifyCmsLongTerm(lta, warmOptions)));
  bases.push(await baseline());
  // A pass is short (tens of ms) and shares the machine: several per round steady its median.
  for (let k = 0; k < ARCHIVE_PASSES; k++) archives.push(await archivePass());
}
const load1 = loadavg();
const med = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
const base = { rate: med(bases, 'rate'), cpu: med(bases, 'cpu') };
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const line = (name: string, s: Sample[]) => {
  const rate = med(s, 'rate');
  const cpu = med(s, 'cpu');
  console.log(
    `  ${name.padEnd(44)}${fmt(rate, 'ops/s').padStart(13)}  ratio ${pct(rate / base.rate).padStart(7)}   CPU ${cpu.toFixed(1).padStart(6)} µs/op  ratio ${pct(base.cpu / cpu).padStart(7)}`,
  );
};
const raw = readRawSignedData(lta);
console.log(
  `ltv: B-LTA CAdES, ${lta.length} bytes, 3-certificate path, ${raw.certificates.length} certificates and ${raw.crls.length} revocation entries embedded, ${ocspUsed} OCSP answers used (medians of ${R} alternated rounds, ${ARCHIVE_PASSES} archive passes each)`,
);
console.log(
  `  ${'baseline node:crypto RSA-2048 verify'.padEnd(44)}${fmt(base.rate, 'ops/s').padStart(13)}                 CPU ${base.cpu.toFixed(1).padStart(6)} µs/op`,
);
line('1. warm: same file again, one context', warms);
line(`2. archive: ${archive.length} distinct files, each once`, archives);
console.log(
  `  target ≥ 25 % (per-round ratios, wall: warm ${pct(median(warms.map((w, i) => w.rate / bases[2 * i]!.rate)))}, archive ${pct(median(archives.map((a, i) => a.rate / bases[2 * Math.floor(i / ARCHIVE_PASSES) + 1]!.rate)))})`,
);
console.log(
  `  load average ${load0.map((x) => x.toFixed(2)).join(' ')} at start, ${load1.map((x) => x.toFixed(2)).join(' ')} at end`,
);

/**
 * XML signature verification.
 * 1. Whole process, a 2 MB enveloped signature (inclusive C14N 1.0, one reference, RSA-2048): a
 *    bundled `node` script running verifyXml against `xmlsec1 --verify` on the same file (the
 *    baseline), with xmldsigjs and xml-crypto beside it. Target: ≤ 1.0× xmlsec1's wall time.
 * 2. In process, a ~10 KB e-Gov application (kousei.xml + two files) verified with verifyEgovApplication,
 *    path results cached, revocation from indexed CRLs, against a bare node:crypto RSA-2048 verify
 *    with a cached KeyObject. Target: ≥ 40 % of the baseline rate.
 * 3. Memory: peak RSS of the bundled verifier on 2 MB, 20 MB and 100 MB documents, less the same
 *    process loading everything and reading the file without verifying (the baseline), as a multiple
 *    of the document size; xmlsec1's peak RSS beside it. Target: ≤ 3× the document.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrlIndex, PathResultCache, parseCertificate } from '../packages/core/src/index.js';
import {
  pkcs8Signer,
  signEgovApplication,
  signXml,
  verifyEgovApplication,
} from '../packages/core/src/node.js';
import { fmt, median, QUICK, rate } from './bench-util.js';

const vectors = fileURLToPath(new URL('../packages/core/test/vectors/cms/', import.meta.url));
const v = (n: string) => new Uint8Array(readFileSync(join(vectors, n)));
const root = v('root.der');
const intermediate = v('intermediate.der');
const signerCert = v('signer.der');
const signer = await pkcs8Signer(v('signer.key.der'), signerCert, { chain: [intermediate] });
const work = mkdtempSync(join(tmpdir(), 'shomei-xml-bench-'));

// ---- 1. whole process, 2 MB --------------------------------------------------------------------
const targetBytes = QUICK ? 200_000 : 2_000_000;
const record = (i: number) =>
  `<明細 番号="${i}"><氏名>山田 太郎 ${i}</氏名><住所>東京都千代田区霞が関1-1-${i}</住所><金額>${(i * 7919) % 1000000}</金額></明細>\n`;
let body = '';
for (let i = 0; body.length * 2 < targetBytes; i++) body += record(i);
const docText = `<?xml version="1.0" encoding="UTF-8"?>\n<源泉徴収票一覧 xmlns="urn:example:etax">\n${body}</源泉徴収票一覧>\n`;
const signed = await signXml(docText, signer);
const file = join(work, 'signed.xml');
writeFileSync(file, signed);
writeFileSync(join(work, 'root.pem'), pem(root));
writeFileSync(join(work, 'signer.pem'), pem(signerCert));

function pem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
}

// The shomei CLI-like verifier, bundled as an application would ship it (one file, no tsx).
const coreNode = fileURLToPath(new URL('../packages/core/src/node.ts', import.meta.url));
const entry = join(work, 'verify-shomei.ts');
writeFileSync(
  entry,
  `import { readFileSync } from 'node:fs';
import { verifyXml } from ${JSON.stringify(coreNode)};
const [file, ...trust] = process.argv.slice(2);
const bytes = readFileSync(file);
if (process.env.SHOMEI_BENCH_LOAD_ONLY) process.exit(bytes.length > 0 ? 0 : 1);
const r = await verifyXml(bytes, { trustAnchors: trust.map((t) => readFileSync(t)), revocation: { mode: 'off' } });
process.stdout.write(r.verdict + '\\n');
process.exit(r.verdict === 'valid' ? 0 : 1);
`,
);
const tsxRequire = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
const esbuild = (await import(tsxRequire.resolve('esbuild'))) as {
  build: (options: Record<string, unknown>) => Promise<unknown>;
};
const bundle = join(work, 'verify-shomei.mjs');
await esbuild.build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: bundle,
  logLevel: 'error',
});

// xml-crypto and xmldsigjs (devDependencies, for this comparison only), loaded by absolute path.
const req = createRequire(import.meta.url);
const lib = (name: string) => JSON.stringify(req.resolve(name));
writeFileSync(
  join(work, 'verify-xml-crypto.cjs'),
  `const { readFileSync } = require('node:fs');
const { SignedXml } = require(${lib('xml-crypto')});
const { DOMParser } = require(${lib('@xmldom/xmldom')});
const xml = readFileSync(process.argv[2], 'utf8');
const doc = new DOMParser().parseFromString(xml, 'text/xml');
const sig = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
const sx = new SignedXml({ publicCert: readFileSync(process.argv[3], 'utf8') });
sx.loadSignature(sig);
const ok = sx.checkSignature(xml);
process.stdout.write((ok ? 'valid' : 'invalid') + '\\n');
process.exit(ok ? 0 : 1);
`,
);
// xmldsigjs through its CommonJS build, so that it and xml-core share one module instance.
const xmldsigjsMain = req.resolve('xmldsigjs');
writeFileSync(
  join(work, 'verify-xmldsigjs.cjs'),
  `const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { webcrypto } = require('node:crypto');
const xmldsig = require(${JSON.stringify(xmldsigjsMain)});
const r = createRequire(${JSON.stringify(xmldsigjsMain)});
const rc = createRequire(r.resolve('xml-core'));
const { DOMParser, XMLSerializer } = rc('@xmldom/xmldom');
r('xml-core').setNodeDependencies({ DOMParser, XMLSerializer, xpath: rc('xpath') });
xmldsig.Application.setEngine('NodeJS', webcrypto);
(async () => {
  const doc = xmldsig.Parse(readFileSync(process.argv[2], 'utf8'));
  const sig = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
  const sx = new xmldsig.SignedXml(doc);
  sx.LoadXml(sig);
  const ok = await sx.Verify();
  process.stdout.write((ok ? 'valid' : 'invalid') + '\\n');
  process.exit(ok ? 0 : 1);
})();
`,
);
const rootDir = fileURLToPath(new URL('..', import.meta.url));

function wall(cmd: string, args: readonly string[], cwd = work): { ms: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - t0;
  return {
    ms,
    out: `${r.status} ${(r.stdout || '').trim()} ${(r.stderr || '').trim().split('\n')[0] ?? ''}`.trim(),
  };
}

function medianWall(
  runs: number,
  cmd: string,
  args: readonly string[],
  cwd?: string,
): { ms: number; out: string } {
  const out: number[] = [];
  let last = '';
  for (let i = 0; i < runs; i++) {
    const r = wall(cmd, args, cwd);
    out.push(r.ms);
    last = r.out;
  }
  return { ms: median(out), out: last };
}

const runs = QUICK ? 3 : 7;
// Interleave so that load on a shared machine hits both alike.
const xmlsecTimes: number[] = [];
const shomeiTimes: number[] = [];
let xmlsecOut = '';
let shomeiOut = '';
for (let i = 0; i < runs; i++) {
  const a = wall('xmlsec1', [
    '--verify',
    '--trusted-der',
    join(vectors, 'root.der'),
    '--untrusted-der',
    join(vectors, 'intermediate.der'),
    file,
  ]);
  const b = wall(process.execPath, [bundle, file, join(vectors, 'root.der')]);
  xmlsecTimes.push(a.ms);
  shomeiTimes.push(b.ms);
  xmlsecOut = a.out;
  shomeiOut = b.out;
}
// Where the time goes before verifying: Node alone, and Node loading the bundle and reading the file.
const emptyTimes: number[] = [];
const loadTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  emptyTimes.push(wall(process.execPath, ['-e', '0']).ms);
  loadTimes.push(
    spawnTimed(process.execPath, [bundle, file, join(vectors, 'root.der')], { SHOMEI_BENCH_LOAD_ONLY: '1' }),
  );
}
const nodeEmpty = { ms: median(emptyTimes) };
const loadOnly = median(loadTimes);

function spawnTimed(cmd: string, args: readonly string[], env: Record<string, string>): number {
  const t0 = performance.now();
  spawnSync(cmd, args, { cwd: work, env: { ...process.env, ...env } });
  return performance.now() - t0;
}
const libRuns = QUICK ? 1 : 3;
const xmlCrypto = medianWall(
  libRuns,
  process.execPath,
  [join(work, 'verify-xml-crypto.cjs'), file, join(work, 'signer.pem')],
  rootDir,
);
const xmldsigjs = medianWall(libRuns, process.execPath, [join(work, 'verify-xmldsigjs.cjs'), file], rootDir);

const xs = median(xmlsecTimes);
const sh = median(shomeiTimes);
const mb = (signed.length / 1e6).toFixed(2);
console.log(
  `1. verify a ${mb} MB enveloped signature, whole process (median of ${runs}; libraries ${libRuns})`,
);
console.log(
  `   baseline xmlsec1 --verify      ${fmt(xs, 'ms')}   (${xmlsecOut.split(' ')[0] === '0' ? 'OK' : xmlsecOut})`,
);
console.log(
  `   shomei (bundled node script)  ${fmt(sh, 'ms')}   ratio ${(sh / xs).toFixed(2)}× xmlsec1 (target ≤ 1.0×)  [${shomeiOut}]`,
);
console.log(
  `   (node -e 0 alone              ${fmt(nodeEmpty.ms, 'ms')}; node loading the bundle and reading the file ${fmt(loadOnly, 'ms')})`,
);
console.log(
  `   xmldsigjs 2.8.8               ${fmt(xmldsigjs.ms, 'ms')}   ${(xmldsigjs.ms / xs).toFixed(1)}×  [${xmldsigjs.out}]`,
);
console.log(
  `   xml-crypto 6.3.2              ${fmt(xmlCrypto.ms, 'ms')}   ${(xmlCrypto.ms / xs).toFixed(1)}×  [${xmlCrypto.out}]`,
);

// ---- 2. in process, a 10 KB e-Gov application -------------------------------------------------------
const enc = (s: string) => new TextEncoder().encode(s);
const form = `<?xml version="1.0" encoding="UTF-8"?>\n<申請書>${'<項目>住所変更の届出に関する記載事項</項目>'.repeat(90)}</申請書>\n`;
const kousei = `<?xml version="1.0" encoding="UTF-8"?>
<DataRoot><様式ID>900A010200001000</様式ID><様式バージョン>0001</様式バージョン><STYLESHEET>900A010200001000.xsl</STYLESHEET>
<構成情報 ID="構成情報"><管理情報><手続ID>900A010200001000</手続ID><手続名称>住所変更届</手続名称>${'<備考>連絡事項</備考>'.repeat(40)}</管理情報>
<申請書属性情報><申請書ファイル名称>form_01.xml</申請書ファイル名称></申請書属性情報>
<添付書類属性情報><添付書類ファイル名称>添付.pdf</添付書類ファイル名称></添付書類属性情報></構成情報>
<署名情報></署名情報></DataRoot>
`;
const folder = await signEgovApplication(
  new Map([
    ['kousei.xml', enc(kousei)],
    ['form_01.xml', enc(form)],
    ['添付.pdf', new Uint8Array(2048).fill(0x25)],
  ]),
  signer,
);
const size = [...folder.values()].reduce((n, b) => n + b.length, 0);
const crls = [CrlIndex.from(v('intermediate.crl.der')), CrlIndex.from(v('root.crl.der'))];
const options = {
  trustAnchors: [root],
  crls,
  revocation: 'require' as const,
  pathCache: new PathResultCache(),
};
const first = await verifyEgovApplication(folder, options);
if (first.verdict !== 'valid') throw new Error(`setup: ${first.verdict} ${first.code}`);

const cert = parseCertificate(signerCert);
const key = createPublicKey({ key: Buffer.from(cert.spki), format: 'der', type: 'spki' });
const tbs = new Uint8Array(600).fill(1);
const sig = (await import('node:crypto')).sign('sha256', tbs, {
  key: readFileSync(join(vectors, 'signer.key.pem'), 'utf8'),
});
const n = QUICK ? 300 : 3000;
const base: number[] = [];
const ours: number[] = [];
for (let i = 0; i < (QUICK ? 3 : 5); i++) {
  base.push(await rate(n, () => verify('sha256', tbs, key, sig)));
  ours.push(await rate(n, () => verifyEgovApplication(folder, options)));
}
const b = median(base);
const o = median(ours);
console.log(
  `2. verify a ${(size / 1024).toFixed(1)} KB e-Gov application in process (cached path, CRLs indexed; median of ${base.length})`,
);
console.log(`   baseline node:crypto RSA-2048 verify  ${fmt(b, 'verifies/s')}`);
console.log(
  `   verifyEgovApplication                 ${fmt(o, 'verifies/s')}   ratio ${((o / b) * 100).toFixed(0)} % (target ≥ 40 %)`,
);

// ---- 3. memory -------------------------------------------------------------------------------------
/** Peak resident set (bytes) of a command, from GNU time. */
function peakRss(cmd: string, args: readonly string[], env: Record<string, string> = {}): number {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const kb = Number(r.stderr.trim().split('\n').at(-1));
  return kb * 1024;
}
console.log(
  '3. memory while verifying (peak RSS less the loaded process that only read the file; median of 3)',
);
for (const mbSize of QUICK ? [0.2] : [2, 20, 100]) {
  let text = '';
  const parts: string[] = [];
  for (let i = 0, len = 0; len * 2 < mbSize * 1e6; i++) {
    const r = record(i);
    parts.push(r);
    len += r.length;
  }
  text = `<?xml version="1.0" encoding="UTF-8"?>\n<源泉徴収票一覧 xmlns="urn:example:etax">\n${parts.join('')}</源泉徴収票一覧>\n`;
  const big = join(work, `signed-${mbSize}.xml`);
  const signedBig = await signXml(text, signer);
  writeFileSync(big, signedBig);
  const args = [bundle, big, join(vectors, 'root.der')];
  const loaded = median(
    [0, 1, 2].map(() => peakRss(process.execPath, args, { SHOMEI_BENCH_LOAD_ONLY: '1' })),
  );
  const verifying = median([0, 1, 2].map(() => peakRss(process.execPath, args)));
  const xmlsec = median(
    [0, 1, 2].map(() =>
      peakRss('xmlsec1', [
        '--verify',
        '--trusted-der',
        join(vectors, 'root.der'),
        '--untrusted-der',
        join(vectors, 'intermediate.der'),
        big,
      ]),
    ),
  );
  const size = signedBig.length;
  console.log(
    `   ${(size / 1e6).toFixed(1)} MB: shomei +${fmt((verifying - loaded) / 1e6, 'MB')} = ${((verifying - loaded) / size).toFixed(1)}× the document (target ≤ 3×); xmlsec1 peak ${fmt(xmlsec / 1e6, 'MB')} = ${(xmlsec / size).toFixed(1)}×`,
  );
}
// The documents (up to ~90 MB) and bundles are not worth keeping in the temporary directory.
rmSync(work, { recursive: true, force: true });

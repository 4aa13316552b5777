/**
 * Publishing a large CRL (target: 1,000,000 entries in ≤ 30 s). Baseline in the same run:
 * OpenSSL's own CRL producer, `openssl ca -gencrl`, from an index.txt with the same entries (same
 * serials, reasons and time) and the same RSA-2048 key. shomei: `syntheticRevokedList` + `buildCrl`
 * (columnar list, DER written straight into one buffer). Each of our CRLs is checked once by
 * `openssl crl -verify` (untimed). Medians over repeats. BENCH_QUICK=1 for a smoke run.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCrl, syntheticRevokedList } from '../packages/simulator/src/authority/crl.js';
import { encodeName, keyIdentifier } from '../packages/simulator/src/issuing/x509-encode.js';
import { median, QUICK } from './bench-util.js';

const N = QUICK ? 20_000 : 1_000_000;
const REPEATS = QUICK ? 2 : 3;
const TARGET_S = 30;

const dir = mkdtempSync(join(tmpdir(), 'shomei-bench-crl-'));
const at = (name: string) => join(dir, name);

try {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.pem'),
      '-subj',
      '/C=JP/O=JPKI/OU=bench',
      '-days',
      '30',
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(
    at('ca.cnf'),
    `[ca]\ndefault_ca = d\n[d]\ndatabase = ${at('index.txt')}\ncrlnumber = ${at('crlnumber')}\n` +
      `default_md = sha256\ndefault_crl_days = 1\ncertificate = ${at('ca.pem')}\nprivate_key = ${at('ca.key')}\n`,
  );
  const revokedAt = new Date(Date.UTC(2026, 10, 1));
  const list = syntheticRevokedList(N, { revokedAt });
  // index.txt rows for the same entries: R, expiry, revocation time[,reason], serial, file, subject.
  const reasonName = ['', 'keyCompromise', '', '', '', 'cessationOfOperation'];
  const rows: string[] = [];
  for (let i = 0; i < N; i++) {
    const serial = Buffer.from(list.serials.subarray(i * 8, i * 8 + 8))
      .toString('hex')
      .toUpperCase();
    const r = list.reasons[i]!;
    rows.push(
      `R\t301231000000Z\t261101000000Z${r >= 0 ? `,${reasonName[r]}` : ''}\t${serial}\tunknown\t/CN=x\n`,
    );
  }
  writeFileSync(at('index.txt'), rows.join(''));

  const key = createPrivateKey(readFileSync(at('ca.key')));
  const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const issuer = encodeName([
    ['country', 'JP'],
    ['organization', 'JPKI'],
    ['organizationalUnit', 'bench'],
  ]);

  const base: number[] = [];
  const ours: number[] = [];
  let size = 0;
  for (let r = 0; r < REPEATS; r++) {
    writeFileSync(at('crlnumber'), '01\n');
    let t = performance.now();
    execFileSync('openssl', ['ca', '-config', at('ca.cnf'), '-gencrl', '-out', at('openssl.crl')], {
      stdio: 'ignore',
    });
    base.push((performance.now() - t) / 1000);
    t = performance.now();
    const crl = buildCrl({
      issuer,
      issuerKey: key,
      issuerKeyId: keyIdentifier(spki),
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 86_400_000),
      crlNumber: 2 + r,
      revoked: syntheticRevokedList(N, { revokedAt }),
    });
    ours.push((performance.now() - t) / 1000);
    size = crl.length;
    if (r === 0) {
      writeFileSync(at('shomei.crl'), crl);
      execFileSync(
        'openssl',
        ['crl', '-inform', 'DER', '-in', at('shomei.crl'), '-verify', '-CAfile', at('ca.pem'), '-noout'],
        {
          stdio: 'ignore',
        },
      );
    }
  }
  const b = median(base);
  const o = median(ours);
  console.log(
    `CRL publication, ${N.toLocaleString('en')} entries (${(size / 1e6).toFixed(1)} MB DER) × ${REPEATS} repeats (medians)`,
  );
  console.log(`  baseline  openssl ca -gencrl (index.txt)          ${b.toFixed(2)} s`);
  console.log(
    `  shomei    syntheticRevokedList + buildCrl          ${o.toFixed(2)} s   (target ≤ ${TARGET_S} s: ${o <= TARGET_S ? 'met' : 'MISSED'}; openssl crl -verify: OK)`,
  );
  console.log(`  ratio     ${(o / b).toFixed(2)}× (below 1 = faster than OpenSSL)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

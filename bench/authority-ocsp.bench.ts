/**
 * OCSP responder cost per request (in process, no HTTP): `Authority.respondOcsp` on a real request
 * made by `openssl ocsp -reqout` (parse, CertID match, status lookup, BasicOCSPResponse, RSA-2048
 * signature) against a baseline measured in the same run: the bare RSA-2048 SHA-256 signature over
 * a TBS of the same size with the same key type — the floor any signing responder pays.
 * Medians over repeats. BENCH_QUICK=1 for a smoke run.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '@shomei/core';
import { Authority, OperatorCard } from '@shomei/simulator';
import { median, QUICK } from './bench-util.js';

const N = QUICK ? 50 : 1000;
const REPEATS = QUICK ? 2 : 7;

const dir = mkdtempSync(join(tmpdir(), 'shomei-bench-ocsp-'));

try {
  const authority = await Authority.create({ label: 'bench' });
  const operator = OperatorCard.create({ name: 'bench', pin: '1234' });
  authority.enrolOperator(operator);
  const session = authority.openSession(operator, '1234');
  const { card } = await authority.issue(session, {
    holder: {
      name: 'ベンチ 太郎',
      address: '東京都',
      birthDate: '1980-01-01',
      sex: 'male',
      myNumber: '123456789018',
    },
    pins: { sign: 'ABC123', auth: '1234', assist: '1234' },
  });
  writeFileSync(join(dir, 'ca.pem'), toPem('CERTIFICATE', authority.caCertificate('sign')));
  writeFileSync(join(dir, 'leaf.pem'), toPem('CERTIFICATE', card.certificate('sign')));
  execFileSync('openssl', [
    'ocsp',
    '-issuer',
    join(dir, 'ca.pem'),
    '-cert',
    join(dir, 'leaf.pem'),
    '-reqout',
    join(dir, 'req.der'),
  ]);
  const request = new Uint8Array(readFileSync(join(dir, 'req.der')));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tbs = new Uint8Array(250).fill(0x30); // about the size of the ResponseData signed per answer

  const base: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    let t = performance.now();
    for (let i = 0; i < N; i++) sign('sha256', tbs, privateKey);
    base.push(((performance.now() - t) / N) * 1000);
    t = performance.now();
    for (let i = 0; i < N; i++) authority.respondOcsp(request);
    ours.push(((performance.now() - t) / N) * 1000);
  }
  const b = median(base);
  const o = median(ours);
  console.log(`OCSP answer in process, ${N} requests × ${REPEATS} repeats (medians)`);
  console.log(`  baseline  bare RSA-2048 SHA-256 signature       ${b.toFixed(0)} µs`);
  console.log(
    `  shomei    Authority.respondOcsp (parse→sign)    ${o.toFixed(0)} µs   (${(1e6 / o).toFixed(0)} answers/s)`,
  );
  console.log(`  ratio     ${(o / b).toFixed(2)}×`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

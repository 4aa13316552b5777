/**
 * Wall time over the real stack (pcscd + vpcd in the quickack namespace of scripts/with-pcsc.sh):
 * reading all four certificates and one signature with the sign key.
 *   baseline: the same APDUs hand-written over PcscTransport (no ISO 7816 / JPKI layers, no queue)
 *   shomei:   openJpkiCard + readCertificate ×4 + sign, each call its own exclusive operation
 * Re-runs itself inside scripts/with-pcsc.sh when not already there; prints NOT RUN when the
 * PC/SC packages or root are missing. BENCH_QUICK=1 for a smoke run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchCard, median, QUICK } from './bench-util.js';

if (!process.env.SHOMEI_PCSC) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync('scripts/with-pcsc.sh', ['npx', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status === 3)
    console.log('card-pcsc: NOT RUN (needs root and pcscd + vsmartcard-vpcd; see scripts/with-pcsc.sh)');
  process.exit(r.status === 3 ? 0 : (r.status ?? 1));
}

const { VpcdBridge } = await import('@shomei/simulator');
const { encodeCommand } = await import('../packages/card/src/apdu/command.js');
const { readBinaryCommand, selectAidCommand, selectEfCommand, verifyCommand } = await import(
  '../packages/card/src/iso7816/commands.js'
);
const { openJpkiCard } = await import('../packages/card/src/jpki/open.js');
const { digestInfo } = await import('../packages/card/src/jpki/digest-info.js');
const { AIDS, JPKI_EF } = await import('../packages/card/src/jpki/tables.js');
const { PcscContext } = await import('../packages/card/src/transport/pcsc-context.js');
const { PcscTransport } = await import('../packages/card/src/transport/pcsc-transport.js');

const REPEATS = QUICK ? 3 : 15;
const READER = 'Virtual PCD 00 00';
const PIN = 'ABC123';

const card = await benchCard({ sign: PIN });
const bridge = new VpcdBridge(card, { slot: 0, reconnectDelayMs: 100 });
bridge.start();
await bridge.whenConnected();
const context = await PcscContext.open();
await context.waitForCard(READER, { timeoutMs: 5000 });
context.close();

const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('bench')));
const info = digestInfo('SHA-256', digest);
const enc = encodeCommand;

async function readRaw(t: Awaited<ReturnType<typeof PcscTransport.open>>, fid: number) {
  await t.transmit(enc(selectEfCommand(fid)));
  const head = await t.transmit(enc(readBinaryCommand(0, 4)));
  const total = ((head[2]! << 8) | head[3]!) + 4;
  for (let offset = 4; offset < total; offset += 256) {
    await t.transmit(enc(readBinaryCommand(offset, Math.min(256, total - offset))));
  }
}

async function baseline() {
  const t = await PcscTransport.open({ reader: READER });
  await t.connect({ share: 'exclusive' });
  await t.transmit(enc(selectAidCommand(AIDS.jpki)));
  for (const fid of [JPKI_EF.authCertificate, JPKI_EF.authCaCertificate, JPKI_EF.signCaCertificate])
    await readRaw(t, fid);
  const pin = new TextEncoder().encode(PIN);
  await t.transmit(enc(selectEfCommand(JPKI_EF.signPin)));
  await t.transmit(enc(verifyCommand(pin)));
  await readRaw(t, JPKI_EF.signCertificate);
  await t.transmit(enc(selectEfCommand(JPKI_EF.signKey)));
  const sig = await t.transmit(enc({ cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: info, le: 256 }));
  if (sig.length !== 258) throw new Error('baseline signature failed');
  await t.disconnect('reset');
  await t.close();
}

async function shomei() {
  await using jpki = await openJpkiCard({ reader: READER });
  for (const kind of ['auth', 'auth-ca', 'sign-ca'] as const) await jpki.readCertificate(kind);
  await jpki.readCertificate('sign', { pin: PIN });
  const sig = await jpki.sign('sign', { digest, hash: 'SHA-256' }, { pin: PIN });
  if (sig.length !== 256) throw new Error('signature failed');
}

const base: number[] = [];
const ours: number[] = [];
for (let r = 0; r < REPEATS; r++) {
  let start = performance.now();
  await baseline();
  base.push(performance.now() - start);
  start = performance.now();
  await shomei();
  ours.push(performance.now() - start);
}
await bridge.stop();
const b = median(base);
const o = median(ours);
console.log(
  `4 certificates + 1 signature over pcscd + vpcd (quickack namespace), ${REPEATS} repeats (medians)`,
);
console.log(`  baseline  hand-written APDUs over PcscTransport   ${b.toFixed(1)} ms`);
console.log(`  shomei    openJpkiCard + readCertificate×4 + sign  ${o.toFixed(1)} ms`);
console.log(`  ratio     ${(o / b).toFixed(2)}×`);
process.exit(0);

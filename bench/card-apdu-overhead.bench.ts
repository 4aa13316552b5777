/**
 * Driver overhead per APDU over MemoryTransport: the same READ BINARY sent
 * (a) as pre-encoded bytes straight to `transport.transmit` — the baseline, which includes the
 * virtual card's own work — and (b) through shomei's ApduChannel (encode, 61xx/6Cxx handling, status
 * words, timeout/abort plumbing). Also a whole `readCertificate('auth')` against the same APDUs
 * hand-written. Medians over repeats; BENCH_QUICK=1 for a smoke run.
 */
import { MemoryTransport } from '@shomei/simulator';
import { encodeCommand } from '../packages/card/src/apdu/command.js';
import { ApduChannel } from '../packages/card/src/iso7816/channel.js';
import {
  readBinaryCommand,
  selectAidCommand,
  selectEfCommand,
} from '../packages/card/src/iso7816/commands.js';
import { JpkiCard } from '../packages/card/src/jpki/jpki-card.js';
import { AIDS, JPKI_EF } from '../packages/card/src/jpki/tables.js';
import { benchCard, median, QUICK } from './bench-util.js';

const N = QUICK ? 200 : 5000;
const REPEATS = QUICK ? 3 : 9;
const CERT_N = QUICK ? 20 : 300;

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const card = await benchCard();
const transport = new MemoryTransport(card);
await transport.connect();
const channel = new ApduChannel(transport);
await transport.transmit(encodeCommand(selectAidCommand(AIDS.jpki)));
await transport.transmit(encodeCommand(selectEfCommand(JPKI_EF.authCertificate)));
const readCmd = readBinaryCommand(0, 256);
const readBytes = encodeCommand(readCmd);

const base: number[] = [];
const ours: number[] = [];
for (let r = 0; r < REPEATS; r++) {
  base.push(
    await time(async () => {
      for (let i = 0; i < N; i++) await transport.transmit(readBytes);
    }),
  );
  ours.push(
    await time(async () => {
      for (let i = 0; i < N; i++) await channel.send(readCmd);
    }),
  );
}
const baseUs = (median(base) / N) * 1000;
const oursUs = (median(ours) / N) * 1000;
console.log(`READ BINARY (256 bytes) over MemoryTransport, ${N} APDUs × ${REPEATS} repeats (medians)`);
console.log(`  baseline  raw transport.transmit     ${baseUs.toFixed(2)} µs/APDU`);
console.log(`  shomei    ApduChannel.send           ${oursUs.toFixed(2)} µs/APDU`);
console.log(`  overhead  ${(oursUs - baseUs).toFixed(2)} µs/APDU, ratio ${(oursUs / baseUs).toFixed(2)}×`);
await transport.disconnect();

// Whole operation: readCertificate('auth') vs the same APDUs hand-written.
const jpki = new JpkiCard(transport);
const certLength = card.certificate('auth').length;
const handWritten = async () => {
  await transport.connect({ share: 'exclusive' });
  await transport.transmit(encodeCommand(selectAidCommand(AIDS.jpki)));
  await transport.transmit(encodeCommand(selectEfCommand(JPKI_EF.authCertificate)));
  for (let offset = 0; offset < certLength; offset += 256) {
    await transport.transmit(encodeCommand(readBinaryCommand(offset, Math.min(256, certLength - offset))));
  }
  await transport.disconnect('leave');
};
const certBase: number[] = [];
const certOurs: number[] = [];
for (let r = 0; r < REPEATS; r++) {
  certBase.push(
    await time(async () => {
      for (let i = 0; i < CERT_N; i++) await handWritten();
    }),
  );
  certOurs.push(
    await time(async () => {
      for (let i = 0; i < CERT_N; i++) await jpki.readCertificate('auth');
    }),
  );
}
const cb = (median(certBase) / CERT_N) * 1000;
const co = (median(certOurs) / CERT_N) * 1000;
console.log(`readCertificate('auth') (${certLength} bytes), ${CERT_N} reads × ${REPEATS} repeats (medians)`);
console.log(`  baseline  hand-written APDUs         ${cb.toFixed(1)} µs/read`);
console.log(`  shomei    JpkiCard.readCertificate   ${co.toFixed(1)} µs/read`);
console.log(`  ratio     ${(co / cb).toFixed(2)}×`);

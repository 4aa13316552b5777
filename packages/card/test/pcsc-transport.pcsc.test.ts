/**
 * PcscTransport against the real stack (pcscd + vpcd in scripts/with-pcsc.sh's namespace), with a
 * tiny vpcd card so that wire behaviour (removal, reset, sharing, hung cards, two processes) is tested
 * without the JPKI layer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardAccess } from '../src/transport/card-access.js';
import { listReaders, PcscContext } from '../src/transport/pcsc-context.js';
import { PcscTransport } from '../src/transport/pcsc-transport.js';
import { TINY_ATR, TinyVicc } from './fixtures/tiny-vicc.js';

const READER = 'Virtual PCD 00 00';
const OTHER_READER = 'Virtual PCD 00 01';
const OK = Uint8Array.of(0x90, 0x00);
const PROBE = Uint8Array.of(0x00, 0xca, 0x00, 0x00);

let vicc: TinyVicc;
let context: PcscContext;

async function waitFor(name: string, present: boolean) {
  const deadline = Date.now() + 5000;
  while (context.readers().find((r) => r.name === name)?.cardPresent !== present) {
    if (Date.now() > deadline) throw new Error(`reader ${name} did not become ${present ? 'full' : 'empty'}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!process.env.SHOMEI_PCSC)('PcscTransport over pcscd + vpcd', () => {
  beforeAll(async () => {
    context = await PcscContext.open();
    vicc = new TinyVicc(35963, (command) => Uint8Array.of(...command.slice(0, 2), 0x90, 0x00));
    await vicc.insert();
    await waitFor(READER, true);
  });

  afterAll(() => {
    vicc.remove();
    context.close();
  });

  it('lists both vpcd readers and the card in the first one', async () => {
    const readers = await listReaders();
    expect(readers.map((r) => [r.name, r.cardPresent])).toEqual([
      [READER, true],
      [OTHER_READER, false],
    ]);
  });

  it('reports the ATR of the connected card', async () => {
    const transport = PcscTransport.onContext(context, { reader: READER });
    await transport.connect();
    expect(transport.atr).toEqual(TINY_ATR);
    await transport.close();
  });

  it('exchanges an APDU and returns data and SW as the card sent them', async () => {
    const transport = PcscTransport.onContext(context, { reader: READER });
    await transport.connect({ share: 'exclusive' });
    expect(await transport.transmit(PROBE)).toEqual(Uint8Array.of(0x00, 0xca, ...OK));
    await transport.close();
  });

  it('receives a 256-byte response plus SW (receive buffer sized for it)', async () => {
    vicc.handler = () => Uint8Array.of(...new Uint8Array(256).fill(0x5a), 0x90, 0x00);
    const transport = PcscTransport.onContext(context, { reader: READER });
    await transport.connect();
    const response = await transport.transmit(Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x00));
    expect(response.length).toBe(258);
    await transport.close();
    vicc.handler = (command) => Uint8Array.of(...command.slice(0, 2), 0x90, 0x00);
  });

  it('refuses a second exclusive connection with CARD_BUSY', async () => {
    const first = PcscTransport.onContext(context, { reader: READER });
    const second = await PcscTransport.open({ reader: READER });
    await first.connect({ share: 'exclusive' });
    await expect(second.connect({ share: 'exclusive' })).rejects.toMatchObject({ code: 'CARD_BUSY' });
    await first.close();
    await second.close();
  });

  it('maps a removed card to CARD_REMOVED and reconnects after re-insertion', async () => {
    const transport = PcscTransport.onContext(context, { reader: READER });
    await transport.connect();
    vicc.remove();
    await waitFor(READER, false);
    await expect(transport.transmit(PROBE)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    await vicc.insert();
    await waitFor(READER, true);
    await transport.connect();
    expect(await transport.transmit(PROBE)).toEqual(Uint8Array.of(0x00, 0xca, ...OK));
    await transport.close();
  });

  it('maps a reset by another program to CARD_RESET', async () => {
    const mine = PcscTransport.onContext(context, { reader: READER });
    const other = await PcscTransport.open({ reader: READER });
    await mine.connect();
    await other.connect();
    await other.disconnect('reset');
    await expect(mine.transmit(PROBE)).rejects.toMatchObject({ code: 'CARD_RESET' });
    await mine.connect();
    expect(await mine.transmit(PROBE)).toEqual(Uint8Array.of(0x00, 0xca, ...OK));
    await mine.close();
    await other.close();
  });

  it('gives NO_CARD when connecting to an empty reader', async () => {
    const transport = PcscTransport.onContext(context, { reader: OTHER_READER });
    await expect(transport.connect()).rejects.toMatchObject({ code: 'NO_CARD' });
    await transport.close();
  });

  describe('two processes', () => {
    const holder = fileURLToPath(new URL('./fixtures/pcsc-holder.ts', import.meta.url));
    const startHolder = (holdMs: number): Promise<{ child: ChildProcess; done: Promise<void> }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', holder, READER, String(holdMs), '1'], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        const done = new Promise<void>((ok, fail) => {
          child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`holder exited with ${code}`))));
        });
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('HELD')) resolve({ child, done });
        });
        child.on('error', reject);
        done.catch(reject);
      });

    it('waits for the other process and never interleaves with its operation', async () => {
      vicc.commands.length = 0;
      const { done } = await startHolder(600);
      const transport = PcscTransport.onContext(context, { reader: READER });
      const access = new CardAccess(transport, { busyTimeoutMs: 10_000 });
      await access.run(async (t) => {
        for (let i = 0; i < 5; i++) await t.transmit(Uint8Array.of(0x00, 0xca, 2, i));
      });
      await done;
      const tags = vicc.commands.filter((c) => c[1] === 0xca && (c[2] === 1 || c[2] === 2)).map((c) => c[2]);
      const firstMine = tags.indexOf(2);
      expect(firstMine).toBeGreaterThan(0);
      expect(tags.slice(0, firstMine).every((t) => t === 1)).toBe(true);
      expect(tags.slice(firstMine).every((t) => t === 2)).toBe(true);
      await transport.close();
    });

    it('gives up with CARD_BUSY when the other process holds the card past busyTimeoutMs', async () => {
      const { done } = await startHolder(1500);
      const transport = PcscTransport.onContext(context, { reader: READER });
      const access = new CardAccess(transport, { busyTimeoutMs: 300 });
      await expect(access.run(async () => {})).rejects.toMatchObject({ code: 'CARD_BUSY' });
      await done;
      await transport.close();
    });
  });

  it('ends with TIMEOUT when the card stops answering', async () => {
    const hung = new TinyVicc(35964, () => 'hang');
    await hung.insert();
    await waitFor(OTHER_READER, true);
    const transport = PcscTransport.onContext(context, { reader: OTHER_READER, transmitTimeoutMs: 300 });
    await transport.connect();
    await expect(transport.transmit(PROBE)).rejects.toMatchObject({ code: 'TIMEOUT' });
    // vpcd waits for the answer without a timeout; removing the card releases pcscd's reader thread.
    hung.remove();
    await transport.close();
  });
});

/**
 * Daemon faults through the real stack: pcscd killed and restarted, the vpcd connection
 * dropped in the middle of an operation. VirtualJpkiCard → VpcdBridge → vpcd → pcscd → PcscTransport →
 * JpkiCard. Every fault ends in a typed error, the next call succeeds once the reader is back, and no
 * PIN try is lost.
 */
import { isShomeiError } from '@shomei/core';
import { CardFaults, type VirtualJpkiCard, VpcdBridge } from '@shomei/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJpkiCard } from '../../src/jpki/open.js';
import { PcscContext } from '../../src/transport/pcsc-context.js';
import { issueTemplate, PINS, rig } from '../fixtures/virtual-cards.js';
import { killPcscd, startPcscd } from '../support/pcscd-restart.js';

const READER = 'Virtual PCD 00 00';
const data = new TextEncoder().encode('daemon faults');

let card: VirtualJpkiCard;
let faults: CardFaults;
let bridge: VpcdBridge;

async function cardPresent(): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const context = await PcscContext.open();
      try {
        await context.waitForCard(READER, { timeoutMs: 5000 });
        return;
      } finally {
        context.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Waits until pcscd has seen the reader empty (vpcd link down), so the re-connection is a re-insertion. */
async function cardAbsent(): Promise<void> {
  const context = await PcscContext.open();
  try {
    const deadline = Date.now() + 10_000;
    while (context.readers().find((r) => r.name === READER)?.cardPresent) {
      if (Date.now() > deadline) throw new Error('card still present');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    context.close();
  }
}

async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

describe.skipIf(!process.env.SHOMEI_PCSC)('daemon faults over pcscd + vpcd', () => {
  beforeAll(async () => {
    ({ card } = rig(await issueTemplate()));
    faults = new CardFaults();
    bridge = new VpcdBridge(card, { slot: 0, faults, reconnectDelayMs: 100 });
    bridge.start();
    await bridge.whenConnected();
    await cardPresent();
  });

  afterAll(async () => {
    await bridge.stop();
    // Leave the reader empty as pcscd sees it: a card re-inserted (by the next file's bridge) before
    // pcscd noticed the removal keeps a stale power state and answers "transaction failed".
    await cardAbsent();
  });

  it('the vpcd connection dropped during signing: typed error, the next sign succeeds, no PIN try lost', async () => {
    await using jpki = await openJpkiCard({ reader: READER });
    faults.forceStatusWord(0x9000, (command) => {
      if (command[1] === 0x2a) void bridge.stop();
      return false;
    });
    const first = await settle(jpki.sign('sign', { data }, { pin: PINS.sign }));
    expect(isShomeiError(first.error), String(first.error)).toBe(true);
    faults.clearFaults();
    await bridge.stop();
    await cardAbsent();
    bridge.start();
    await bridge.whenConnected();
    await cardPresent();
    expect(await jpki.sign('sign', { data }, { pin: PINS.sign })).toHaveLength(256);
    expect(card.pinTries().sign).toBe(5);
  });

  it('the vpcd connection dropped before VERIFY reaches the card: typed error, no PIN try lost', async () => {
    await using jpki = await openJpkiCard({ reader: READER });
    let verifies = 0;
    faults.forceStatusWord(0x9000, (command) => {
      if (command[1] === 0x20 && command.length > 5) verifies++;
      return false;
    });
    await bridge.stop();
    const first = await settle(jpki.verifyPin('sign', PINS.sign));
    expect(first.error).toMatchObject({
      code: expect.stringMatching(/NO_CARD|CARD_REMOVED|READER|PCSC_ERROR/),
    });
    expect(verifies).toBe(0);
    faults.clearFaults();
    await bridge.stop();
    await cardAbsent();
    bridge.start();
    await bridge.whenConnected();
    await cardPresent();
    await jpki.verifyPin('sign', PINS.sign);
    expect(card.pinTries().sign).toBe(5);
  });

  for (const [what, ins] of [
    ['VERIFY', 0x20],
    ['COMPUTE DIGITAL SIGNATURE', 0x2a],
  ] as const) {
    it(`the card removed during ${what}: typed error, the next sign after re-insertion succeeds, no PIN try lost`, async () => {
      await using jpki = await openJpkiCard({ reader: READER });
      faults.forceStatusWord(0x9000, (command) => {
        if (command[1] === ins && command.length > 5) faults.removeCard();
        return false;
      });
      const first = await settle(jpki.sign('sign', { data }, { pin: PINS.sign }));
      expect(first.error).toMatchObject({ code: expect.stringMatching(/CARD_REMOVED|NO_CARD/) });
      faults.clearFaults();
      await cardAbsent();
      faults.insertCard();
      await bridge.whenConnected();
      await cardPresent();
      expect(await jpki.sign('sign', { data }, { pin: PINS.sign })).toHaveLength(256);
      expect(card.pinTries().sign).toBe(5);
    });
  }

  it('pcscd killed and restarted: the open card gives a typed error, then the same handle works again', async () => {
    await using jpki = await openJpkiCard({ reader: READER });
    await jpki.verifyPin('sign', PINS.sign);
    await killPcscd();
    const during = await settle(jpki.sign('sign', { data }, { pin: PINS.sign }));
    expect(during.error).toMatchObject({
      code: expect.stringMatching(/PCSC_NO_SERVICE|PCSC_ERROR|CARD_REMOVED/),
    });
    await startPcscd();
    await bridge.whenConnected();
    await cardPresent();
    expect(await jpki.sign('sign', { data }, { pin: PINS.sign })).toHaveLength(256);
    expect(card.pinTries().sign).toBe(5);
  });
});

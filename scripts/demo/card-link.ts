/**
 * How the card driver reaches the virtual card: in memory (MemoryTransport), or through a real PC/SC
 * stack — the card inserted into pcscd's vpcd reader with VpcdBridge, the driver on PcscTransport.
 */
import { type JpkiCard, openJpkiCard, PcscContext } from '@shomei/card';
import { MemoryTransport, type VirtualJpkiCard, VpcdBridge } from '@shomei/simulator';

/** vsmartcard's first vpcd reader (slot 0, 127.0.0.1:35963). */
export const VPCD_READER = 'Virtual PCD 00 00';

export interface CardLink {
  /** Where the card sits, for the output. */
  readonly description: string;
  open(): Promise<JpkiCard>;
  close(): Promise<void>;
}

export function memoryLink(card: VirtualJpkiCard): CardLink {
  return {
    description: 'in memory (MemoryTransport)',
    open: () => openJpkiCard({ transport: new MemoryTransport(card) }),
    close: async () => {},
  };
}

/** Thrown when --pcsc cannot run here; the message says what is missing. */
export class PcscNotAvailable extends Error {}

const PCSC_HINT = [
  "--pcsc needs a running pcscd with vsmartcard's vpcd reader.",
  '  install:  apt-get install pcscd libpcsclite-dev vsmartcard-vpcd, then start pcscd',
  '  or run it in the private test rig:  scripts/with-pcsc.sh pnpm demo --pcsc',
  '  without --pcsc the demo runs the same steps with the card in memory.',
].join('\n');

/** Checks that pcscd answers and lists the vpcd reader, before any card is issued. */
export async function checkPcsc(): Promise<void> {
  let context: PcscContext;
  try {
    context = await PcscContext.open();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new PcscNotAvailable(`PC/SC is not available: ${why}\n${PCSC_HINT}`);
  }
  try {
    const names = context.readers().map((r) => r.name);
    if (!names.includes(VPCD_READER)) {
      const seen = names.length ? names.join(', ') : 'none';
      throw new PcscNotAvailable(`pcscd has no "${VPCD_READER}" reader (readers: ${seen}).\n${PCSC_HINT}`);
    }
  } finally {
    context.close();
  }
}

/** Inserts the card into the vpcd reader and waits until pcscd sees it. */
export async function pcscLink(card: VirtualJpkiCard): Promise<CardLink> {
  const bridge = new VpcdBridge(card, { slot: 0, reconnectDelayMs: 200 });
  bridge.start();
  try {
    await bridge.whenConnected(AbortSignal.timeout(10_000));
    const context = await PcscContext.open();
    try {
      await context.waitForCard(VPCD_READER, { timeoutMs: 10_000 });
    } finally {
      context.close();
    }
  } catch (error) {
    await bridge.stop();
    throw error;
  }
  return {
    description: `PC/SC reader "${VPCD_READER}" (pcscd + vpcd)`,
    open: () => openJpkiCard({ reader: VPCD_READER }),
    close: () => bridge.stop(),
  };
}

/**
 * Fault matrix through MemoryTransport + CardFaults: for every operation and every step
 * (command) of it, the card is removed before the command, removed while the card answers, the
 * response is corrupted, or a status word is forced. Each case must end in a typed error (or, for
 * faults the protocol cannot see, such as a status word the driver treats as normal, in success); the
 * next call after re-insertion must succeed; and no PIN try may be lost.
 */
import { isShomeiError } from '@shomei/core';
import type { CardFaults, MemoryTransport, VirtualJpkiCard } from '@shomei/simulator';
import { recordCases } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { JpkiCard } from '../../src/jpki/jpki-card.js';
import type { Transport } from '../../src/transport/transport.js';
import { issueTemplate, PINS, pinVerifies, rig } from '../fixtures/virtual-cards.js';

let template: VirtualJpkiCard;
beforeAll(async () => {
  template = await issueTemplate();
});

type Op = (card: JpkiCard) => Promise<unknown>;

const OPERATIONS: Record<string, Op> = {
  'READ BINARY (auth certificate)': (c) => c.readCertificate('auth'),
  'VERIFY (sign PIN)': (c) => c.verifyPin('sign', PINS.sign),
  'signing (sign key with PIN)': (c) =>
    c.sign('sign', { data: new TextEncoder().encode('hello') }, { pin: PINS.sign }),
  'READ BINARY behind a PIN (attributes)': (c) => c.readAttributes(PINS.assist),
  'PIN status': (c) => c.pinStatus(),
};

type Fault =
  | { kind: 'remove-before' }
  | { kind: 'remove-during' }
  | { kind: 'corrupt'; how: 'flip-byte' | 'truncate' | 'flip-sw2' | 'empty' }
  | { kind: 'status'; sw: number };

const FAULTS: Fault[] = [
  { kind: 'remove-before' },
  { kind: 'remove-during' },
  { kind: 'corrupt', how: 'flip-byte' },
  { kind: 'corrupt', how: 'truncate' },
  { kind: 'corrupt', how: 'flip-sw2' },
  { kind: 'corrupt', how: 'empty' },
  ...[0x6982, 0x6a82, 0x6581, 0x6700, 0x6d00, 0x6f00, 0x63c1, 0x6983, 0x6100, 0x6c10, 0x9000].map(
    (sw) => ({ kind: 'status', sw }) as const,
  ),
];

const faultName = (f: Fault) =>
  f.kind === 'status'
    ? `SW ${f.sw.toString(16).toUpperCase()}`
    : f.kind === 'corrupt'
      ? `corrupt:${f.how}`
      : f.kind;

/** Calls `hook(n)` before the n-th command (1-based) is handed to the memory transport. */
function stepHook(inner: MemoryTransport, hook: (n: number) => void): Transport {
  let n = 0;
  return {
    get name() {
      return inner.name;
    },
    get connected() {
      return inner.connected;
    },
    get atr() {
      return inner.atr;
    },
    connect: (o) => inner.connect(o),
    transmit: (command, o) => {
      hook(++n);
      return inner.transmit(command, o);
    },
    disconnect: (d) => inner.disconnect(d),
    close: () => inner.close(),
  };
}

function arm(fault: Fault, faults: CardFaults): void {
  switch (fault.kind) {
    case 'remove-before':
      faults.removeCard();
      return;
    case 'remove-during':
      // The card processes the command; the reader loses it before the answer arrives.
      faults.delayNextResponse(20);
      setTimeout(() => faults.removeCard(), 5);
      return;
    case 'corrupt':
      faults.corruptNextResponse(
        fault.how === 'flip-sw2'
          ? (r) => {
              r[r.length - 1]! ^= 0x01;
              return r;
            }
          : fault.how === 'empty'
            ? () => new Uint8Array(0)
            : fault.how,
      );
      return;
    case 'status':
      faults.forceStatusWord(fault.sw);
      return;
  }
}

interface Outcome {
  error?: unknown;
}

async function attempt(op: Op, card: JpkiCard): Promise<Outcome> {
  try {
    await op(card);
    return {};
  } catch (error) {
    return { error };
  }
}

/** Commands one clean run of `op` sends, on a fresh card. */
async function stepsOf(op: Op): Promise<number> {
  const { faults, transport } = rig(template);
  const card = new JpkiCard(transport);
  await op(card);
  await card.close();
  return faults.commandCount;
}

describe('fault matrix (MemoryTransport + CardFaults)', () => {
  for (const [opName, op] of Object.entries(OPERATIONS)) {
    for (const fault of FAULTS) {
      it(`${opName} × ${faultName(fault)} at every step: typed error, recovery, no PIN try lost`, async () => {
        const steps = await stepsOf(op);
        expect(steps).toBeGreaterThan(0);
        for (let step = 1; step <= steps; step++) {
          const { card: vcard, faults, transport } = rig(template);
          const before = vcard.pinTries();
          const jpki = new JpkiCard(
            stepHook(transport, (n) => {
              if (n === step) arm(fault, faults);
            }),
          );
          const outcome = await attempt(op, jpki);
          if (outcome.error !== undefined && !isShomeiError(outcome.error)) {
            throw new Error(`step ${step}: untyped ${String(outcome.error)}`, { cause: outcome.error });
          }
          if (fault.kind === 'remove-before' || fault.kind === 'remove-during') {
            expect(outcome.error, `step ${step}`).toMatchObject({ code: 'CARD_REMOVED' });
          }
          // A PIN is never sent twice by one call, whatever the card answered.
          expect(pinVerifies(faults), `step ${step}`).toBeLessThanOrEqual(1);
          // Re-insert, drop the faults, and the very next call succeeds.
          faults.clearFaults();
          faults.insertCard();
          await op(jpki);
          // The correct PIN went to the card (or a forced status stood in for it): no try lost.
          expect(vcard.pinTries(), `step ${step}`).toEqual(before);
          await jpki.close();
        }
        recordCases(steps);
      });
    }
  }
});

describe('slow card', () => {
  it('a response slower than timeoutMs ends in TIMEOUT and the next call succeeds', async () => {
    const { card: vcard, faults, transport } = rig(template);
    const jpki = new JpkiCard(transport, { timeoutMs: 30 });
    faults.delayNextResponse(200);
    await expect(jpki.verifyPin('sign', PINS.sign)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(jpki.verifyPin('sign', PINS.sign)).resolves.toBeUndefined();
    expect(vcard.pinTries().sign).toBe(5);
    await jpki.close();
  });

  it('an abort during a slow sign ends in ABORTED, and no PIN was sent', async () => {
    const { card: vcard, faults, transport } = rig(template);
    const jpki = new JpkiCard(transport);
    faults.delayResponses(50);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const data = new TextEncoder().encode('x');
    await expect(
      jpki.sign('sign', { data }, { pin: PINS.sign, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(pinVerifies(faults)).toBe(0);
    faults.clearFaults();
    await expect(jpki.sign('sign', { data }, { pin: PINS.sign })).resolves.toHaveLength(256);
    expect(vcard.pinTries().sign).toBe(5);
    await jpki.close();
  });

  it('an already-aborted signal sends nothing', async () => {
    const { faults, transport } = rig(template);
    const jpki = new JpkiCard(transport);
    await expect(jpki.verifyPin('sign', PINS.sign, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(faults.commandCount).toBe(0);
    await jpki.close();
  });
});

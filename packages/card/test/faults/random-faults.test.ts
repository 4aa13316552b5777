/**
 * Random fault schedules: fast-check draws a sequence of operations, each with a fault at
 * a random step (removal, corruption, forced status word, delay past the timeout) or none. Invariants
 * over the whole sequence: every failure is typed, no call sends its PIN twice, every fault-free call
 * succeeds, and at the end a clean sign works and no PIN try was lost.
 */
import { isShomeiError } from '@shomei/core';
import type { CardFaults, MemoryTransport, VirtualJpkiCard } from '@shomei/simulator';
import { FUZZ_RUNS, FUZZ_SEED, recordCases } from '@shomei/simulator/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { JpkiCard } from '../../src/jpki/jpki-card.js';
import type { Transport } from '../../src/transport/transport.js';
import { issueTemplate, PINS, pinVerifies, rig } from '../fixtures/virtual-cards.js';

let template: VirtualJpkiCard;
beforeAll(async () => {
  template = await issueTemplate();
});

const data = new TextEncoder().encode('random faults');
type Call = (c: JpkiCard, signal?: AbortSignal) => Promise<unknown>;
const OPS: Record<string, Call> = {
  readCert: (c, signal) => c.readCertificate('sign-ca', { ...(signal ? { signal } : {}) }),
  verify: (c, signal) => c.verifyPin('auth', PINS.auth, { ...(signal ? { signal } : {}) }),
  sign: (c, signal) => c.sign('sign', { data }, { pin: PINS.sign, ...(signal ? { signal } : {}) }),
  authSign: (c, signal) => c.sign('auth', { data }, { pin: PINS.auth, ...(signal ? { signal } : {}) }),
  attrs: (c, signal) => c.readAttributes(PINS.assist, { ...(signal ? { signal } : {}) }),
  status: (c, signal) => c.pinStatus({ ...(signal ? { signal } : {}) }),
};
type OpName = keyof typeof OPS;
/** Runs per default test run; `FUZZ_RUNS` scales it for `pnpm fuzz`. */
const RUNS = Math.max(60, Math.floor(FUZZ_RUNS / 150));

type Fault = 'none' | 'remove' | 'flip' | 'truncate' | 'sw' | 'slow';
const step = fc.record({
  op: fc.constantFrom(...(Object.keys(OPS) as OpName[])),
  fault: fc.constantFrom<Fault>('none', 'none', 'remove', 'flip', 'truncate', 'sw', 'slow'),
  at: fc.integer({ min: 1, max: 8 }),
  sw: fc.constantFrom(0x6982, 0x6a82, 0x6581, 0x6700, 0x6f00, 0x63c1, 0x6983, 0x6100, 0x6c05, 0x9000, 0x6283),
});

function hooked(inner: MemoryTransport, hook: { fn?: (n: number) => void; n: number }): Transport {
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
      hook.fn?.(++hook.n);
      return inner.transmit(command, o);
    },
    disconnect: (d) => inner.disconnect(d),
    close: () => inner.close(),
  };
}

function arm(faults: CardFaults, s: { fault: Fault; sw: number }): void {
  if (s.fault === 'remove') faults.removeCard();
  else if (s.fault === 'flip') faults.corruptNextResponse('flip-byte');
  else if (s.fault === 'truncate') faults.corruptNextResponse('truncate');
  else if (s.fault === 'sw') faults.forceStatusWord(s.sw);
  else if (s.fault === 'slow') faults.delayNextResponse(15);
}

describe('random fault schedules', () => {
  it(`keep every invariant over ${RUNS} seeded schedules of up to 12 operations`, async () => {
    let operations = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (schedule) => {
        const { card, faults, transport } = rig(template);
        const hook: { fn?: (n: number) => void; n: number } = { n: 0 };
        const jpki = new JpkiCard(hooked(transport, hook));
        const before = card.pinTries();
        for (const s of schedule) {
          operations++;
          hook.n = 0;
          hook.fn = s.fault === 'none' ? undefined : (n) => n === s.at && arm(faults, s);
          faults.clearRecords();
          let error: unknown;
          // A slow card meets a caller who gives up after 5 ms (abort); fault-free calls get no deadline.
          const signal = s.fault === 'slow' ? AbortSignal.timeout(5) : undefined;
          try {
            await OPS[s.op]!(jpki, signal);
          } catch (e) {
            error = e;
          }
          hook.fn = undefined;
          if (error !== undefined && !isShomeiError(error)) throw error;
          if (s.fault === 'none' && error !== undefined)
            throw new Error(`${s.op} failed without a fault: ${String(error)}`);
          if (pinVerifies(faults) > 1) throw new Error(`${s.op} sent its PIN ${pinVerifies(faults)} times`);
          faults.clearFaults();
          faults.insertCard();
          // A delayed answer may still be pending behind a timeout: let it land before the next call.
          await new Promise((resolve) => setTimeout(resolve, s.fault === 'slow' ? 20 : 0));
        }
        expect(await jpki.sign('sign', { data }, { pin: PINS.sign })).toHaveLength(256);
        expect(card.pinTries()).toEqual(before);
        await jpki.close();
      }),
      { seed: FUZZ_SEED, numRuns: RUNS, endOnFailure: true },
    );
    recordCases(operations);
  });
});

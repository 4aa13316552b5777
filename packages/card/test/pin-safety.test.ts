/**
 * PIN and My Number safety: every path that takes a PIN is driven — right, wrong,
 * malformed, guard, blocked, change, sign, certificates, attributes, My Number, toSigner, removal
 * mid-operation — and everything an application could see or log is scanned for the secrets:
 * traces (at the `sensitive` level too), error messages, JSON.stringify(error), util.inspect(error)
 * with its cause chain, and console output.
 */
import { inspect } from 'node:util';
import type { VirtualJpkiCard } from '@shomei/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApduTraceEvent } from '../src/iso7816/trace.js';
import { digestInfo } from '../src/jpki/digest-info.js';
import { openJpkiCard } from '../src/jpki/open.js';
import { issueTemplate, MY_NUMBER, PINS, rig } from './fixtures/virtual-cards.js';

const WRONG = { auth: '5937', sign: 'ZZ9QW3XV', assist: '6284' } as const;
const NEW_PINS = { auth: '8062', sign: 'NEWPW7K9' } as const;
const SECRETS = [...Object.values(PINS), ...Object.values(WRONG), ...Object.values(NEW_PINS), MY_NUMBER];

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
/** How a secret would appear in a hex trace: its ASCII bytes in hex. */
const HEX_NEEDLES = SECRETS.flatMap((s) => [hex(ascii(s)), hex(ascii(s)).toUpperCase()]);
/**
 * Every form a secret could leak in text. Plain 4-digit PINs are not searched in traces: traces are
 * hex dumps of certificates and signatures, where any 4-digit string occurs by chance.
 */
const NEEDLES = [...SECRETS.flatMap((s) => [s, s.toLowerCase()]), ...HEX_NEEDLES];

let template: VirtualJpkiCard;
const traces: ApduTraceEvent[] = [];
const normalTraces: ApduTraceEvent[] = [];
const errors: unknown[] = [];
const consoleLines: string[] = [];

beforeAll(async () => {
  template = await issueTemplate();
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map((a) => inspect(a, { depth: 10 })).join(' '));
    });
  }
});

afterAll(() => {
  vi.restoreAllMocks();
});

async function session(level: 'normal' | 'sensitive') {
  const r = rig(template);
  const jpki = await openJpkiCard({
    transport: r.transport,
    trace: {
      level,
      onApdu: (e) => {
        traces.push(e);
        if (level === 'normal') normalTraces.push(e);
      },
    },
  });
  return { ...r, jpki };
}

async function capture(operation: () => Promise<unknown>) {
  try {
    await operation();
  } catch (error) {
    errors.push(error);
  }
}

/** The trace without timing: a duration like 0.4826 ms is not a PIN, and would make the scan flaky. */
const traceText = () => JSON.stringify(traces.map(({ durationMs: _, ...rest }) => rest));

const errorTexts = () =>
  errors.flatMap((error) => [
    String(error),
    error instanceof Error ? (error.stack ?? '') : '',
    JSON.stringify(error),
    inspect(error, { depth: 20, showHidden: true }),
  ]);

describe('secrets never leave the call', () => {
  beforeAll(async () => {
    for (const level of ['normal', 'sensitive'] as const) {
      const { jpki, faults } = await session(level);
      const data = new TextEncoder().encode('document');
      await capture(() => jpki.verifyPin('auth', PINS.auth));
      await capture(() => jpki.verifyPin('auth', WRONG.auth));
      await capture(() => jpki.verifyPin('sign', WRONG.sign));
      await capture(() => jpki.verifyPin('assist', WRONG.assist));
      await capture(() => jpki.verifyPin('auth', `${PINS.auth}x`));
      await capture(() => jpki.verifyPin('sign', `${PINS.sign}!`));
      await capture(() => jpki.verifyPin('auth', WRONG.auth)); // 1 left
      await capture(() => jpki.verifyPin('auth', WRONG.auth)); // guard
      await capture(() => jpki.verifyPin('auth', WRONG.auth, { allowLastAttempt: true })); // blocks
      await capture(() => jpki.verifyPin('auth', PINS.auth, { allowLastAttempt: true })); // blocked
      await capture(() => jpki.readCertificate('sign', { pin: PINS.sign }));
      await capture(() => jpki.readCertificate('sign', { pin: WRONG.sign }));
      await capture(() => jpki.sign('sign', { data }, { pin: PINS.sign }));
      await capture(() => jpki.sign('sign', { data }, { pin: WRONG.sign }));
      await capture(() => jpki.readAttributes(PINS.assist));
      await capture(() => jpki.readAttributes(WRONG.assist));
      await capture(() => jpki.readMyNumber(PINS.assist, { purpose: 'tax filing' }));
      await capture(() => jpki.readMyNumber(PINS.assist, { purpose: '' }));
      await capture(() => jpki.readMyNumber(WRONG.assist, { purpose: 'tax filing' }));
      await capture(() => jpki.changePin('sign', PINS.sign, NEW_PINS.sign));
      await capture(() => jpki.changePin('sign', WRONG.sign, NEW_PINS.sign));
      await capture(() => jpki.changePin('sign', NEW_PINS.sign, 'bad pin'));
      const signer = await jpki.toSigner('sign', { pinProvider: () => NEW_PINS.sign }).catch((e: unknown) => {
        errors.push(e);
        return undefined;
      });
      const info = digestInfo('SHA-256', new Uint8Array(32));
      if (signer) await capture(() => signer.sign(info));
      await capture(async () => (await jpki.toSigner('sign', { pin: WRONG.sign })).sign(info));
      // Removal in the middle of a PIN operation and of reading the My Number.
      faults.forceStatusWord(0x9000, (command) => {
        if (command[1] === 0x2a) faults.removeCard();
        return false;
      });
      await capture(() => jpki.sign('sign', { data }, { pin: NEW_PINS.sign }));
      faults.insertCard();
      faults.clearFaults();
      faults.forceStatusWord(0x9000, (command) => {
        if (command[1] === 0xb0 && command[4] === 17) faults.removeCard();
        return false;
      });
      await capture(() => jpki.readMyNumber(PINS.assist, { purpose: 'tax filing' }));
      faults.insertCard();
      faults.clearFaults();
      // Corrupted My Number response: the parser's error must not quote the bytes.
      faults.forceStatusWord(0x9000, (command) => {
        if (command[1] === 0xb0 && command[4] === 17) {
          faults.corruptNextResponse(() =>
            Uint8Array.of(0xff, 0x10, 0x0c, ...ascii(MY_NUMBER).slice(0, 11), 0x41, 0x90, 0x00),
          );
        }
        return false;
      });
      await capture(() => jpki.readMyNumber(PINS.assist, { purpose: 'tax filing' }));
      faults.clearFaults();
      await jpki.close();
    }
  });

  it('drove the PIN paths (the scans below have material)', () => {
    expect(errors.length).toBeGreaterThan(30);
    expect(traces.some((t) => t.redacted)).toBe(true);
  });

  it('produced the errors PIN safety depends on', () => {
    const codes = new Set(errors.map((e) => (e as { code?: string }).code));
    for (const code of [
      'PIN_INCORRECT',
      'PIN_FORMAT_INVALID',
      'PIN_LAST_ATTEMPT_GUARD',
      'PIN_BLOCKED',
      'PURPOSE_REQUIRED',
      'CARD_REMOVED',
      'CARD_DATA_MALFORMED',
    ]) {
      expect(codes).toContain(code);
    }
  });

  it.each(HEX_NEEDLES.map((n) => [n]))('no trace contains %s', (needle) => {
    expect(traceText()).not.toContain(needle);
  });

  it('no trace contains the My Number or a sign password as text', () => {
    for (const secret of [MY_NUMBER, PINS.sign, WRONG.sign, NEW_PINS.sign])
      expect(traceText()).not.toContain(secret);
  });

  it('redacts the data of every VERIFY and CHANGE REFERENCE DATA in traces', () => {
    const withData = traces.filter((t) => /^00(20|24)/.test(t.command) && t.command.length > 8);
    expect(withData.length).toBeGreaterThan(0);
    expect(withData.every((t) => t.command.endsWith('<redacted>') && t.redacted)).toBe(true);
  });

  it.each(NEEDLES.map((n) => [n]))('no error (message, JSON, inspect, stack) contains %s', (needle) => {
    for (const text of errorTexts()) expect(text).not.toContain(needle);
  });

  it('writes nothing to the console', () => {
    expect(consoleLines).toEqual([]);
  });

  it('keeps card-input-assistance data out of normal-level traces', () => {
    const name = hex([...new TextEncoder().encode('試験')]);
    expect(normalTraces.length).toBeGreaterThan(0);
    expect(JSON.stringify(normalTraces)).not.toContain(name);
  });

  it('keeps the signing certificate out of normal-level traces and shows it at the sensitive level', () => {
    const middle = hex([...template.certificate('sign').subarray(300, 340)]);
    expect(JSON.stringify(normalTraces)).not.toContain(middle);
    expect(traceText()).toContain(middle);
  });
});

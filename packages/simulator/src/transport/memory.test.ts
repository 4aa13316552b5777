import { toHex } from '@shomei/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APDU, freshCard, h } from '../../test/fixture.js';
import { CardFaults } from '../faults/card-faults.js';
import { MemoryTransport } from './memory.js';

const swOf = (r: Uint8Array) => toHex(r.subarray(-2)).toUpperCase();

describe('MemoryTransport', () => {
  it('passes command bytes to the card and returns its response unchanged', async () => {
    const t = new MemoryTransport(await freshCard());
    await t.connect();
    expect(swOf(await t.transmit(h(APDU.selectJpki)))).toBe('9000');
  });

  it('reports the card ATR while connected', async () => {
    const t = new MemoryTransport(await freshCard());
    await t.connect();
    expect(toHex(t.atr!)).toBe('3be000ff8131fe4514');
  });

  it('refuses transmit before connect with TRANSPORT_CLOSED', async () => {
    const t = new MemoryTransport(await freshCard());
    await expect(t.transmit(h(APDU.selectJpki))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });

  it('refuses transmit with an aborted signal with ABORTED', async () => {
    const t = new MemoryTransport(await freshCard());
    await t.connect();
    await expect(t.transmit(h(APDU.selectJpki), { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it("keeps the security state across disconnect('leave')", async () => {
    const t = new MemoryTransport(await freshCard());
    await t.connect();
    for (const c of [APDU.selectJpki, APDU.selectEf('00 1B'), APDU.verify('TEST1234')])
      await t.transmit(h(c));
    await t.disconnect('leave');
    await t.connect();
    expect(swOf(await t.transmit(h(APDU.selectEf('00 01'))))).toBe('9000');
    expect(swOf(await t.transmit(h(APDU.read(0, 4))))).toBe('9000');
  });

  it.each(['reset', 'unpower'] as const)(
    "clears the security state on disconnect('%s')",
    async (disposition) => {
      const t = new MemoryTransport(await freshCard());
      await t.connect();
      for (const c of [APDU.selectJpki, APDU.selectEf('00 1B'), APDU.verify('TEST1234')])
        await t.transmit(h(c));
      await t.disconnect(disposition);
      await t.connect();
      expect(swOf(await t.transmit(h(APDU.selectEf('00 01'))))).toBe('6A82');
    },
  );

  it('cannot be used after close', async () => {
    const t = new MemoryTransport(await freshCard());
    await t.close();
    await expect(t.connect()).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });
});

describe('CardFaults through MemoryTransport', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const setup = async () => {
    const faults = new CardFaults();
    const card = await freshCard();
    const t = new MemoryTransport(card, { faults });
    await t.connect();
    return { faults, card, t };
  };

  it('removeCard makes transmit fail with CARD_REMOVED', async () => {
    const { faults, t } = await setup();
    faults.removeCard();
    await expect(t.transmit(h(APDU.selectJpki))).rejects.toMatchObject({ code: 'CARD_REMOVED' });
  });

  it('connect without the card fails with NO_CARD', async () => {
    const { faults, t } = await setup();
    faults.removeCard();
    await expect(t.connect()).rejects.toMatchObject({ code: 'NO_CARD' });
  });

  it('a removed and re-inserted card has lost its security state', async () => {
    const { faults, t } = await setup();
    for (const c of [APDU.selectJpki, APDU.selectEf('00 1B'), APDU.verify('TEST1234')])
      await t.transmit(h(c));
    faults.removeCard();
    faults.insertCard();
    await t.connect();
    await t.transmit(h(APDU.selectJpki));
    await t.transmit(h(APDU.selectEf('00 01')));
    expect(swOf(await t.transmit(h(APDU.read(0, 4))))).toBe('6982');
  });

  it('removal during a delayed response fails it with CARD_REMOVED', async () => {
    vi.useFakeTimers();
    const { faults, t } = await setup();
    faults.delayNextResponse(1000);
    const pending = t.transmit(h(APDU.selectJpki));
    const outcome = expect(pending).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    faults.removeCard();
    await vi.advanceTimersByTimeAsync(1000);
    await outcome;
  });

  it('delayResponses holds each response for the given time (fake clock)', async () => {
    vi.useFakeTimers();
    const { faults, t } = await setup();
    faults.delayResponses(500);
    let done = false;
    const pending = t.transmit(h(APDU.selectJpki)).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(499);
    const early = done;
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect([early, done]).toEqual([false, true]);
  });

  it('an abort during a delay fails with ABORTED', async () => {
    vi.useFakeTimers();
    const { faults, t } = await setup();
    faults.delayResponses(1000);
    const controller = new AbortController();
    const pending = t.transmit(h(APDU.selectJpki), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it("corruptNextResponse('flip-byte') flips a bit of the next response only", async () => {
    const { faults, t } = await setup();
    faults.corruptNextResponse();
    const first = await t.transmit(h(APDU.selectJpki));
    const second = await t.transmit(h(APDU.selectJpki));
    expect([toHex(first), toHex(second)]).toEqual(['9100', '9000']);
  });

  it("corruptNextResponse('truncate') drops the last byte", async () => {
    const { faults, t } = await setup();
    faults.corruptNextResponse('truncate');
    expect(toHex(await t.transmit(h(APDU.selectJpki)))).toBe('90');
  });

  it('forceStatusWord answers the next matching command without running it', async () => {
    const { faults, t, card } = await setup();
    faults.forceStatusWord(0x6581, { ins: 0x20 });
    await t.transmit(h(APDU.selectJpki));
    await t.transmit(h(APDU.selectEf('00 18')));
    const forced = await t.transmit(h(APDU.verify('0000')));
    expect([toHex(forced), card.pinTries().auth]).toEqual(['6581', 3]);
  });

  it('forceStatusWord leaves non-matching commands alone', async () => {
    const { faults, t } = await setup();
    faults.forceStatusWord(0x6982, { cla: 0x80, ins: 0x2a });
    expect(toHex(await t.transmit(h(APDU.selectJpki)))).toBe('9000');
  });

  it('forceStatusWord with times applies that many times', async () => {
    const { faults, t } = await setup();
    faults.forceStatusWord(0x6f00, {}, { times: 2 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(toHex(await t.transmit(h(APDU.selectJpki))));
    expect(answers).toEqual(['6f00', '6f00', '9000']);
  });

  it('counts commands and per-INS', async () => {
    const { faults, t } = await setup();
    for (const c of [APDU.selectJpki, APDU.selectEf('00 18'), APDU.status]) await t.transmit(h(c));
    expect([faults.commandCount, faults.countOf(0xa4), faults.countOf(0x20)]).toEqual([3, 2, 1]);
  });

  it('records VERIFY without its PIN data', async () => {
    const { faults, t } = await setup();
    for (const c of [APDU.selectJpki, APDU.selectEf('00 1B'), APDU.verify('TEST1234')])
      await t.transmit(h(c));
    const record = faults.records[2]!;
    expect({ command: toHex(record.command), redacted: record.redacted }).toEqual({
      command: '00200080',
      redacted: true,
    });
  });

  it('records CHANGE REFERENCE DATA without its PIN data', async () => {
    const { faults, t } = await setup();
    for (const c of [APDU.selectJpki, APDU.selectEf('00 18'), APDU.verify('1234'), APDU.change('4321')]) {
      await t.transmit(h(c));
    }
    const serialized = JSON.stringify(faults.records.map((r) => toHex(r.command)));
    expect(serialized.includes(toHex(new TextEncoder().encode('4321')))).toBe(false);
  });

  it('records other commands and responses in full', async () => {
    const { faults, t } = await setup();
    await t.transmit(h(APDU.selectJpki));
    const r = faults.records[0]!;
    expect([toHex(r.command), toHex(r.response), r.redacted]).toEqual([
      '00a4040c0ad392f000260100000001',
      '9000',
      false,
    ]);
  });
});

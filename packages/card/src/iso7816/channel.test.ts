import { fromHex, toHex } from '@shomei/core';
import { describe, expect, it } from 'vitest';
import { ScriptedTransport } from '../../test/support/scripted-transport.js';
import { cardError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { ApduChannel } from './channel.js';
import { readBinary, readDerObject, verifyCommand } from './commands.js';
import type { ApduTraceEvent } from './trace.js';

const readCmd = { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 } as const;

describe('ApduChannel pipeline', () => {
  it('follows 61xx with GET RESPONSE and concatenates the data', async () => {
    const t = new ScriptedTransport([
      { expect: '00b0000000', reply: 'aabb6103' },
      { expect: '00c0000003', reply: 'ccddee6102' },
      { expect: '00c0000002', reply: 'ff009000' },
    ]);
    const r = await new ApduChannel(t).transmit(readCmd);
    expect(toHex(r.data)).toBe('aabbccddeeff00');
    expect(r.sw).toBe(0x9000);
  });

  it('asks for 256 bytes on 6100', async () => {
    const t = new ScriptedTransport([
      { expect: '00b0000000', reply: '6100' },
      { expect: '00c0000000', reply: '019000' },
    ]);
    expect(toHex((await new ApduChannel(t).transmit(readCmd)).data)).toBe('01');
  });

  it('keeps the logical channel of the command in GET RESPONSE', async () => {
    const t = new ScriptedTransport([
      { expect: '03b0000000', reply: '6101' },
      { expect: '03c0000001', reply: '019000' },
    ]);
    await new ApduChannel(t).transmit({ ...readCmd, cla: 0x03 });
    expect(t.remaining).toBe(0);
  });

  it('re-sends once with Le from 6Cxx', async () => {
    const t = new ScriptedTransport([
      { expect: '00b0000000', reply: '6c05' },
      { expect: '00b0000005', reply: '01020304059000' },
    ]);
    expect(toHex((await new ApduChannel(t).transmit(readCmd)).data)).toBe('0102030405');
  });

  it('does not re-send a command without Le (VERIFY with a PIN) on 6Cxx', async () => {
    const t = new ScriptedTransport([{ expect: '002000800431323334', reply: '6c04' }]);
    const verify = { cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: Uint8Array.of(0x31, 0x32, 0x33, 0x34) };
    expect((await new ApduChannel(t).transmit(verify)).sw).toBe(0x6c04);
    expect(t.remaining).toBe(0);
  });

  it('handles 6Cxx followed by 61xx', async () => {
    const t = new ScriptedTransport([
      { expect: '00b0000000', reply: '6c02' },
      { expect: '00b0000002', reply: '6102' },
      { expect: '00c0000002', reply: 'abcd9000' },
    ]);
    expect(toHex((await new ApduChannel(t).transmit(readCmd)).data)).toBe('abcd');
  });

  it('gives up on a card that answers 61xx forever', async () => {
    const steps = [{ expect: '00b0000000', reply: '6101' }];
    for (let i = 0; i < 5; i++) steps.push({ expect: '00c0000001', reply: '006101' });
    const channel = new ApduChannel(new ScriptedTransport(steps), { maxGetResponse: 4 });
    await expect(channel.transmit(readCmd)).rejects.toMatchObject({ code: 'RESPONSE_MALFORMED' });
  });

  it('turns a 1-byte response into RESPONSE_MALFORMED', async () => {
    const channel = new ApduChannel(new ScriptedTransport([{ expect: '00b0000000', reply: '90' }]));
    await expect(channel.transmit(readCmd)).rejects.toMatchObject({ code: 'RESPONSE_MALFORMED' });
  });

  it('send() maps the status word to its typed error', async () => {
    const channel = new ApduChannel(new ScriptedTransport([{ expect: '00a4020c020001', reply: '6a82' }]));
    await expect(
      channel.send({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: fromHex('0001') }, { command: 'SELECT' }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', details: { sw: '6A82' } });
  });

  it('ends a card that never answers in TIMEOUT', async () => {
    const channel = new ApduChannel(new ScriptedTransport([{ expect: '00b0000000', hang: true }]), {
      timeoutMs: 20,
    });
    await expect(channel.transmit(readCmd)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('reports its own timeout as TIMEOUT when the transport answers the abort with a typed ABORTED', async () => {
    // The PC/SC transport keeps no timer of its own: the channel's timer aborts it through the signal,
    // and the transport rejects with ABORTED (withDeadline). One timeout, named as such.
    const transport: Transport = {
      name: 'abort-aware',
      connect: async () => {},
      disconnect: async () => {},
      close: async () => {},
      transmit: (_command: Uint8Array, options?: { signal?: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => reject(cardError('ABORTED')), { once: true });
        }),
    } as unknown as Transport;
    const channel = new ApduChannel(transport, { timeoutMs: 20 });
    await expect(channel.transmit(readCmd)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('ends in ABORTED when the caller aborts', async () => {
    const channel = new ApduChannel(new ScriptedTransport([{ expect: '00b0000000', hang: true }]));
    const ac = new AbortController();
    const p = channel.transmit(readCmd, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('APDU trace', () => {
  it('never contains VERIFY data, nor its length', async () => {
    const events: ApduTraceEvent[] = [];
    const pin = new TextEncoder().encode('ABC123');
    const t = new ScriptedTransport([{ expect: `0020008006${toHex(pin)}`, reply: '63c4' }]);
    const channel = new ApduChannel(t, { trace: { onApdu: (e) => events.push(e), level: 'sensitive' } });
    await channel.transmit(verifyCommand(pin));
    const text = JSON.stringify(events);
    expect(text).not.toContain(toHex(pin));
    expect(text).not.toContain('ABC123');
    expect(events[0]?.command).toBe('00200080 <redacted>');
    expect(events[0]?.redacted).toBe(true);
  });

  it('never contains CHANGE REFERENCE DATA data', async () => {
    const events: ApduTraceEvent[] = [];
    const t = new ScriptedTransport([{ expect: '002401800431323334', reply: '9000' }]);
    const channel = new ApduChannel(t, { trace: { onApdu: (e) => events.push(e) } });
    await channel.transmit({ cla: 0, ins: 0x24, p1: 1, p2: 0x80, data: fromHex('31323334') });
    expect(JSON.stringify(events)).not.toContain('31323334');
  });

  it('shows the status query (no data) in full', async () => {
    const events: ApduTraceEvent[] = [];
    const channel = new ApduChannel(new ScriptedTransport([{ expect: '00200080', reply: '63c3' }]), {
      trace: { onApdu: (e) => events.push(e) },
    });
    await channel.transmit(verifyCommand());
    expect(events[0]).toMatchObject({ command: '00200080', sw: '63c3', redacted: false });
  });

  it('hides personal response data unless the level is sensitive', async () => {
    const run = async (level: 'normal' | 'sensitive') => {
      const events: ApduTraceEvent[] = [];
      const channel = new ApduChannel(
        new ScriptedTransport([{ expect: '00b0000004', reply: 'deadbeef9000' }]),
        {
          trace: { onApdu: (e) => events.push(e), level },
        },
      );
      await channel.transmit({ ...readCmd, le: 4 }, { dataClass: 'personal' });
      return events[0]?.response;
    };
    expect(await run('normal')).not.toContain('deadbeef');
    expect(await run('sensitive')).toContain('deadbeef');
  });

  it('hides secret response data even at the sensitive level', async () => {
    const events: ApduTraceEvent[] = [];
    const channel = new ApduChannel(
      new ScriptedTransport([{ expect: '00b0000004', reply: '313233349000' }]),
      {
        trace: { onApdu: (e) => events.push(e), level: 'sensitive' },
      },
    );
    await channel.transmit({ ...readCmd, le: 4 }, { dataClass: 'secret' });
    expect(events[0]?.response).not.toContain('31323334');
  });
});

describe('READ BINARY helpers', () => {
  it('reads a DER object by its header in 256-byte chunks', async () => {
    const body = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
    const der = new Uint8Array([0x30, 0x82, 0x02, 0x58, ...body]);
    const t = new ScriptedTransport([
      { expect: '00b0000008', reply: `${toHex(der.subarray(0, 8))}9000` },
      { expect: '00b0000800', reply: `${toHex(der.subarray(8, 264))}9000` },
      { expect: '00b0010800', reply: `${toHex(der.subarray(264, 520))}9000` },
      { expect: '00b0020854', reply: `${toHex(der.subarray(520))}9000` },
    ]);
    expect(toHex(await readDerObject(new ApduChannel(t)))).toBe(toHex(der));
  });

  it('stops at a short chunk (end of file)', async () => {
    const t = new ScriptedTransport([{ expect: '00b0000010', reply: '01029000' }]);
    expect(toHex(await readBinary(new ApduChannel(t), 0, 16))).toBe('0102');
  });

  it('reports an offset beyond the end of the file as OFFSET_OUT_OF_RANGE', async () => {
    const t = new ScriptedTransport([{ expect: '00b0100004', reply: '6b00' }]);
    await expect(readBinary(new ApduChannel(t), 0x1000, 4)).rejects.toMatchObject({
      code: 'OFFSET_OUT_OF_RANGE',
      details: { offset: 0x1000 },
    });
  });

  it('raises the typed error of a failing READ BINARY', async () => {
    const t = new ScriptedTransport([{ expect: '00b0000004', reply: '6982' }]);
    await expect(readBinary(new ApduChannel(t), 0, 4)).rejects.toMatchObject({
      code: 'SECURITY_STATUS_NOT_SATISFIED',
    });
  });
});

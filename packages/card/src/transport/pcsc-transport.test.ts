import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFactory, pcscFailure } from '../../test/fixtures/fake-pcsclite.js';
import { PcscContext, watchReaders } from './pcsc-context.js';
import { SCARD } from './pcsc-status.js';
import { PcscTransport, responseBufferSize } from './pcsc-transport.js';

const READER = 'Fake Reader 00 00';
const SELECT = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, 0x02, 0x3f, 0x00]);

async function open(names = [READER]) {
  const fake = fakeFactory(names);
  const transport = await PcscTransport.open({ factory: fake.factory, reader: READER });
  return { fake, transport, reader: fake.reader(READER) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PcscContext', () => {
  it('lists readers with card presence and ATR after the first listing', async () => {
    const fake = fakeFactory([READER, 'Empty 00 01'], { 'Empty 00 01': 0x10 });
    const context = await PcscContext.open({ factory: fake.factory });
    expect(context.readers().map((r) => [r.name, r.cardPresent])).toEqual([
      [READER, true],
      ['Empty 00 01', false],
    ]);
    context.close();
  });

  it('opens with zero readers instead of waiting forever', async () => {
    const fake = fakeFactory([]);
    const context = await PcscContext.open({ factory: fake.factory });
    expect(context.readers()).toEqual([]);
    expect(() => context.reader(undefined)).toThrow(expect.objectContaining({ code: 'NO_READERS' }));
    context.close();
  });

  it('maps a missing pcscd (SCARD_E_NO_SERVICE) to PCSC_NO_SERVICE', async () => {
    const factory = () => {
      throw pcscFailure('SCardEstablishContext', SCARD.E_NO_SERVICE);
    };
    await expect(PcscContext.open({ factory })).rejects.toMatchObject({ code: 'PCSC_NO_SERVICE' });
  });

  it('swallows the error the binding emits after close()', async () => {
    const fake = fakeFactory([READER]);
    const context = await PcscContext.open({ factory: fake.factory });
    context.close();
    // An unhandled 'error' event would throw from emit(); the event arrives on the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.created[0]?.closed).toBe(true);
  });

  it('closes every reader status thread on close()', async () => {
    const fake = fakeFactory([READER]);
    const context = await PcscContext.open({ factory: fake.factory });
    const reader = fake.reader(READER);
    context.close();
    expect(reader.closed).toBe(true);
  });

  it('reports card removal and insertion as events', async () => {
    const fake = fakeFactory([READER]);
    const context = await PcscContext.open({ factory: fake.factory });
    const events: string[] = [];
    context.watch((event) => events.push(event.type));
    fake.reader(READER).status(0x10);
    fake.reader(READER).status(0x20, Buffer.from([0x3b, 0x00]));
    expect(events).toEqual(['card-removed', 'card-inserted']);
    context.close();
  });

  it('watchReaders reports the current readers first, then changes, until aborted', async () => {
    const fake = fakeFactory([READER]);
    const controller = new AbortController();
    const events: string[] = [];
    const watching = watchReaders(
      (event) => {
        events.push(`${event.type} ${event.reader}`);
        if (event.type === 'card-removed') controller.abort();
      },
      { factory: fake.factory, signal: controller.signal },
    );
    while (events.length < 2) await new Promise((resolve) => setImmediate(resolve));
    fake.reader(READER).status(0x10);
    await watching;
    expect(events).toEqual([
      `reader-attached ${READER}`,
      `card-inserted ${READER}`,
      `card-removed ${READER}`,
    ]);
    expect(fake.created[0]?.closed).toBe(true);
  });

  it('names an unknown reader in READER_NOT_FOUND', async () => {
    const fake = fakeFactory([READER]);
    await expect(PcscTransport.open({ factory: fake.factory, reader: 'Nope' })).rejects.toMatchObject({
      code: 'READER_NOT_FOUND',
      details: { reader: 'Nope' },
    });
  });
});

describe('PcscTransport', () => {
  it('connects with the requested share mode and T=0|T=1', async () => {
    const { transport, reader } = await open();
    await transport.connect({ share: 'exclusive' });
    expect(reader.connectCalls).toEqual([{ share_mode: 1, protocol: 3 }]);
    await transport.close();
  });

  it('defaults to shared mode', async () => {
    const { transport, reader } = await open();
    await transport.connect();
    expect(reader.connectCalls[0]?.share_mode).toBe(2);
    await transport.close();
  });

  it('sizes the receive buffer for 256 bytes plus SW for short APDUs', () => {
    expect(responseBufferSize(Uint8Array.from([0x00, 0xb0, 0x00, 0x00, 0x00]))).toBe(258);
  });

  it('sizes the receive buffer for 65 536 bytes plus SW for extended APDUs', () => {
    expect(responseBufferSize(Uint8Array.from([0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00]))).toBe(65_538);
  });

  it('passes the negotiated protocol and the buffer size to transmit', async () => {
    const { transport, reader } = await open();
    await transport.connect();
    const response = await transport.transmit(SELECT);
    expect(response).toEqual(Uint8Array.from([0x90, 0x00]));
    expect(reader.transmitCalls[0]).toMatchObject({ responseLength: 258, protocol: 2 });
    await transport.close();
  });

  it('really reconnects when the binding flag is stale after a removal', async () => {
    const { transport, reader } = await open();
    await transport.connect();
    reader.onTransmit = () => pcscFailure('SCardTransmit', SCARD.W_REMOVED_CARD);
    reader.onDisconnect = () => pcscFailure('SCardDisconnect', SCARD.E_INVALID_HANDLE);
    await expect(transport.transmit(SELECT)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    reader.onTransmit = () => Buffer.from([0x90, 0x00]);
    reader.connected = true; // what the binding leaves behind after a failed disconnect
    await transport.connect();
    expect(reader.connectCalls).toHaveLength(2);
    await expect(transport.transmit(SELECT)).resolves.toEqual(Uint8Array.from([0x90, 0x00]));
    await transport.close();
  });

  it('establishes a new context and reconnects once after pcscd restarted (SCARD_E_NO_SERVICE)', async () => {
    const { fake, transport, reader } = await open();
    await transport.connect();
    reader.onTransmit = () => pcscFailure('SCardTransmit', SCARD.E_NO_SERVICE);
    reader.onConnect = () => pcscFailure('SCardConnect', SCARD.E_NO_SERVICE);
    await expect(transport.transmit(SELECT)).rejects.toMatchObject({ code: 'PCSC_NO_SERVICE' });
    await transport.connect();
    expect(fake.created).toHaveLength(2);
    expect(fake.created[0]!.closed).toBe(true);
    const fresh = fake.reader(READER);
    expect([reader.connectCalls.length, fresh.connectCalls.length]).toEqual([2, 1]);
    await expect(transport.transmit(SELECT)).resolves.toEqual(Uint8Array.from([0x90, 0x00]));
    expect(fresh.transmitCalls).toHaveLength(1);
    await transport.close();
  });

  it('does not replace a context it does not own', async () => {
    const fake = fakeFactory([READER]);
    const context = await PcscContext.open({ factory: fake.factory });
    const transport = PcscTransport.onContext(context, { reader: READER });
    fake.reader(READER).onConnect = () => pcscFailure('SCardConnect', SCARD.E_NO_SERVICE);
    await expect(transport.connect()).rejects.toMatchObject({ code: 'PCSC_NO_SERVICE' });
    expect(fake.created).toHaveLength(1);
    await transport.close();
    context.close();
  });

  it('maps an empty response (card gone mid-command) to CARD_REMOVED and drops the connection', async () => {
    const { transport, reader } = await open();
    await transport.connect();
    reader.onTransmit = () => Buffer.alloc(0);
    await expect(transport.transmit(SELECT)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    expect(transport.connected).toBe(false);
    await transport.close();
  });

  it('maps SCARD_W_RESET_CARD to CARD_RESET', async () => {
    const { transport, reader } = await open();
    await transport.connect();
    reader.onTransmit = () => pcscFailure('SCardTransmit', SCARD.W_RESET_CARD);
    await expect(transport.transmit(SELECT)).rejects.toMatchObject({ code: 'CARD_RESET' });
    expect(transport.connected).toBe(false);
    await transport.close();
  });

  it('reports CARD_REMOVED when the reader saw a removal since connect', async () => {
    const { transport, reader } = await open();
    await transport.connect();
    reader.status(0x10);
    reader.status(0x20, Buffer.from([0x3b, 0x00]));
    await expect(transport.transmit(SELECT)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    await transport.close();
  });

  it('maps a sharing violation on connect to CARD_BUSY', async () => {
    const { transport, reader } = await open();
    reader.onConnect = () => pcscFailure('SCardConnect', SCARD.E_SHARING_VIOLATION);
    await expect(transport.connect({ share: 'exclusive' })).rejects.toMatchObject({
      code: 'CARD_BUSY',
      details: { pcscStatus: '0x8010000b' },
    });
    await transport.close();
  });

  it('ends a card that stops answering in TIMEOUT and needs a new connection', async () => {
    const fake = fakeFactory([READER]);
    const transport = await PcscTransport.open({
      factory: fake.factory,
      reader: READER,
      transmitTimeoutMs: 5000,
    });
    await transport.connect();
    fake.reader(READER).onTransmit = () => undefined;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pending = transport.transmit(SELECT);
    const settled = expect(pending).rejects.toMatchObject({ code: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(5000);
    await settled;
    expect(transport.connected).toBe(false);
    await transport.close();
  });

  it('ends a transmit with ABORTED when the signal aborts', async () => {
    const { transport, reader } = await open();
    await transport.connect();
    reader.onTransmit = () => undefined;
    const controller = new AbortController();
    const pending = transport.transmit(SELECT, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    await transport.close();
  });

  it('refuses to transmit before connect', async () => {
    const { transport } = await open();
    await expect(transport.transmit(SELECT)).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await transport.close();
  });

  it('disconnects with the requested disposition', async () => {
    const { transport, reader } = await open();
    await transport.connect();
    await transport.disconnect('reset');
    expect(reader.disconnectCalls).toEqual([1]);
    await transport.close();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { cardError } from '../errors.js';
import { CardAccess } from './card-access.js';
import type { ConnectOptions, Disposition, Transport } from './transport.js';

class ScriptedTransport implements Transport {
  readonly name = 'scripted';
  readonly atr = undefined;
  connected = false;
  busyFor = 0;
  connects: ConnectOptions[] = [];
  disconnects: Disposition[] = [];
  async connect(options: ConnectOptions = {}) {
    this.connects.push(options);
    if (this.busyFor > 0) {
      this.busyFor -= 1;
      throw cardError('CARD_BUSY');
    }
    this.connected = true;
  }
  async transmit() {
    return Uint8Array.from([0x90, 0x00]);
  }
  async disconnect(disposition: Disposition = 'leave') {
    this.disconnects.push(disposition);
    this.connected = false;
  }
  async close() {}
}

afterEach(() => {
  vi.useRealTimers();
});

describe('CardAccess', () => {
  it('connects exclusively for the span of an operation and releases the card afterwards', async () => {
    const transport = new ScriptedTransport();
    const access = new CardAccess(transport);
    await access.run(async () => expect(transport.connected).toBe(true));
    expect(transport.connects[0]?.share).toBe('exclusive');
    expect(transport.disconnects).toEqual(['leave']);
  });

  it('keeps the connection when the operation asks to hold it', async () => {
    const transport = new ScriptedTransport();
    const access = new CardAccess(transport);
    await access.run(async () => {}, { hold: true });
    await access.run(async () => {});
    expect(transport.connects).toHaveLength(1);
    expect(transport.disconnects).toEqual([]);
  });

  it('releases a held connection with a card reset', async () => {
    const transport = new ScriptedTransport();
    const access = new CardAccess(transport);
    await access.run(async () => {}, { hold: true });
    await access.release();
    expect(transport.disconnects).toEqual(['reset']);
  });

  it('retries with backoff while another process holds the card', async () => {
    vi.useFakeTimers();
    const transport = new ScriptedTransport();
    transport.busyFor = 3;
    const access = new CardAccess(transport, { initialBackoffMs: 10, maxBackoffMs: 40 });
    const done = access.run(async () => 'ran');
    await vi.advanceTimersByTimeAsync(10 + 20 + 40);
    await expect(done).resolves.toBe('ran');
    expect(transport.connects).toHaveLength(4);
  });

  it('gives up with CARD_BUSY after busyTimeoutMs', async () => {
    vi.useFakeTimers();
    const transport = new ScriptedTransport();
    transport.busyFor = Number.POSITIVE_INFINITY;
    const access = new CardAccess(transport, {
      busyTimeoutMs: 1000,
      initialBackoffMs: 100,
      maxBackoffMs: 100,
    });
    const done = expect(access.run(async () => 'never')).rejects.toMatchObject({ code: 'CARD_BUSY' });
    await vi.advanceTimersByTimeAsync(1100);
    await done;
  });

  it('stops retrying when the caller aborts', async () => {
    vi.useFakeTimers();
    const transport = new ScriptedTransport();
    transport.busyFor = Number.POSITIVE_INFINITY;
    const access = new CardAccess(transport);
    const controller = new AbortController();
    const done = expect(access.run(async () => 'never', { signal: controller.signal })).rejects.toMatchObject(
      {
        code: 'ABORTED',
      },
    );
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await done;
  });

  it('does not keep a held connection after the card was removed', async () => {
    const transport = new ScriptedTransport();
    const access = new CardAccess(transport);
    await access.run(async () => {}, { hold: true });
    await expect(
      access.run(async () => {
        throw cardError('CARD_REMOVED');
      }),
    ).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    expect(access.holding).toBe(false);
  });
});

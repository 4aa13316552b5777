import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { toHex } from '@shomei/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { APDU, freshCard, h } from '../../test/fixture.js';
import { CardFaults } from '../faults/card-faults.js';
import { parseVpcdAddress, VpcdBridge } from './vpcd.js';
import { encodeVpcdFrame, VpcdFrameReader } from './vpcd-framing.js';

/** A fake vpcd on loopback: the TCP server side of spec §13, driven by the test. */
class FakeVpcd {
  readonly server: Server;
  readonly connections: Socket[] = [];
  #frames: Uint8Array[] = [];
  #wake: (() => void) | undefined;

  private constructor(server: Server) {
    this.server = server;
    server.on('connection', (s) => {
      s.setNoDelay(true);
      this.connections.push(s);
      const reader = new VpcdFrameReader();
      s.on('data', (chunk) => {
        this.#frames.push(...reader.push(new Uint8Array(chunk)));
        this.#wake?.();
      });
      s.on('error', () => {});
    });
  }

  static async listen(port = 0): Promise<FakeVpcd> {
    const server = createServer();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return new FakeVpcd(server);
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  get socket(): Socket {
    return this.connections[this.connections.length - 1]!;
  }

  async connection(count = 1): Promise<Socket> {
    while (this.connections.length < count) await once(this.server, 'connection');
    return this.connections[count - 1]!;
  }

  /** Writes raw bytes (already framed) to the bridge. */
  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  async nextReply(): Promise<string> {
    while (this.#frames.length === 0) await new Promise<void>((r) => (this.#wake = r));
    return toHex(this.#frames.shift()!).toUpperCase();
  }

  get queued(): number {
    return this.#frames.length;
  }

  async close(): Promise<void> {
    for (const s of this.connections) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const frame = (hex: string) => encodeVpcdFrame(h(hex));
const ATR = '3BE000FF8131FE4514';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(options: { faults?: CardFaults } = {}) {
  const vpcd = await FakeVpcd.listen();
  const bridge = new VpcdBridge(await freshCard(), { port: vpcd.port, reconnectDelayMs: 20, ...options });
  cleanup.push(
    () => vpcd.close(),
    () => bridge.stop(),
  );
  bridge.start();
  await vpcd.connection();
  await bridge.whenConnected();
  return { vpcd, bridge };
}

describe('VpcdFrameReader (spec §13.2)', () => {
  it('reassembles a header split from its payload', () => {
    const r = new VpcdFrameReader();
    const first = r.push(h('00'));
    const second = r.push(h('01'));
    const third = r.push(h('04'));
    expect([first.length, second.length, third.map(toHex)]).toEqual([0, 0, ['04']]);
  });

  it('yields every frame of a coalesced chunk in order', () => {
    const r = new VpcdFrameReader();
    expect(r.push(h('0001 01 0001 04 0002 9000')).map(toHex)).toEqual(['01', '04', '9000']);
  });

  it('returns the same frames however the stream is cut (property)', () => {
    const frames = fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { maxLength: 8 });
    fc.assert(
      fc.property(frames, fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), (payloads, cuts) => {
        const stream = Buffer.concat(payloads.map((p) => encodeVpcdFrame(p)));
        const r = new VpcdFrameReader();
        const out: Uint8Array[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          out.push(...r.push(new Uint8Array(stream.subarray(at, at + n))));
          at += n;
        }
        return (
          out.length === payloads.length &&
          out.every((f, i) => toHex(f) === toHex(payloads[i]!)) &&
          r.pending === 0
        );
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('argument checks', () => {
  it('encodeVpcdFrame refuses more than 65535 bytes with INPUT_INVALID', () => {
    expect(() => encodeVpcdFrame(new Uint8Array(0x10000))).toThrowError(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });

  it('VpcdBridge refuses slot 16 with INPUT_INVALID', async () => {
    const card = await freshCard();
    expect(() => new VpcdBridge(card, { slot: 16 })).toThrowError(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });

  it('VpcdBridge uses port 35963 + slot by default', async () => {
    const bridge = new VpcdBridge(await freshCard(), { slot: 1 });
    expect([bridge.host, bridge.port]).toEqual(['127.0.0.1', 35964]);
  });
});

describe('parseVpcdAddress', () => {
  it('reads host:port', () => {
    expect(parseVpcdAddress('127.0.0.1:35964')).toEqual({ host: '127.0.0.1', port: 35964 });
  });

  it('reads [v6]:port', () => {
    expect(parseVpcdAddress('[::1]:35963')).toEqual({ host: '::1', port: 35963 });
  });

  it.each(['localhost', ':35963', 'host:0', 'host:70000'])('rejects %s with VPCD_ADDRESS_INVALID', (text) => {
    expect(() => parseVpcdAddress(text)).toThrowError(
      expect.objectContaining({ code: 'VPCD_ADDRESS_INVALID' }),
    );
  });
});

describe('VpcdBridge against a fake vpcd (spec §13–14)', () => {
  it('answers the ATR control code with the ATR', async () => {
    const { vpcd } = await setup();
    vpcd.write(frame('04'));
    expect(await vpcd.nextReply()).toBe(ATR);
  });

  it('reassembles a header sent apart from its payload (vpcd 0.8)', async () => {
    const { vpcd } = await setup();
    const f = frame(APDU.selectJpki);
    vpcd.write(f.subarray(0, 2));
    await new Promise((r) => setImmediate(r));
    vpcd.write(f.subarray(2, 5));
    await new Promise((r) => setImmediate(r));
    vpcd.write(f.subarray(5));
    expect(await vpcd.nextReply()).toBe('9000');
  });

  it('answers coalesced frames once each, in order', async () => {
    const { vpcd } = await setup();
    vpcd.write(
      Buffer.concat([
        frame('01'),
        frame('04'),
        frame(APDU.selectJpki),
        frame(APDU.selectEf('00 18')),
        frame(APDU.status),
      ]),
    );
    const replies = [
      await vpcd.nextReply(),
      await vpcd.nextReply(),
      await vpcd.nextReply(),
      await vpcd.nextReply(),
    ];
    expect(replies).toEqual([ATR, '9000', '9000', '63C3']);
  });

  it('does not reply to power on/off/reset or unknown control codes', async () => {
    const { vpcd } = await setup();
    vpcd.write(Buffer.concat([frame('01'), frame('00'), frame('02'), frame('07'), frame('04')]));
    const first = await vpcd.nextReply();
    expect([first, vpcd.queued]).toEqual([ATR, 0]);
  });

  it('power off clears the verified PIN (spec §14 item 5)', async () => {
    const { vpcd } = await setup();
    vpcd.write(
      Buffer.concat([frame(APDU.selectJpki), frame(APDU.selectEf('00 1B')), frame(APDU.verify('TEST1234'))]),
    );
    for (let i = 0; i < 3; i++) await vpcd.nextReply();
    vpcd.write(
      Buffer.concat([
        frame('00'),
        frame('01'),
        frame(APDU.selectJpki),
        frame(APDU.selectEf('00 01')),
        frame(APDU.read(0, 4)),
      ]),
    );
    const replies = [await vpcd.nextReply(), await vpcd.nextReply(), await vpcd.nextReply()];
    expect(replies[2]).toBe('6982');
  });

  it('answers malformed APDUs with at least 2 bytes', async () => {
    const { vpcd } = await setup();
    vpcd.write(frame('00 A4'));
    expect(await vpcd.nextReply()).toBe('6700');
  });

  it('keeps replies in order when the first one is delayed', async () => {
    const faults = new CardFaults();
    const { vpcd } = await setup({ faults });
    faults.delayNextResponse(30);
    vpcd.write(Buffer.concat([frame('00 84 00 00 02'), frame(APDU.selectJpki)]));
    const first = await vpcd.nextReply();
    const second = await vpcd.nextReply();
    expect([first.length, second]).toEqual([8, '9000']);
  });

  it('reconnects after vpcd drops the connection', async () => {
    const { vpcd } = await setup();
    vpcd.socket.destroy();
    await vpcd.connection(2);
    vpcd.write(frame('04'));
    expect(await vpcd.nextReply()).toBe(ATR);
  });

  it('connects once vpcd starts listening (pcscd absent at first)', async () => {
    const probe = await FakeVpcd.listen();
    const port = probe.port;
    await probe.close();
    const bridge = new VpcdBridge(await freshCard(), { port, reconnectDelayMs: 20 });
    cleanup.push(() => bridge.stop());
    bridge.start();
    const vpcd = await FakeVpcd.listen(port);
    cleanup.push(() => vpcd.close());
    await bridge.whenConnected();
    expect(bridge.state).toBe('connected');
  });

  it('stop() closes the connection (card removal)', async () => {
    const { vpcd, bridge } = await setup();
    const closed = once(vpcd.socket, 'close');
    await bridge.stop();
    await closed;
    expect(bridge.state).toBe('stopped');
  });

  it('faults.removeCard() disconnects and insertCard() reconnects', async () => {
    const faults = new CardFaults();
    const { vpcd, bridge } = await setup({ faults });
    const closed = once(vpcd.socket, 'close');
    faults.removeCard();
    await closed;
    const stateWhileRemoved = bridge.state;
    faults.insertCard();
    await vpcd.connection(2);
    expect(stateWhileRemoved).toBe('waiting');
  });
});

/**
 * The host's message loop in process, with a virtual card behind MemoryTransport: the commands, the
 * PIN rules as the page sees them, one request at a time, cancel, and hostile input.
 */
import {
  createLoginChallenge,
  finishExternalCms,
  fromBase64,
  loginMessage,
  prepareExternalCms,
  toBase64,
  verifyCms,
  verifyLogin,
} from '@shomei/core';
import { type CardFaults, MemoryTransport, type VirtualJpkiCard } from '@shomei/simulator';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueTemplate, PINS, rig } from '../../test/fixtures/virtual-cards.js';
import { JpkiCard } from '../jpki/jpki-card.js';
import { encodeFrame, FrameDecoder } from './framing.js';
import { NativeHost } from './host.js';
import type { HostReply } from './protocol.js';

const ORIGIN = 'https://portal.example.jp';
let template: VirtualJpkiCard;

beforeAll(async () => {
  template = await issueTemplate();
});

interface Harness {
  host: NativeHost;
  card: VirtualJpkiCard;
  faults: CardFaults;
  replies: HostReply[];
  send(message: unknown): void;
  /** Sends and waits for the reply with this id (or id null for frame-level errors). */
  ask(message: Record<string, unknown>): Promise<HostReply>;
  next(): Promise<HostReply>;
}

function harness(): Harness {
  const { card, faults } = rig(template);
  const replies: HostReply[] = [];
  const waiters: (() => void)[] = [];
  const decoder = new FrameDecoder(1 << 20);
  const host = new NativeHost(
    (frame) => {
      for (const e of decoder.push(frame)) {
        if (e.kind === 'message') replies.push(JSON.parse(new TextDecoder().decode(e.body)));
      }
      for (const w of waiters.splice(0)) w();
    },
    { openCard: async () => new JpkiCard(new MemoryTransport(card, { faults }), { queueKey: 'test' }) },
  );
  const wait = async (match: (r: HostReply) => boolean): Promise<HostReply> => {
    for (;;) {
      const found = replies.find(match);
      if (found) {
        replies.splice(replies.indexOf(found), 1);
        return found;
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const send = (message: unknown) => host.push(encodeFrame(message));
  return {
    host,
    card,
    faults,
    replies,
    send,
    ask(message) {
      send({ v: 1, origin: ORIGIN, params: {}, ...message });
      return wait((r) => r.id === message.id);
    },
    next: () => wait(() => true),
  };
}

const ok = (r: HostReply): Record<string, unknown> => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result;
};
const code = (r: HostReply) => (r.ok ? 'ok' : r.error.code);

describe('host commands', () => {
  it('answers hello with its protocol version', async () => {
    const h = harness();
    expect(ok(await h.ask({ id: 'h', type: 'hello' }))).toMatchObject({ name: 'shomei-host', protocol: 1 });
  });

  it('reports the tries left of both PINs', async () => {
    const h = harness();
    const result = ok(await h.ask({ id: 's', type: 'status' })) as {
      pins: { auth: { remainingAttempts: number }; sign: { remainingAttempts: number } };
    };
    expect([result.pins.auth.remainingAttempts, result.pins.sign.remainingAttempts]).toEqual([3, 5]);
  });

  it('signs a prepared CMS digest; the server finishes a SignedData that verifies', async () => {
    const h = harness();
    const content = new TextEncoder().encode('申請書');
    const prepared = await prepareExternalCms(content, { certificate: h.card.certificate('sign') });
    const result = ok(
      await h.ask({
        id: 'sig',
        type: 'sign',
        params: { hash: prepared.digest, hashAlgorithm: 'SHA-256', description: '申請書', pin: PINS.sign },
      }),
    ) as { signature: string; certificate: string };
    expect(fromBase64(result.certificate)).toEqual(h.card.certificate('sign'));
    const p7s = await finishExternalCms(content, prepared, fromBase64(result.signature));
    const report = await verifyCms(p7s, { trustAnchors: [h.card.certificate('sign-ca')], revocation: 'off' });
    expect(report.verdict).toBe('valid');
  });

  it('makes a login token the server verifies for its origin and challenge', async () => {
    const h = harness();
    const challenge = createLoginChallenge();
    const result = ok(
      await h.ask({ id: 'a', type: 'authenticate', params: { challenge: challenge.nonce, pin: PINS.auth } }),
    );
    const report = await verifyLogin(result.token as string, {
      challenge,
      origin: ORIGIN,
      trustAnchors: [h.card.certificate('auth-ca')],
      revocation: 'off',
    });
    expect([report.verdict, report.account?.serial]).toEqual(['valid', expect.any(String)]);
  });

  it('reads the authentication certificate without a PIN', async () => {
    const h = harness();
    const result = ok(await h.ask({ id: 'c', type: 'certificate', params: { key: 'auth' } }));
    expect(fromBase64(result.certificate as string)).toEqual(h.card.certificate('auth'));
  });
});

describe('PIN rules through the host', () => {
  it('wrong PIN twice reports the tries left, then refuses the last try unless confirmed', async () => {
    const h = harness();
    const nonce = createLoginChallenge().nonce;
    const attempt = (id: string, allowLastAttempt?: boolean) =>
      h.ask({
        id,
        type: 'authenticate',
        params: { challenge: nonce, pin: '0000', ...(allowLastAttempt ? { allowLastAttempt } : {}) },
      });
    const first = await attempt('w1');
    const second = await attempt('w2');
    const third = await attempt('w3');
    expect(
      [first, second, third].map((r) => (r.ok ? 'ok' : [r.error.code, r.error.remainingAttempts])),
    ).toEqual([
      ['PIN_INCORRECT', 2],
      ['PIN_INCORRECT', 1],
      ['PIN_LAST_ATTEMPT_GUARD', 1],
    ]);
    expect(h.card.pinTries().auth).toBe(1);
  });

  it('refuses a PIN of the wrong format without using a try', async () => {
    const h = harness();
    const reply = await h.ask({
      id: 'f',
      type: 'authenticate',
      params: { challenge: createLoginChallenge().nonce, pin: '12a4' },
    });
    expect([code(reply), h.card.pinTries().auth]).toEqual(['PIN_FORMAT_INVALID', 3]);
  });
});

describe('one request at a time', () => {
  it('answers a second card request HOST_BUSY while the first runs, and the first completes', async () => {
    const h = harness();
    h.faults.delayResponses(30);
    const first = h.ask({ id: 'one', type: 'certificate', params: { key: 'auth' } });
    const second = await h.ask({ id: 'two', type: 'status' });
    expect([code(second), code(await first)]).toEqual(['HOST_BUSY', 'ok']);
  });

  it('cancels the running request with USER_CANCELLED', async () => {
    const h = harness();
    h.faults.delayResponses(50);
    const running = h.ask({ id: 'long', type: 'certificate', params: { key: 'auth' } });
    const cancel = await h.ask({ id: 'x', type: 'cancel', params: { target: 'long' } });
    expect([ok(cancel).cancelled, code(await running)]).toEqual([true, 'USER_CANCELLED']);
  });

  it('does not let another origin cancel a request', async () => {
    const h = harness();
    h.faults.delayResponses(20);
    const running = h.ask({ id: 'mine', type: 'certificate', params: { key: 'auth' } });
    const cancel = await h.ask({
      id: 'x',
      type: 'cancel',
      origin: 'https://evil.example',
      params: { target: 'mine' },
    });
    expect([ok(cancel).cancelled, code(await running)]).toEqual([false, 'ok']);
  });
});

describe('hostile input: refused with a code, the host keeps answering', () => {
  const raw = (h: Harness, bytes: Uint8Array) => h.host.push(bytes);
  const lengthOnly = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  const body = (bytes: Uint8Array) => {
    const b = new Uint8Array(4 + bytes.length);
    new DataView(b.buffer).setUint32(0, bytes.length, true);
    b.set(bytes, 4);
    return b;
  };
  const cases: [string, (h: Harness) => void, string][] = [
    ['not JSON', (h) => raw(h, body(new TextEncoder().encode('{nope'))), 'HOST_MESSAGE_MALFORMED'],
    ['not UTF-8', (h) => raw(h, body(Uint8Array.of(0x22, 0xff, 0x22))), 'HOST_MESSAGE_MALFORMED'],
    ['an empty frame', (h) => raw(h, lengthOnly(0)), 'HOST_MESSAGE_MALFORMED'],
    ['a JSON array', (h) => h.send([1, 2]), 'HOST_MESSAGE_MALFORMED'],
    [
      'an oversized length',
      (h) => raw(h, Uint8Array.of(...lengthOnly(100 * 1024), ...new Uint8Array(100 * 1024))),
      'HOST_MESSAGE_TOO_LARGE',
    ],
    [
      'an unknown command',
      (h) => h.send({ v: 1, id: 'u', type: 'format-card', origin: ORIGIN }),
      'HOST_COMMAND_UNKNOWN',
    ],
    ['no origin', (h) => h.send({ v: 1, id: 'o', type: 'status' }), 'HOST_ORIGIN_INVALID'],
    [
      'an extension origin',
      (h) => h.send({ v: 1, id: 'o', type: 'status', origin: 'chrome-extension://abc' }),
      'HOST_ORIGIN_INVALID',
    ],
    [
      'a page-supplied origin in the parameters',
      (h) =>
        h.send({
          v: 1,
          id: 'p',
          type: 'authenticate',
          origin: ORIGIN,
          params: { origin: 'https://bank.example', challenge: 'a'.repeat(43), pin: '1234' },
        }),
      'HOST_ORIGIN_INVALID',
    ],
    [
      'an unknown field',
      (h) => h.send({ v: 1, id: 'f', type: 'status', origin: ORIGIN, extra: 1 }),
      'HOST_MESSAGE_MALFORMED',
    ],
    [
      'another protocol version',
      (h) => h.send({ v: 2, id: 'v', type: 'hello', origin: ORIGIN }),
      'HOST_MESSAGE_MALFORMED',
    ],
    [
      'a hash of the wrong length',
      (h) =>
        h.send({
          v: 1,
          id: 'h',
          type: 'sign',
          origin: ORIGIN,
          params: {
            hash: toBase64(new Uint8Array(31)),
            hashAlgorithm: 'SHA-256',
            description: 'x',
            pin: 'ABC123',
          },
        }),
      'HOST_MESSAGE_MALFORMED',
    ],
    [
      'a description with bidi overrides',
      (h) =>
        h.send({
          v: 1,
          id: 'd',
          type: 'sign',
          origin: ORIGIN,
          params: {
            hash: toBase64(new Uint8Array(32)),
            hashAlgorithm: 'SHA-256',
            description: 'pay \u202e001',
            pin: 'ABC123',
          },
        }),
      'HOST_MESSAGE_MALFORMED',
    ],
    [
      'a SHA-1 hash',
      (h) =>
        h.send({
          v: 1,
          id: 's1',
          type: 'sign',
          origin: ORIGIN,
          params: {
            hash: toBase64(new Uint8Array(20)),
            hashAlgorithm: 'SHA-1',
            description: 'x',
            pin: 'ABC123',
          },
        }),
      'HOST_MESSAGE_MALFORMED',
    ],
    [
      'a login challenge that is not a nonce',
      (h) =>
        h.send({
          v: 1,
          id: 'n',
          type: 'authenticate',
          origin: ORIGIN,
          params: { challenge: 'short', pin: '1234' },
        }),
      'HOST_MESSAGE_MALFORMED',
    ],
  ];

  it.each(cases)('%s', async (_name, act, expected) => {
    const h = harness();
    act(h);
    const reply = await h.next();
    const alive = await h.ask({ id: 'after', type: 'hello' });
    expect([code(reply), code(alive)]).toEqual([expected, 'ok']);
  });

  it('never throws on random bytes; every reply is a well-formed frame', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (chunks) => {
        const decoder = new FrameDecoder(1 << 20);
        const replies: HostReply[] = [];
        const host = new NativeHost(
          (frame) => {
            for (const e of decoder.push(frame)) {
              if (e.kind === 'message') replies.push(JSON.parse(new TextDecoder().decode(e.body)));
            }
          },
          { openCard: () => Promise.reject(new Error('no card in this property')) },
        );
        for (const c of chunks) host.push(c);
        expect(
          replies.every((r) => typeof r.ok === 'boolean' && (r.ok || typeof r.error.code === 'string')),
        ).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('signs only the login message with the authentication key (the page cannot pick the hash)', async () => {
    const h = harness();
    h.faults.setRecording(true);
    const nonce = createLoginChallenge().nonce;
    ok(await h.ask({ id: 'a', type: 'authenticate', params: { challenge: nonce, pin: PINS.auth } }));
    const digest = new Uint8Array(
      await crypto.subtle.digest('SHA-256', loginMessage(ORIGIN, nonce) as Uint8Array<ArrayBuffer>),
    );
    const signCommand = h.faults.records.find((r) => r.command[0] === 0x80 && r.command[1] === 0x2a);
    expect(toBase64(signCommand!.command.subarray(5 + 19, 5 + 19 + 32))).toBe(toBase64(digest));
  });
});

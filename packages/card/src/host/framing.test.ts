import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from './framing.js';

const frame = (length: number, body: Uint8Array = new Uint8Array(0)): Uint8Array => {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, length, true);
  out.set(body, 4);
  return out;
};
const text = (e: { kind: string; body?: Uint8Array }) => (e.body ? new TextDecoder().decode(e.body) : e.kind);

describe('FrameDecoder', () => {
  it('decodes a frame fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const bytes = encodeFrame({ a: 'あ' });
    const events = [...bytes].flatMap((b) => decoder.push(Uint8Array.of(b)));
    expect(events.map(text)).toEqual(['{"a":"あ"}']);
  });

  it('reports an oversized frame, skips its body and reads the next frame', () => {
    const decoder = new FrameDecoder(8);
    const events = [
      ...decoder.push(frame(20, new Uint8Array(10))),
      ...decoder.push(new Uint8Array(10)),
      ...decoder.push(encodeFrame(1)),
    ];
    expect(events.map(text)).toEqual(['too-large', '1']);
  });

  it('keeps no buffer for a 4 GiB length', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(frame(0xffffffff)).map((e) => e.kind)).toEqual(['too-large']);
  });

  it('says a frame is unfinished when the stream stops inside it', () => {
    const decoder = new FrameDecoder();
    decoder.push(encodeFrame('abc').subarray(0, 6));
    expect(decoder.partial).toBe(true);
  });

  it('decodes any sequence of frames however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (values, cuts) => {
          const stream = Uint8Array.from(values.flatMap((v) => [...encodeFrame(v)]));
          const decoder = new FrameDecoder();
          const out: unknown[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            for (const e of decoder.push(stream.subarray(at, at + n))) {
              if (e.kind === 'message') out.push(JSON.parse(new TextDecoder().decode(e.body)));
            }
            at += n;
          }
          expect(out).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses to encode a reply over the browser limit with a typed error', () => {
    expect(() => encodeFrame('x'.repeat(1024 * 1024))).toThrow(
      expect.objectContaining({ code: 'HOST_INTERNAL' }),
    );
  });
});

/**
 * Native-messaging framing (Chrome and Firefox): each message is a 32-bit length in native byte
 * order (little-endian on every platform browsers ship on) followed by that many bytes of UTF-8 JSON.
 *
 * The decoder never buffers more than `maxMessageBytes`: a longer frame is reported as `too-large` and
 * its body is skipped as it streams in, so the stream stays in step and the next frame is read
 * normally. Chrome limits host → browser messages to 1 MB; `encodeFrame` enforces that.
 */

import { cardError } from '../errors.js';

/** Requests to the host are small (a hash, a description, a PIN): 64 KiB is ample. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
/** Chrome's limit on a message from the host (developer.chrome.com, "Native messaging"). */
export const MAX_OUTGOING_BYTES = 1024 * 1024;

export type FrameEvent = { kind: 'message'; body: Uint8Array } | { kind: 'too-large'; length: number };

export class FrameDecoder {
  readonly #max: number;
  #header = new Uint8Array(4);
  #headerFill = 0;
  #body: Uint8Array | undefined;
  #bodyFill = 0;
  /** Bytes of an oversized frame still to skip. */
  #skip = 0;

  constructor(maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {
    this.#max = maxMessageBytes;
  }

  /** True when a frame has started but not finished (for reporting a truncated stream at its end). */
  get partial(): boolean {
    return this.#headerFill > 0 || this.#body !== undefined || this.#skip > 0;
  }

  /** Feeds bytes; returns the frames they complete, in order. */
  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - at);
        this.#skip -= n;
        at += n;
        continue;
      }
      if (this.#body) {
        const n = Math.min(this.#body.length - this.#bodyFill, chunk.length - at);
        this.#body.set(chunk.subarray(at, at + n), this.#bodyFill);
        this.#bodyFill += n;
        at += n;
        if (this.#bodyFill === this.#body.length) {
          events.push({ kind: 'message', body: this.#body });
          this.#body = undefined;
        }
        continue;
      }
      this.#header[this.#headerFill++] = chunk[at++]!;
      if (this.#headerFill < 4) continue;
      this.#headerFill = 0;
      const length = new DataView(this.#header.buffer).getUint32(0, true);
      if (length > this.#max) {
        events.push({ kind: 'too-large', length });
        this.#skip = length;
      } else if (length === 0) {
        events.push({ kind: 'message', body: new Uint8Array(0) });
      } else {
        this.#body = new Uint8Array(length);
        this.#bodyFill = 0;
      }
    }
    return events;
  }
}

/** One outgoing frame: 4-byte little-endian length + UTF-8 JSON. */
export function encodeFrame(message: unknown): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(message));
  if (body.length > MAX_OUTGOING_BYTES)
    throw cardError('HOST_INTERNAL', `A ${body.length}-byte reply is over the browser's 1 MB limit.`);
  const frame = new Uint8Array(4 + body.length);
  new DataView(frame.buffer).setUint32(0, body.length, true);
  frame.set(body, 4);
  return frame;
}

/**
 * vpcd framing (spec/jpki-card.md §13.2 [C]): every message in both directions is a 2-byte big-endian
 * length followed by that many bytes. TCP delivers a byte stream, so frames are reassembled across
 * chunks: vpcd 0.8 sends header and payload in two `send()` calls, and several frames may arrive in one
 * chunk (spec §14 item 2).
 */

import { coreError } from '@shomei/core';

export const VPCD_MAX_FRAME = 0xffff;

/** vpcd control codes (`vpcd.h` VPCD_CTRL_*; spec §13.2). A 1-byte message is always one of these. */
export const VpcdControl = { off: 0x00, on: 0x01, reset: 0x02, atr: 0x04 } as const;

export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > VPCD_MAX_FRAME) {
    throw coreError('INPUT_INVALID', 'A vpcd frame carries at most 65535 bytes.');
  }
  const out = new Uint8Array(payload.length + 2);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

/** Accumulates TCP chunks and yields whole frames, in order. */
export class VpcdFrameReader {
  #buffer: Uint8Array = new Uint8Array(0);

  /** Adds a chunk; returns every frame it completes (possibly none, possibly several). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#buffer.length === 0) {
      this.#buffer = chunk;
    } else {
      const joined = new Uint8Array(this.#buffer.length + chunk.length);
      joined.set(this.#buffer, 0);
      joined.set(chunk, this.#buffer.length);
      this.#buffer = joined;
    }
    const frames: Uint8Array[] = [];
    let at = 0;
    while (this.#buffer.length - at >= 2) {
      const n = (this.#buffer[at]! << 8) | this.#buffer[at + 1]!;
      if (this.#buffer.length - at - 2 < n) break;
      frames.push(this.#buffer.slice(at + 2, at + 2 + n));
      at += 2 + n;
    }
    this.#buffer = at === 0 ? this.#buffer : this.#buffer.slice(at);
    return frames;
  }

  /** Bytes waiting for the rest of their frame. */
  get pending(): number {
    return this.#buffer.length;
  }

  clear(): void {
    this.#buffer = new Uint8Array(0);
  }
}

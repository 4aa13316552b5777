import { fromHex, toHex } from '@shomei/core';
import type { TransmitOptions, Transport } from '../../src/transport/transport.js';

export type ScriptStep =
  | { expect: string; reply: string }
  | { expect: string; fail: Error }
  | { expect: string; hang: true };

/**
 * A Transport that plays a fixed script: each command must equal the next step's `expect` (hex,
 * spaces ignored), and gets its `reply`. Records what was sent.
 */
export class ScriptedTransport implements Transport {
  readonly name = 'scripted';
  connected = true;
  atr: Uint8Array | undefined = fromHex('3BE000FF8131FE4514');
  readonly sent: string[] = [];
  #steps: ScriptStep[];

  constructor(steps: ScriptStep[]) {
    this.#steps = [...steps];
  }

  get remaining(): number {
    return this.#steps.length;
  }

  async connect(): Promise<void> {
    this.connected = true;
  }

  async transmit(command: Uint8Array, options: TransmitOptions = {}): Promise<Uint8Array> {
    const hex = toHex(command);
    this.sent.push(hex);
    const step = this.#steps.shift();
    if (!step) throw new Error(`unexpected command ${hex}`);
    const want = step.expect.replace(/\s/g, '').toLowerCase();
    if (want !== hex) throw new Error(`expected ${want}, got ${hex}`);
    if ('fail' in step) throw step.fail;
    if ('hang' in step) {
      return new Promise((_, reject) => {
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
      });
    }
    return fromHex(step.reply);
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  async close(): Promise<void> {
    this.connected = false;
  }
}

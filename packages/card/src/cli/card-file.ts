/**
 * `--card-file <card.json>`: a virtual card saved by `shomei-sim issue`, driven in process through the
 * simulator's MemoryTransport, so signing with a test card needs no pcscd and no root. The simulator
 * is loaded only when this option is used (it depends on this package, not the other way round), so
 * it must be installed next to @shomei/card.
 */

import { cardError } from '../errors.js';
import type { Transport } from '../transport/transport.js';

interface VirtualCardLike {
  onPersistentChange(listener: () => void): void;
}

interface SimulatorModule {
  loadCardFile(path: string): VirtualCardLike;
  saveCardFile(path: string, card: VirtualCardLike, options: { overwrite: boolean }): void;
  MemoryTransport: new (card: VirtualCardLike) => Transport;
}

// A variable, so that bundlers and the type checker leave the optional package alone.
const SIMULATOR = '@shomei/simulator';

export async function virtualCardTransport(path: string): Promise<Transport> {
  let sim: SimulatorModule;
  try {
    sim = (await import(SIMULATOR)) as SimulatorModule;
  } catch (cause) {
    throw cardError('USAGE', '--card-file needs @shomei/simulator installed next to @shomei/card.', {
      cause,
    });
  }
  const card = sim.loadCardFile(path);
  // PIN counters are non-volatile (spec/jpki-card.md §4.4): a wrong PIN is written back at once.
  card.onPersistentChange(() => sim.saveCardFile(path, card, { overwrite: true }));
  return new sim.MemoryTransport(card);
}

/**
 * `openJpkiCard`: the entry point of the JPKI card API (design.md §4). Without a transport it opens
 * the PC/SC reader (`reader`, or the first reader holding a card) and owns it; with one (e.g. the
 * simulator's MemoryTransport) it uses it and leaves it open on disposal.
 */
import { PcscTransport, type PcscTransportOptions } from '../transport/pcsc-transport.js';
import type { Transport } from '../transport/transport.js';
import type { JpkiCardOptions } from './card-types.js';
import { JpkiCard } from './jpki-card.js';

export interface OpenJpkiCardOptions extends Omit<JpkiCardOptions, 'ownsTransport' | 'queueKey'> {
  /** PC/SC reader name (ignored when `transport` is given). */
  reader?: string;
  transport?: Transport;
  signal?: AbortSignal;
  /** Options for the PC/SC transport openJpkiCard creates. */
  pcsc?: Omit<PcscTransportOptions, 'reader' | 'signal'>;
}

export async function openJpkiCard(options: OpenJpkiCardOptions = {}): Promise<JpkiCard> {
  const { reader, transport, signal, pcsc, ...cardOptions } = options;
  let card: JpkiCard;
  if (transport) {
    card = new JpkiCard(transport, cardOptions);
  } else {
    const opened = await PcscTransport.open({
      ...pcsc,
      ...(reader !== undefined ? { reader } : {}),
      ...(signal ? { signal } : {}),
    });
    // Every session on this reader in this process shares one operation queue.
    card = new JpkiCard(opened, { ...cardOptions, ownsTransport: true, queueKey: `pcsc:${opened.name}` });
  }
  try {
    // Identify the card now: a card without the JPKI AP fails here with NOT_JPKI_CARD.
    await card.info(signal ? { signal } : {});
  } catch (error) {
    await card.close().catch(() => {});
    throw error;
  }
  return card;
}

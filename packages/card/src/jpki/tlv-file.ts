/** Reading a whole BER TLV file from the current EF (card-input-assistance AP, spec §9). */
import { cardError } from '../errors.js';
import type { ApduChannel } from '../iso7816/channel.js';
import { readBinary } from '../iso7816/commands.js';
import type { DataClass } from '../iso7816/trace.js';
import { assistTlvLength } from './assist-data.js';

/** Reads a whole BER TLV file whose tag may be multi-byte (card-input-assistance AP, §9). */
export async function readTlvFile(
  channel: ApduChannel,
  dataClass: DataClass,
  signal: AbortSignal | undefined,
) {
  const head = await readBinary(channel, 0, 5, { signal, dataClass });
  const total = assistTlvLength(head);
  if (total <= head.length) return head.slice(0, total);
  if (total > 0x7fff) throw cardError('CARD_DATA_MALFORMED', 'The file length is implausible.');
  const rest = await readBinary(channel, head.length, total - head.length, { signal, dataClass });
  const out = new Uint8Array(head.length + rest.length);
  out.set(head);
  out.set(rest, head.length);
  return out;
}

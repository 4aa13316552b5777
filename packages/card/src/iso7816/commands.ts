/**
 * Interindustry commands of ISO/IEC 7816-4 used by JPKI cards: SELECT (§11.2.2), READ BINARY
 * (§11.3.3), VERIFY (§11.5.6), CHANGE REFERENCE DATA (§11.5.7), GET CHALLENGE (§11.5.3).
 * Builders are pure; the helpers that talk to a card take an `ApduChannel`.
 */
import type { CommandApdu } from '../apdu/command.js';
import { statusError } from '../apdu/status-words.js';
import { cardError } from '../errors.js';
import type { ApduChannel, ExchangeOptions } from './channel.js';

/** SELECT by DF name (P1=04). P2=0C: no response data; P2=00: return FCI. */
export function selectAidCommand(aid: Uint8Array, options: { fci?: boolean } = {}): CommandApdu {
  if (aid.length < 1 || aid.length > 16) {
    throw cardError('APDU_INVALID', `An AID has 1 to 16 bytes; got ${aid.length}.`);
  }
  return options.fci
    ? { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: aid, le: 256 }
    : { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: aid };
}

/** SELECT EF by file identifier under the current DF (P1=02, P2=0C). */
export function selectEfCommand(fid: number): CommandApdu {
  if (!Number.isInteger(fid) || fid < 0 || fid > 0xffff) {
    throw cardError('APDU_INVALID', `A file identifier has 2 bytes; got ${String(fid)}.`);
  }
  return { cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(fid >> 8, fid & 0xff) };
}

/** READ BINARY with a 15-bit offset (P1 bit 8 = 0, ISO 7816-4 §11.3.3). */
export function readBinaryCommand(offset: number, le: number): CommandApdu {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0x7fff) {
    throw cardError('APDU_INVALID', `READ BINARY offset must be 0..32767; got ${String(offset)}.`);
  }
  return { cla: 0x00, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, le };
}

/** VERIFY with reference data; without data it is the retry-counter query (P2=80: specific reference). */
export function verifyCommand(pin?: Uint8Array, p2 = 0x80): CommandApdu {
  return pin && pin.length > 0
    ? { cla: 0x00, ins: 0x20, p1: 0x00, p2, data: pin }
    : { cla: 0x00, ins: 0x20, p1: 0, p2 };
}

/** CHANGE REFERENCE DATA with only the new value (P1=01: the old one was verified before). */
export function changeReferenceDataCommand(newPin: Uint8Array, p2 = 0x80): CommandApdu {
  return { cla: 0x00, ins: 0x24, p1: 0x01, p2, data: newPin };
}

export function getChallengeCommand(length: number): CommandApdu {
  return { cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: length };
}

export async function selectAid(
  channel: ApduChannel,
  aid: Uint8Array,
  options: ExchangeOptions = {},
): Promise<void> {
  await channel.send(selectAidCommand(aid), { command: 'SELECT', ...options });
}

export async function selectEf(
  channel: ApduChannel,
  fid: number,
  options: ExchangeOptions = {},
): Promise<void> {
  await channel.send(selectEfCommand(fid), { command: 'SELECT', ...options });
}

/**
 * Reads `length` bytes from `offset` of the current EF in chunks of at most `chunk` bytes (short APDUs:
 * 256). A card that returns fewer bytes than asked ends the read early (end of file).
 */
export async function readBinary(
  channel: ApduChannel,
  offset: number,
  length: number,
  options: ExchangeOptions & { chunk?: number } = {},
): Promise<Uint8Array> {
  const chunk = Math.min(options.chunk ?? 256, 256);
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const le = Math.min(chunk, length - got);
    const response = await channel.transmit(readBinaryCommand(offset + got, le), {
      command: 'READ BINARY',
      ...options,
    });
    // 6282: end of file reached with data (ISO 7816-4 §5.1.3); keep what came and stop.
    if (response.sw === 0x6b00) {
      // ISO 7816-4 §11.3.3: for READ BINARY, 6B00 means the offset lies beyond the end of the EF.
      throw cardError(
        'OFFSET_OUT_OF_RANGE',
        `READ BINARY at offset ${offset + got}: ${cardError('OFFSET_OUT_OF_RANGE').message}`,
        {
          details: { sw: '6B00', offset: offset + got },
        },
      );
    }
    if (response.sw !== 0x9000 && response.sw !== 0x6282) {
      throw statusError(response.sw, { command: 'READ BINARY' })!;
    }
    if (response.data.length > le) {
      throw cardError(
        'RESPONSE_MALFORMED',
        `READ BINARY returned ${response.data.length} bytes for Le=${le}.`,
      );
    }
    out.set(response.data, got);
    got += response.data.length;
    if (response.data.length < le || response.sw === 0x6282) break;
  }
  return got === length ? out : out.slice(0, got);
}

/**
 * Reads a whole DER object from the current EF: the first bytes give the length (ITU-T X.690 §8.1.3),
 * then the rest is read in chunks (spec/jpki-card.md §4.3).
 */
export async function readDerObject(
  channel: ApduChannel,
  options: ExchangeOptions & { maxLength?: number } = {},
): Promise<Uint8Array> {
  const head = await readBinary(channel, 0, 8, options);
  const total = derTotalLength(head);
  const max = options.maxLength ?? 0x7fff;
  if (total <= 0 || total > max) {
    throw cardError(
      'CARD_DATA_MALFORMED',
      'The file does not start with a DER object header of a plausible length.',
    );
  }
  if (total <= head.length) return head.slice(0, total);
  const rest = await readBinary(channel, head.length, total - head.length, options);
  if (rest.length !== total - head.length) {
    throw cardError(
      'CARD_DATA_MALFORMED',
      `The file ended after ${head.length + rest.length} of ${total} bytes.`,
    );
  }
  const out = new Uint8Array(total);
  out.set(head);
  out.set(rest, head.length);
  return out;
}

/** Total length (header + contents) from a DER header with a single-byte tag, or -1. */
export function derTotalLength(bytes: Uint8Array): number {
  if (bytes.length < 2 || (bytes[0]! & 0x1f) === 0x1f) return -1;
  const first = bytes[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 3 || bytes.length < 2 + n) return -1;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + bytes[2 + i]!;
  return 2 + n + len;
}

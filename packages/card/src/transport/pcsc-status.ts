/**
 * PC/SC status codes (pcsc-lite `pcsclite.h`, winscard SCARD_* values) and their mapping to card error
 * codes. The `pcsclite` binding reports failures as `Error("SCardX error: <text>(0x8010xxxx)")`, so
 * the status is read back from the message.
 */
import type { ShomeiError } from '@shomei/core';
import { type CardErrorCode, cardError } from '../errors.js';

export const SCARD = {
  E_CANCELLED: 0x80100002,
  E_INVALID_HANDLE: 0x80100003,
  E_UNKNOWN_READER: 0x80100009,
  E_TIMEOUT: 0x8010000a,
  E_SHARING_VIOLATION: 0x8010000b,
  E_NO_SMARTCARD: 0x8010000c,
  E_PROTO_MISMATCH: 0x8010000f,
  E_NOT_TRANSACTED: 0x80100016,
  E_READER_UNAVAILABLE: 0x80100017,
  E_NO_SERVICE: 0x8010001d,
  E_SERVICE_STOPPED: 0x8010001e,
  E_NO_READERS_AVAILABLE: 0x8010002e,
  W_UNRESPONSIVE_CARD: 0x80100066,
  W_UNPOWERED_CARD: 0x80100067,
  W_RESET_CARD: 0x80100068,
  W_REMOVED_CARD: 0x80100069,
} as const;

/** The PC/SC status carried by a binding error, if any. */
export function pcscStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /\(0x([0-9a-fA-F]{8})\)\s*$/.exec(error.message);
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 16);
}

function codeFor(status: number | undefined): CardErrorCode {
  switch (status) {
    case SCARD.W_REMOVED_CARD:
    case SCARD.W_UNPOWERED_CARD:
      return 'CARD_REMOVED';
    case SCARD.W_RESET_CARD:
      return 'CARD_RESET';
    case SCARD.E_NO_SMARTCARD:
    case SCARD.W_UNRESPONSIVE_CARD:
      return 'NO_CARD';
    case SCARD.E_SHARING_VIOLATION:
      return 'CARD_BUSY';
    case SCARD.E_UNKNOWN_READER:
    case SCARD.E_READER_UNAVAILABLE:
      return 'READER_NOT_FOUND';
    case SCARD.E_NO_READERS_AVAILABLE:
      return 'NO_READERS';
    case SCARD.E_NO_SERVICE:
    case SCARD.E_SERVICE_STOPPED:
      return 'PCSC_NO_SERVICE';
    case SCARD.E_TIMEOUT:
      return 'TIMEOUT';
    default:
      return 'PCSC_ERROR';
  }
}

/**
 * A ShomeiError for a failure of the binding. `operation` says what we were doing ("connecting to
 * 'Reader X'"); the PC/SC text is kept as the cause and the status in `details.pcscStatus`.
 */
export function pcscError(error: unknown, operation: string): ShomeiError {
  const status = pcscStatusOf(error);
  const code = codeFor(status);
  const details = status === undefined ? {} : { pcscStatus: `0x${status.toString(16).padStart(8, '0')}` };
  const base = cardError(code);
  const message = code === 'PCSC_ERROR' ? `The PC/SC layer failed while ${operation}.` : base.message;
  return cardError(code, message, { cause: error, details });
}

/**
 * Error codes of @shomei/card (code → default message → docs anchor). The messages are written for
 * the person at the reader: what happened and what to do. No message ever contains a PIN, a My
 * Number or card response data.
 */
import { type ErrorCodeInfo, errorFactory } from '@shomei/core';

export const CARD_ERRORS = {
  // Wire format
  APDU_INVALID: {
    message: 'The command APDU cannot be encoded: a field is out of range for ISO 7816-4.',
    docs: 'apdu_invalid',
  },
  APDU_MALFORMED: {
    message: 'The bytes are not a valid command APDU (ISO 7816-4 §5.1).',
    docs: 'apdu_malformed',
  },
  RESPONSE_MALFORMED: {
    message: 'The card answered with a malformed response (fewer than 2 bytes or an inconsistent length).',
    docs: 'response_malformed',
  },
  // Status words (ISO 7816-4 §5.1.3)
  PIN_INCORRECT: {
    message: 'The PIN is incorrect. Check it before trying again: each wrong PIN uses up a try.',
    docs: 'pin_incorrect',
  },
  PIN_BLOCKED: {
    message: 'The PIN is blocked after too many wrong tries. It can only be reset at the municipal office.',
    docs: 'pin_blocked',
  },
  SECURITY_STATUS_NOT_SATISFIED: {
    message: 'The card refused: the required PIN has not been verified in this session.',
    docs: 'security_status_not_satisfied',
  },
  CONDITIONS_NOT_SATISFIED: {
    message: 'The card refused the command in its current state (conditions of use not satisfied).',
    docs: 'conditions_not_satisfied',
  },
  COMMAND_NOT_ALLOWED: {
    message: 'The card does not allow this command here (no current EF?).',
    docs: 'command_not_allowed',
  },
  FILE_NOT_FOUND: { message: 'The card has no such application or file.', docs: 'file_not_found' },
  REFERENCE_NOT_FOUND: {
    message: 'The card has no such reference data (key or PIN).',
    docs: 'reference_not_found',
  },
  INCORRECT_DATA: { message: 'The card rejected the command data as incorrect.', docs: 'incorrect_data' },
  FUNCTION_NOT_SUPPORTED: {
    message: 'The card does not support this function.',
    docs: 'function_not_supported',
  },
  WRONG_LENGTH: { message: 'The card rejected the command length (SW 6700).', docs: 'wrong_length' },
  WRONG_P1P2: { message: 'The card rejected the parameters P1/P2.', docs: 'wrong_p1p2' },
  OFFSET_OUT_OF_RANGE: {
    message: 'The read offset is beyond the end of the file.',
    docs: 'offset_out_of_range',
  },
  END_OF_FILE: { message: 'The end of the file was reached before Le bytes were read.', docs: 'end_of_file' },
  INS_NOT_SUPPORTED: {
    message: 'The card does not support this instruction (SW 6D00).',
    docs: 'ins_not_supported',
  },
  CLA_NOT_SUPPORTED: {
    message: 'The card does not support this class byte (SW 6E00).',
    docs: 'cla_not_supported',
  },
  MEMORY_FAILURE: {
    message: 'The card reported a memory failure. The card may be damaged.',
    docs: 'memory_failure',
  },
  CARD_ERROR: { message: 'The card reported an internal error.', docs: 'card_error' },
  SW_UNKNOWN: { message: 'The card answered with a status word shomei does not know.', docs: 'sw_unknown' },
  // Transport and readers
  CARD_REMOVED: {
    message: 'The card was removed from the reader. Put it back and try again.',
    docs: 'card_removed',
  },
  CARD_RESET: {
    message: 'The card was reset by another program; the operation was stopped. Try again.',
    docs: 'card_reset',
  },
  NO_CARD: { message: 'There is no card in the reader. Insert the card and try again.', docs: 'no_card' },
  READER_NOT_FOUND: {
    message: 'No such card reader. Run `shomei card readers` to list them.',
    docs: 'reader_not_found',
  },
  NO_READERS: { message: 'No card reader is connected. Connect a reader and try again.', docs: 'no_readers' },
  CARD_BUSY: {
    message: 'Another program is using the card. Close it (or wait) and try again.',
    docs: 'card_busy',
  },
  TRANSPORT_CLOSED: { message: 'The connection to the card was closed.', docs: 'transport_closed' },
  PCSC_UNAVAILABLE: {
    message:
      'PC/SC support is not installed. Install the system library (Debian/Ubuntu: `apt-get install pcscd libpcsclite-dev`) and the optional npm package `pcsclite`.',
    docs: 'pcsc_unavailable',
  },
  PCSC_NO_SERVICE: {
    message:
      'The PC/SC service is not running. Start it (`systemctl start pcscd`, or `pcscd -f`) and try again.',
    docs: 'pcsc_no_service',
  },
  PCSC_ERROR: { message: 'The PC/SC layer reported an error.', docs: 'pcsc_error' },
  TIMEOUT: {
    message: 'The card did not answer in time. Check the reader and the card, then try again.',
    docs: 'timeout',
  },
  ABORTED: { message: 'The operation was cancelled.', docs: 'aborted' },
  // JPKI layer
  NOT_JPKI_CARD: {
    message: 'This card has no JPKI application. Is it a My Number card or a Juki card?',
    docs: 'not_jpki_card',
  },
  PIN_FORMAT_INVALID: {
    message: 'The PIN has the wrong format; nothing was sent to the card and no try was used.',
    docs: 'pin_format_invalid',
  },
  PIN_LAST_ATTEMPT_GUARD: {
    message:
      'Only one PIN try is left; a wrong PIN would block the card. Pass allowLastAttempt: true to use it deliberately.',
    docs: 'pin_last_attempt_guard',
  },
  PURPOSE_REQUIRED: {
    message: 'Reading the My Number needs an explicit purpose: its use is restricted by law.',
    docs: 'purpose_required',
  },
  CERTIFICATE_MISMATCH: {
    message: 'The certificate does not belong to the key on this card.',
    docs: 'certificate_mismatch',
  },
  CARD_DATA_MALFORMED: {
    message: 'A file on the card does not have the expected format.',
    docs: 'card_data_malformed',
  },
  // --- card driver and JPKI card API (PcscTransport, JpkiCard) ---
  INPUT_INVALID: { message: 'An argument is not valid.', docs: 'input_invalid' },
  PIN_REQUIRED: {
    message: 'This operation needs a PIN: pass { pin } (or verify the PIN first in this session).',
    docs: 'pin_required',
  },
  CARD_CLOSED: {
    message: 'This card session was closed. Open the card again with openJpkiCard().',
    docs: 'card_closed',
  },
  // --- end of the card driver block ---
  USAGE: { message: 'Invalid command-line usage.', docs: 'usage' },
  INPUT_NOT_FOUND: { message: 'An input file does not exist.', docs: 'input_not_found' },
  OUTPUT_EXISTS: {
    message: 'The output file exists already; pass --force to replace it.',
    docs: 'output_exists',
  },
  OUTPUT_DIR_MISSING: {
    message: 'The directory of the output file does not exist.',
    docs: 'output_dir_missing',
  },
  // --- native-messaging host (the card from a web page) ---
  HOST_MESSAGE_MALFORMED: {
    message:
      'The browser extension sent a request the card host does not accept (not JSON, unknown fields or bad values).',
    docs: 'host_message_malformed',
  },
  HOST_MESSAGE_TOO_LARGE: {
    message: 'The browser extension sent a request larger than the card host accepts.',
    docs: 'host_message_too_large',
  },
  HOST_COMMAND_UNKNOWN: {
    message:
      'The browser extension asked the card host for a command it does not know: update both to the same version.',
    docs: 'host_command_unknown',
  },
  HOST_ORIGIN_INVALID: {
    message:
      'The request carries no valid page origin, or the page tried to choose it: only the extension attaches the origin.',
    docs: 'host_origin_invalid',
  },
  HOST_BUSY: {
    message: 'The card is busy with another request from this browser. Finish or cancel it, then try again.',
    docs: 'host_busy',
  },
  HOST_INTERNAL: {
    message: 'The card host failed unexpectedly; its log (the browser’s stderr) has the details.',
    docs: 'host_internal',
  },
  HOST_UNAVAILABLE: {
    message:
      'The shomei card host is not installed or could not start. Install it with `shomei-host install`.',
    docs: 'host_unavailable',
  },
  HOST_INSTALL_UNSUPPORTED: {
    message: 'shomei-host install cannot register the host on this system automatically.',
    docs: 'host_install_unsupported',
  },
  USER_CANCELLED: { message: 'The user cancelled the request in the PIN window.', docs: 'user_cancelled' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type CardErrorCode = keyof typeof CARD_ERRORS;

export const cardError = errorFactory(CARD_ERRORS);

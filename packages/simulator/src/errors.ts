/**
 * Error codes of @shomei/simulator (code → default message → docs anchor).
 *
 * The transport codes (`CARD_REMOVED`, `NO_CARD`, `TRANSPORT_CLOSED`, `ABORTED`) deliberately use the
 * same strings as @shomei/card's table, so a driver branches on one code whether the card is real or
 * virtual. The simulator imports only the `Transport` type from @shomei/card (design.md §2), so the
 * entries are repeated here rather than imported.
 */
import { type ErrorCodeInfo, errorFactory } from '@shomei/core';

export const SIMULATOR_ERRORS = {
  // Transport (same codes as @shomei/card)
  CARD_REMOVED: {
    message: 'The virtual card was removed from its reader (fault injection or bridge closed).',
    docs: 'card_removed',
  },
  NO_CARD: { message: 'There is no card in the virtual reader. Insert it and try again.', docs: 'no_card' },
  TRANSPORT_CLOSED: {
    message: 'The transport is not connected or was closed. Call connect() first.',
    docs: 'transport_closed',
  },
  ABORTED: { message: 'The operation was cancelled.', docs: 'aborted' },
  // Card files and holder profiles
  CARD_FILE_INVALID: {
    message: 'The card file is not a valid shomei-sim card file. Re-create it with `shomei-sim issue`.',
    docs: 'card_file_invalid',
  },
  CARD_FILE_UNREADABLE: {
    message: 'The card file cannot be read or written. Check the path and its permissions.',
    docs: 'card_file_unreadable',
  },
  INPUT_NOT_FOUND: { message: 'An input file does not exist.', docs: 'input_not_found' },
  OUTPUT_EXISTS: {
    message: 'The output file exists already; pass --force to replace it.',
    docs: 'output_exists',
  },
  HOLDER_PROFILE_INVALID: {
    message: 'The holder profile is invalid. See the simulator README for the holder.json format.',
    docs: 'holder_profile_invalid',
  },
  CARD_CONFIG_INVALID: { message: 'A virtual card option is out of range.', docs: 'card_config_invalid' },
  // vpcd bridge
  VPCD_ADDRESS_INVALID: {
    message: 'The vpcd address must be host:port with a port between 1 and 65535.',
    docs: 'vpcd_address_invalid',
  },
  // --- authority: CA hierarchy, operators, revocation, services ------------------------
  AUTHORITY_NOT_FOUND: {
    message:
      'No authority in that directory. Create one with Authority.create or `shomei-sim authority serve`.',
    docs: 'authority_not_found',
  },
  AUTHORITY_EXISTS: {
    message: 'That directory already holds an authority. Open it with Authority.open instead.',
    docs: 'authority_exists',
  },
  AUTHORITY_STATE_INVALID: {
    message:
      'The authority directory is damaged (state.json or a CA file). Restore it or create a new authority.',
    docs: 'authority_state_invalid',
  },
  CERT_NOT_ISSUED_HERE: {
    message:
      'This certificate (or serial) was not issued by this authority. Check the card file or the serial.',
    docs: 'cert_not_issued_here',
  },
  REVOCATION_STATE_CONFLICT: {
    message:
      'The certificate is not in a state that allows this action (e.g. already revoked, or not on hold).',
    docs: 'revocation_state_conflict',
  },
  REVOCATION_REASON_INVALID: {
    message: 'Unknown revocation reason. Use one of the RFC 5280 §5.3.1 names, e.g. keyCompromise.',
    docs: 'revocation_reason_invalid',
  },
  OPERATOR_SESSION_REQUIRED: {
    message: 'This action needs an authenticated operator session: present an operator card with its PIN.',
    docs: 'operator_session_required',
  },
  OPERATOR_PIN_INCORRECT: {
    message: 'The operator PIN is incorrect. Check remainingAttempts before trying again.',
    docs: 'operator_pin_incorrect',
  },
  OPERATOR_PIN_FORMAT_INVALID: {
    message: 'The operator PIN must be 4–8 digits. Nothing was checked against the operator card.',
    docs: 'operator_pin_format_invalid',
  },
  VPCD_UNREACHABLE: {
    message: "Nothing listens at vpcd's address: is pcscd running with vsmartcard-vpcd installed?",
    docs: 'vpcd_unreachable',
  },
  OPERATOR_CARD_BLOCKED: {
    message: 'The operator card is blocked after too many wrong PINs. Enrol a new operator card.',
    docs: 'operator_card_blocked',
  },
  OPERATOR_UNKNOWN: {
    message: 'This operator card is not enrolled at this authority.',
    docs: 'operator_unknown',
  },
  AUDIT_LOG_TAMPERED: {
    message: 'The audit log chain does not verify: an entry was changed, removed or reordered.',
    docs: 'audit_log_tampered',
  },
  SERVER_BIND_REFUSED: {
    message: 'The authority server binds to loopback only. Pass allowNonLoopback to bind elsewhere.',
    docs: 'server_bind_refused',
  },
  // --- end authority ------------------------------------------------------------------------------
  USAGE: { message: 'Invalid command-line usage. Run `shomei-sim --help`.', docs: 'usage' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type SimulatorErrorCode = keyof typeof SIMULATOR_ERRORS;

export const simulatorError = errorFactory(SIMULATOR_ERRORS);

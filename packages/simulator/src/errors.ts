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
  USAGE: { message: 'Invalid command-line usage. Run `shomei-sim --help`.', docs: 'usage' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type SimulatorErrorCode = keyof typeof SIMULATOR_ERRORS;

export const simulatorError = errorFactory(SIMULATOR_ERRORS);

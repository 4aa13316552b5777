import { hasErrorCode } from '@shomei/core';

/**
 * Errors after which the connection's state on the card is unknown: the card was removed or reset,
 * the transport closed, or an exchange was cut short by a timeout or an abort while an APDU may still
 * be in flight (a native SCardTransmit cannot be cancelled). The selected application and every
 * verified PIN must then be forgotten, and a held connection is not kept.
 */
const CONNECTION_LOSS = ['CARD_REMOVED', 'CARD_RESET', 'TIMEOUT', 'TRANSPORT_CLOSED', 'ABORTED'] as const;

export function isConnectionLoss(error: unknown): boolean {
  return CONNECTION_LOSS.some((code) => hasErrorCode(error, code));
}

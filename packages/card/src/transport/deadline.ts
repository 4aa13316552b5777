/**
 * Races a pending operation against the caller's AbortSignal and a timeout, so a card (or a pcscd)
 * that stops answering ends in `TIMEOUT` or `ABORTED` instead of a hang. The underlying
 * operation cannot always be cancelled (a native SCardTransmit cannot): the caller learns of it through
 * `onAbandon` and must treat the connection as unusable.
 */
import { cardError } from '../errors.js';

export interface DeadlineOptions {
  signal?: AbortSignal | undefined;
  /** Milliseconds; `undefined` or `Infinity` = no timeout. */
  timeoutMs?: number | undefined;
  /** Says what timed out, for the error message (never data). */
  what: string;
  /** Called once when the result is abandoned (timeout or abort) while the operation is still running. */
  onAbandon?: () => void;
}

export function abortedError(signal: AbortSignal) {
  return cardError('ABORTED', undefined, { cause: signal.reason });
}

export function withDeadline<T>(operation: Promise<T>, options: DeadlineOptions): Promise<T> {
  const { signal, timeoutMs, what, onAbandon } = options;
  if (signal?.aborted) {
    operation.catch(() => {});
    onAbandon?.();
    return Promise.reject(abortedError(signal));
  }
  const hasTimeout = timeoutMs !== undefined && Number.isFinite(timeoutMs);
  if (!signal && !hasTimeout) return operation;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = () => {
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const abandon = (error: Error) => {
      if (settled) return;
      finish();
      operation.catch(() => {});
      onAbandon?.();
      reject(error);
    };
    const onAbort = () => abandon(abortedError(signal as AbortSignal));
    const timer = hasTimeout
      ? setTimeout(
          () => abandon(cardError('TIMEOUT', `The card did not answer ${what} within ${timeoutMs} ms.`)),
          timeoutMs,
        )
      : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    operation.then(
      (value) => {
        if (settled) return;
        finish();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        finish();
        reject(error);
      },
    );
  });
}

/** Resolves after `ms`, or rejects with `ABORTED` when the signal fires first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

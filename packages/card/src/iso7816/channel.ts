/**
 * The one transmit pipeline over a `Transport` (ISO/IEC 7816-3 §12.2, 7816-4 §5.1.3):
 * - SW 61xx: GET RESPONSE (`00 C0 00 00 xx`, `6100` = 256 more) until the data is complete;
 * - SW 6Cxx: re-send the same command once with Le = xx;
 * - short/extended length chosen from the command;
 * - a trace hook that redacts secrets (see trace.ts);
 * - AbortSignal and a per-exchange timeout on every call. This is the one APDU timeout of the card
 *   package: transports take only the signal (the timer aborts it) and keep no timer of their own.
 * Card-specific knowledge stays out: this layer knows ISO 7816, not JPKI.
 */
import { isShomeiError } from '@shomei/core';
import { type CommandApdu, encodeCommand } from '../apdu/command.js';
import { decodeResponse, type ResponseApdu } from '../apdu/response.js';
import { type StatusContext, statusError } from '../apdu/status-words.js';
import { cardError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import { type DataClass, type TraceOptions, traceCommand, traceResponse } from './trace.js';

export interface ExchangeOptions {
  signal?: AbortSignal;
  /** Classification of the response data for traces. Default `public`. */
  dataClass?: DataClass;
  /** Name of the command for error messages, e.g. "READ BINARY". */
  command?: string;
}

export interface ChannelOptions {
  trace?: TraceOptions;
  /** Milliseconds one card exchange may take before `TIMEOUT`. Default 30 000. */
  timeoutMs?: number;
  /** Upper bound on GET RESPONSE rounds for one command, against a card that never stops. Default 256. */
  maxGetResponse?: number;
}

const GET_RESPONSE_INS = 0xc0;

export class ApduChannel {
  readonly transport: Transport;
  readonly #trace: TraceOptions | undefined;
  readonly #timeoutMs: number;
  readonly #maxGetResponse: number;

  constructor(transport: Transport, options: ChannelOptions = {}) {
    this.transport = transport;
    this.#trace = options.trace;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxGetResponse = options.maxGetResponse ?? 256;
  }

  /**
   * Sends a command and returns the final response (after 61xx/6Cxx handling) without judging its
   * status word.
   */
  async transmit(command: CommandApdu, options: ExchangeOptions = {}): Promise<ResponseApdu> {
    let response = await this.#exchange(command, options);
    if (response.sw1 === 0x6c && command.le !== undefined) {
      // ISO 7816-3 §12.2.2: wrong Le; SW2 gives the exact length. Re-send once. Only a command that
      // asked for data (case 2/4) can have a wrong Le: a 6Cxx to a case 1/3 command (e.g. VERIFY with
      // a PIN) is an error, and re-sending it would send the PIN twice (PIN safety: never retry).
      response = await this.#exchange({ ...command, le: response.sw2 === 0 ? 256 : response.sw2 }, options);
    }
    if (response.sw1 !== 0x61) return response;
    const chunks: Uint8Array[] = [response.data];
    let total = response.data.length;
    for (let round = 0; response.sw1 === 0x61; round++) {
      if (round >= this.#maxGetResponse) {
        throw cardError(
          'RESPONSE_MALFORMED',
          `The card kept answering 61xx after ${round} GET RESPONSE commands; giving up.`,
        );
      }
      const le = response.sw2 === 0 ? 256 : response.sw2;
      response = await this.#exchange(
        { cla: command.cla & 0x03, ins: GET_RESPONSE_INS, p1: 0, p2: 0, le },
        { ...options, command: 'GET RESPONSE' },
      );
      chunks.push(response.data);
      total += response.data.length;
    }
    const data = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      data.set(c, o);
      o += c.length;
    }
    return { data, sw1: response.sw1, sw2: response.sw2, sw: response.sw };
  }

  /** Like `transmit`, but any status other than 9000 becomes its typed error. Returns the data. */
  async send(command: CommandApdu, options: ExchangeOptions = {}): Promise<Uint8Array> {
    const response = await this.transmit(command, options);
    const context: StatusContext = options.command ? { command: options.command } : {};
    const error = statusError(response.sw, context);
    if (error) throw error;
    return response.data;
  }

  async #exchange(command: CommandApdu, options: ExchangeOptions): Promise<ResponseApdu> {
    const encoded = encodeCommand(command);
    if (options.signal?.aborted) throw cardError('ABORTED', undefined, { cause: options.signal.reason });
    const started = performance.now();
    // One controller per exchange: aborted by the caller's signal or by our timer, whichever first.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, this.#timeoutMs);
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let raw: Uint8Array;
    try {
      raw = await raceAbort(
        this.transport.transmit(encoded, { signal: controller.signal }),
        controller.signal,
      );
    } catch (cause) {
      const error = toTransportError(cause, options.signal, timedOut, this.#timeoutMs);
      this.#emit(command, encoded, undefined, options, started, error.code);
      throw error;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    let response: ResponseApdu;
    try {
      response = decodeResponse(raw);
    } catch (error) {
      this.#emit(command, encoded, undefined, options, started, 'RESPONSE_MALFORMED');
      throw error;
    }
    this.#emit(command, encoded, response, options, started);
    return response;
  }

  #emit(
    command: CommandApdu,
    encoded: Uint8Array,
    response: ResponseApdu | undefined,
    options: ExchangeOptions,
    started: number,
    error?: string,
  ): void {
    const trace = this.#trace;
    if (!trace) return;
    const c = traceCommand(command, encoded);
    const r = response
      ? traceResponse(response.data, response.sw, options.dataClass ?? 'public', trace.level ?? 'normal')
      : undefined;
    try {
      trace.onApdu({
        command: c.text,
        ...(r ? { response: r.text, sw: r.text.slice(-4) } : {}),
        durationMs: performance.now() - started,
        redacted: c.redacted || (r?.redacted ?? false),
        ...(error ? { error } : {}),
      });
    } catch {
      // A failing trace sink must not break a card operation.
    }
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function toTransportError(
  cause: unknown,
  callerSignal: AbortSignal | undefined,
  timedOut: boolean,
  timeoutMs: number,
) {
  // Our timer aborted the transport; whatever it reports for that abort (ABORTED), the cause is the timeout.
  if (timedOut && !callerSignal?.aborted) {
    return cardError(
      'TIMEOUT',
      `The card did not answer within ${timeoutMs} ms. Check the reader and the card.`,
      {
        cause,
      },
    );
  }
  if (isShomeiError(cause)) return cause;
  if (callerSignal?.aborted) return cardError('ABORTED', undefined, { cause: callerSignal.reason });
  return cardError(
    'PCSC_ERROR',
    `The transport failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    {
      cause,
    },
  );
}

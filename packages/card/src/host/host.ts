/**
 * `NativeHost`: the native-messaging host's message loop, independent of stdin/stdout so it can be
 * tested in process. One card request runs at a time: a second one while it runs is answered
 * HOST_BUSY at once (its APDUs are never interleaved with the first); `cancel` aborts the running
 * request of the same origin. Every bad frame or request gets an error reply and the loop goes on.
 */
import { isShomeiError } from '@shomei/core';
import { CARD_ERRORS, cardError } from '../errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES, encodeFrame, FrameDecoder } from './framing.js';
import { type CardOpener, runCardCommand } from './operations.js';
import {
  HOST_PROTOCOL_VERSION,
  type HostErrorBody,
  type HostReply,
  type HostRequest,
  parseRequest,
  requestId,
} from './protocol.js';

export interface NativeHostOptions {
  openCard: CardOpener;
  /** Largest accepted request, in bytes. Default 64 KiB. */
  maxMessageBytes?: number;
  /** Deadline of one card request (the user may still be inserting the card). Default 60 s. */
  timeoutMs?: number;
  /** Diagnostics (the browser shows a host's stderr in its log); never receives a PIN. */
  log?: (line: string) => void;
  version?: string;
}

interface Running {
  id: string;
  origin: string;
  controller: AbortController;
}

/** Page-facing wording where the driver's message speaks to a programmer. */
const PAGE_MESSAGES: Partial<Record<string, string>> = {
  PIN_LAST_ATTEMPT_GUARD:
    'Only one PIN try is left; a wrong PIN would block the card. Nothing was sent. Confirm in the PIN window to use the last try.',
};

export function errorBody(error: unknown): HostErrorBody {
  if (isShomeiError(error)) {
    const remaining = error.details.remainingAttempts;
    return {
      code: error.code,
      message: PAGE_MESSAGES[error.code] ?? error.message,
      ...(typeof remaining === 'number' ? { remainingAttempts: remaining } : {}),
    };
  }
  return { code: 'HOST_INTERNAL', message: CARD_ERRORS.HOST_INTERNAL.message };
}

export class NativeHost {
  readonly #write: (frame: Uint8Array) => void;
  readonly #options: NativeHostOptions;
  readonly #decoder: FrameDecoder;
  #running: Running | undefined;
  #work: Promise<void> = Promise.resolve();

  constructor(write: (frame: Uint8Array) => void, options: NativeHostOptions) {
    this.#write = write;
    this.#options = options;
    this.#decoder = new FrameDecoder(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  }

  /** Bytes from the browser (stdin). */
  push(chunk: Uint8Array): void {
    for (const event of this.#decoder.push(chunk)) {
      if (event.kind === 'too-large') {
        this.#fail(
          null,
          cardError('HOST_MESSAGE_TOO_LARGE', `A ${event.length}-byte request is over the host's limit.`),
        );
      } else {
        this.#message(event.body);
      }
    }
  }

  /** The browser closed stdin: abort what runs and wait for it to finish. */
  async end(): Promise<void> {
    if (this.#decoder.partial) this.#options.log?.('input ended inside a frame');
    this.#running?.controller.abort(cardError('ABORTED', 'The browser closed the connection.'));
    await this.#work;
  }

  #reply(reply: HostReply): void {
    let frame: Uint8Array;
    try {
      frame = encodeFrame(reply);
    } catch (error) {
      // Too large for the browser: the caller still gets an answer to its id, never silence.
      frame = encodeFrame({ id: reply.id, ok: false, error: errorBody(error) });
    }
    this.#write(frame);
  }

  #fail(id: string | null, error: unknown): void {
    const body = errorBody(error);
    if (body.code === 'HOST_INTERNAL')
      this.#options.log?.(`internal error: ${String((error as Error)?.stack ?? error)}`);
    this.#reply({ id, ok: false, error: body });
  }

  #message(body: Uint8Array): void {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      this.#fail(null, cardError('HOST_MESSAGE_MALFORMED', 'The request is not UTF-8 JSON.'));
      return;
    } finally {
      body.fill(0); // the frame may hold a PIN
    }
    let request: HostRequest;
    try {
      request = parseRequest(value);
    } catch (error) {
      this.#fail(requestId(value), error);
      return;
    }
    const { id, origin, command } = request;
    switch (command.type) {
      case 'hello':
        this.#reply({
          id,
          ok: true,
          result: {
            name: 'shomei-host',
            protocol: HOST_PROTOCOL_VERSION,
            version: this.#options.version ?? '0',
          },
        });
        return;
      case 'cancel': {
        const running = this.#running;
        const match = running !== undefined && running.id === command.target && running.origin === origin;
        if (match) running.controller.abort(cardError('USER_CANCELLED'));
        this.#reply({ id, ok: true, result: { cancelled: match } });
        return;
      }
      default:
        if (this.#running) {
          this.#fail(id, cardError('HOST_BUSY'));
          return;
        }
        this.#start(request, command);
    }
  }

  #start(request: HostRequest, command: Parameters<typeof runCardCommand>[0]): void {
    const controller = new AbortController();
    const running: Running = { id: request.id, origin: request.origin, controller };
    this.#running = running;
    const timeout = setTimeout(
      () => controller.abort(cardError('TIMEOUT', 'The card request took too long; try again.')),
      this.#options.timeoutMs ?? 60_000,
    );
    this.#work = runCardCommand(command, request.origin, this.#options.openCard, controller.signal)
      .then(
        (result) => this.#reply({ id: request.id, ok: true, result }),
        (error: unknown) => {
          // An abort surfaces as the driver's ABORTED; report why it was aborted (cancel, timeout).
          const reason = controller.signal.aborted ? controller.signal.reason : undefined;
          this.#fail(request.id, isShomeiError(reason) ? reason : error);
        },
      )
      .finally(() => {
        clearTimeout(timeout);
        if (this.#running === running) this.#running = undefined;
      });
  }
}

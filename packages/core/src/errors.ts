/**
 * The one error base class of shomei. Every package throws a `ShomeiError` (or a subclass) with a
 * stable string `code`; callers branch on `code`, people read `message`.
 *
 * `isShomeiError` does not rely on `instanceof`: an application may load the ESM build of one package
 * and the CJS build of another, which gives two distinct class objects. A registered global symbol
 * brands every instance instead.
 */

const BRAND: unique symbol = Symbol.for('shomei.error') as never;

export interface ShomeiErrorOptions {
  cause?: unknown;
  /** Extra, non-secret facts that help a caller (e.g. `remainingAttempts`, `sw`, `certificateIndex`). */
  details?: Readonly<Record<string, unknown>>;
}

/** An entry of a package's error table: what a code means and where its documentation lives. */
export interface ErrorCodeInfo {
  /** Default message, written for a person: what happened and what to do next. */
  readonly message: string;
  /** Anchor in docs/errors.md. */
  readonly docs: string;
}

export class ShomeiError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly [BRAND] = true;

  constructor(code: string, message: string, options: ShomeiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShomeiError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  /** A plain object for logs and JSON output; never includes the stack or the cause's stack. */
  toJSON(): { name: string; code: string; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** True for any shomei error, whichever copy (ESM or CJS, any version) of a package created it. */
export function isShomeiError(value: unknown): value is ShomeiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** True when `value` is a shomei error with the given code. */
export function hasErrorCode(value: unknown, code: string): value is ShomeiError {
  return isShomeiError(value) && value.code === code;
}

/**
 * Builds a typed error factory over a package's error table, so that a code cannot be misspelled
 * and its default message lives in one place.
 */
export function errorFactory<Code extends string>(table: Readonly<Record<Code, ErrorCodeInfo>>) {
  return (code: Code, message?: string, options?: ShomeiErrorOptions): ShomeiError =>
    new ShomeiError(code, message ?? table[code].message, options);
}

/** Error codes of @shomei/core. Each has a documented meaning in docs/errors.md. */
export const CORE_ERRORS = {
  DER_MALFORMED: {
    message:
      'The data is not valid DER: check that the file is a certificate, CRL or CMS object in DER or PEM form.',
    docs: 'der_malformed',
  },
  DER_UNSUPPORTED: {
    message: 'The DER structure uses a feature this parser does not support.',
    docs: 'der_unsupported',
  },
  PEM_MALFORMED: {
    message: 'The PEM text is malformed: expected -----BEGIN …----- and -----END …----- around base64 data.',
    docs: 'pem_malformed',
  },
  INPUT_INVALID: { message: 'An argument is not valid.', docs: 'input_invalid' },
  ABORTED: { message: 'The operation was aborted by the caller.', docs: 'aborted' },
  TIMEOUT: { message: 'The operation did not finish in time.', docs: 'timeout' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type CoreErrorCode = keyof typeof CORE_ERRORS;

export const coreError = errorFactory(CORE_ERRORS);

/** Throws `ABORTED` (with the signal's reason as cause) when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw coreError('ABORTED', undefined, { cause: signal.reason });
  }
}

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
  // ---- cms / signer / report (issue 5: CMS/CAdES signing and verification) ----
  CRYPTO_UNAVAILABLE: {
    message: 'This runtime has no WebCrypto: use Node 20+ or a modern browser on a secure (https) page.',
    docs: 'crypto_unavailable',
  },
  SIGNER_KEY_INVALID: {
    message:
      'The private key could not be used: check that it is an unencrypted PKCS#8 RSA or EC key matching the certificate.',
    docs: 'signer_key_invalid',
  },
  SIGNER_FAILED: { message: 'The signer did not produce a signature.', docs: 'signer_failed' },
  CMS_MALFORMED: {
    message:
      'The signature file is not a well-formed CMS SignedData: check that it is a .p7s/.p7m in DER or PEM form.',
    docs: 'cms_malformed',
  },
  CMS_UNSUPPORTED: {
    message: 'The CMS structure uses a feature shomei does not support.',
    docs: 'cms_unsupported',
  },
  CMS_NOT_SIGNED_DATA: {
    message: 'The CMS object is not SignedData (e.g. it is EnvelopedData or plain data).',
    docs: 'cms_not_signed_data',
  },
  CMS_NO_SIGNERS: {
    message: 'The SignedData has no SignerInfo: nothing was signed.',
    docs: 'cms_no_signers',
  },
  CMS_CONTENT_MISSING: {
    message: 'The signature is detached: pass the signed content (--content <file>).',
    docs: 'cms_content_missing',
  },
  CMS_SIGNER_CERT_MISSING: {
    message: 'The signer certificate is not in the SignedData: pass it among the intermediates.',
    docs: 'cms_signer_cert_missing',
  },
  CMS_ALGORITHM_UNSUPPORTED: {
    message: 'The signature uses an algorithm shomei does not support.',
    docs: 'cms_algorithm_unsupported',
  },
  CMS_WEAK_DIGEST: {
    message: 'The signature uses MD5 or SHA-1, which the algorithm policy rejects.',
    docs: 'cms_weak_digest',
  },
  CMS_WEAK_KEY: {
    message: 'The signer key is too short (RSA below 2048 bits), which the algorithm policy rejects.',
    docs: 'cms_weak_key',
  },
  CMS_SIGNATURE_INVALID: {
    message:
      'The signature value does not verify with the signer certificate: the signed attributes or the signature were altered, or the certificate was swapped.',
    docs: 'cms_signature_invalid',
  },
  CMS_DIGEST_MISMATCH: {
    message:
      'The content does not match the signed message digest: the content was altered or is not the file that was signed.',
    docs: 'cms_digest_mismatch',
  },
  CMS_CONTENT_TYPE_MISMATCH: {
    message: 'The signed contentType attribute does not match the encapsulated content type.',
    docs: 'cms_content_type_mismatch',
  },
  CMS_ATTRIBUTE_INVALID: {
    message: 'A signed attribute is missing, repeated or malformed.',
    docs: 'cms_attribute_invalid',
  },
  CMS_SIGNING_CERT_MISMATCH: {
    message: 'The signingCertificateV2 attribute does not name the certificate that verified the signature.',
    docs: 'cms_signing_cert_mismatch',
  },
  CMS_KEY_USAGE: {
    message: 'The signer certificate does not allow digitalSignature or nonRepudiation.',
    docs: 'cms_key_usage',
  },
  CMS_CHAIN_INVALID: {
    message: 'The signer certificate does not chain to a trusted anchor.',
    docs: 'cms_chain_invalid',
  },
  CMS_CHAIN_INDETERMINATE: {
    message: 'The signer certificate chain could not be fully checked (e.g. revocation status unavailable).',
    docs: 'cms_chain_indeterminate',
  },
  TSA_FAILED: {
    message: 'The timestamp authority did not return a usable timestamp.',
    docs: 'tsa_failed',
  },
  TIMESTAMP_INVALID: {
    message: 'The signature timestamp token does not verify or does not cover this signature.',
    docs: 'timestamp_invalid',
  },
  // ---- end cms ----
} as const satisfies Record<string, ErrorCodeInfo>;

export type CoreErrorCode = keyof typeof CORE_ERRORS;

export const coreError = errorFactory(CORE_ERRORS);

/** Throws `ABORTED` (with the signal's reason as cause) when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw coreError('ABORTED', undefined, { cause: signal.reason });
  }
}

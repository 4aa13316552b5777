/** Types of the shomei page API (shomei-card.js). Browser-only. */

/** Codes a page can receive; see docs/errors.md for when each happens and what to tell the user. */
export type ShomeiCardErrorCode =
  | 'USER_CANCELLED'
  | 'HOST_UNAVAILABLE'
  | 'HOST_BUSY'
  | 'HOST_ORIGIN_INVALID'
  | 'HOST_MESSAGE_MALFORMED'
  | 'HOST_COMMAND_UNKNOWN'
  | 'HOST_INTERNAL'
  | 'NO_CARD'
  | 'NO_READERS'
  | 'READER_NOT_FOUND'
  | 'CARD_REMOVED'
  | 'CARD_BUSY'
  | 'NOT_JPKI_CARD'
  | 'PIN_INCORRECT'
  | 'PIN_BLOCKED'
  | 'PIN_FORMAT_INVALID'
  | 'PIN_LAST_ATTEMPT_GUARD'
  | 'PCSC_UNAVAILABLE'
  | 'PCSC_NO_SERVICE'
  | 'TIMEOUT'
  | (string & {});

export declare class ShomeiCardError extends Error {
  readonly name: 'ShomeiCardError';
  readonly code: ShomeiCardErrorCode;
  /** Tries left of the PIN concerned, when the card said. */
  readonly remainingAttempts?: number;
}

export interface CallOptions {
  /** Aborting cancels the request (the PIN window closes; the page gets USER_CANCELLED). */
  signal?: AbortSignal;
  /** Give up with HOST_UNAVAILABLE when the extension does not answer in time (default: wait). */
  timeoutMs?: number;
}

export type HashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface CertificateResult {
  /** DER X.509. */
  certificate: Uint8Array;
  /** The issuing CA certificate(s), DER. */
  chain: Uint8Array[];
}

export interface SignRequest {
  /** The digest to sign, e.g. `PreparedCmsSignature.digest` from the server. */
  hash: Uint8Array;
  hashAlgorithm?: HashAlgorithm;
  /** Shown to the user in the PIN window next to the hash (1–500 characters, no control characters). */
  description: string;
}

export interface SignResult extends CertificateResult {
  /** RSASSA-PKCS1-v1_5, 256 bytes. */
  signature: Uint8Array;
}

export interface AuthenticateResult {
  /** The login token to send to the server (`verifyLogin` in @shomei/core). */
  token: string;
  /** The user-authentication certificate, DER. */
  certificate: Uint8Array;
}

export declare function isAvailable(timeoutMs?: number): Promise<boolean>;
export declare function getCertificate(
  kind: 'sign' | 'auth',
  options?: CallOptions,
): Promise<CertificateResult>;
export declare function sign(request: SignRequest, options?: CallOptions): Promise<SignResult>;
export declare function authenticate(
  request: { challenge: string },
  options?: CallOptions,
): Promise<AuthenticateResult>;

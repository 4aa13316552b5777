/** Options and results of the `JpkiCard` API. */
import type { HashAlgorithmName } from '@shomei/core';
import type { ChannelOptions } from '../iso7816/channel.js';
import type { CardAccessOptions } from '../transport/card-access.js';
import type { CardKind } from './tables.js';

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PinOptions extends CallOptions {
  /** Use the last remaining try deliberately (otherwise PIN_LAST_ATTEMPT_GUARD). */
  allowLastAttempt?: boolean;
}

export interface CardInfo {
  kind: CardKind;
  /** The token string of EF 0006 without padding (spec §1.3). */
  token: string;
  atr: Uint8Array | undefined;
  reader: string;
}

export interface PinState {
  /** Tries left; `undefined` when the card did not say (non-63Cx answer, spec §12). */
  remainingAttempts: number | undefined;
  maxAttempts: number;
  blocked: boolean;
}

export interface PinStatus {
  auth: PinState;
  sign: PinState;
  /** `null` on cards without the card-input-assistance AP (Juki card, smartphone tokens). */
  assist: PinState | null;
}

export interface SignOptions extends PinOptions {
  /** Required unless this session verified the key's PIN with `verifyPin()`. */
  pin?: string;
}

export interface SignDigestInfoOptions extends SignOptions {
  /** The hash of the DigestInfo, as core's `Signer` call names it; the bytes are checked against it. */
  hash?: HashAlgorithmName;
}

export interface ReadCertificateOptions extends PinOptions {
  /** The signature password, for the signing certificate (spec §2: EF 0001 needs it). */
  pin?: string;
}

export interface ReadMyNumberOptions extends PinOptions {
  /**
   * Why the My Number is read. Private-sector use of the My Number is restricted by law (番号法); the
   * caller must state a purpose, which shomei never logs.
   */
  purpose: string;
}

export interface JpkiCardOptions extends CardAccessOptions {
  /** APDU tracing (the wire layer redacts PINs; personal data only at level `sensitive`). */
  trace?: ChannelOptions['trace'];
  /** Milliseconds one card exchange may take before TIMEOUT. Default 30 000. */
  timeoutMs?: number;
  /** Close the transport on disposal (true when openJpkiCard created it). */
  ownsTransport?: boolean;
}

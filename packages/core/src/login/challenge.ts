/**
 * Login challenges: a random nonce with an expiry, created by the relying party's server and handed
 * to the page. The card's authentication key signs it together with the page's origin (token.ts).
 */
import { coreError } from '../errors.js';
import { toBase64Url } from './base64url.js';

/** What the server keeps (e.g. in the session) between issuing the challenge and verifying the token. */
export interface LoginChallenge {
  /** 32 random bytes, base64url without padding (43 characters). */
  readonly nonce: string;
  /** ISO-8601. */
  readonly issuedAt: string;
  /** ISO-8601; a token presented after this instant is refused with LOGIN_CHALLENGE_EXPIRED. */
  readonly expiresAt: string;
}

export interface CreateLoginChallengeOptions {
  /** How long the citizen has to insert the card and type the PIN. Default 5 minutes; at most 1 hour. */
  ttlMs?: number;
  /** The clock. Default: now. */
  now?: Date;
}

export const LOGIN_NONCE_BYTES = 32;
const DEFAULT_TTL_MS = 5 * 60_000;
const MAX_TTL_MS = 60 * 60_000;

/** A fresh challenge. Keep it server-side and accept one token for it, once (see docs/browser.md). */
export function createLoginChallenge(options: CreateLoginChallengeOptions = {}): LoginChallenge {
  const ttl = options.ttlMs ?? DEFAULT_TTL_MS;
  if (!Number.isFinite(ttl) || ttl <= 0 || ttl > MAX_TTL_MS) {
    throw coreError('INPUT_INVALID', `ttlMs must be between 1 and ${MAX_TTL_MS} milliseconds.`);
  }
  const cryptoApi = globalThis.crypto;
  if (!cryptoApi?.getRandomValues) throw coreError('CRYPTO_UNAVAILABLE');
  const now = options.now ?? new Date();
  const nonce = toBase64Url(cryptoApi.getRandomValues(new Uint8Array(LOGIN_NONCE_BYTES)));
  return {
    nonce,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttl).toISOString(),
  };
}

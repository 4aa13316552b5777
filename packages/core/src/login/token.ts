/**
 * The login token (docs/browser.md "Token format"): what the card's user-authentication key signs and
 * how the result travels from the page to the server.
 *
 * Signed message (UTF-8, every line ends with LF):
 *   shomei-login/1
 *   <origin>          the page's serialised origin, attached by the browser extension (HTML §7.5)
 *   <nonce>           the server's challenge nonce, base64url
 * The card signs DigestInfo(SHA-256(message)) with RSASSA-PKCS1-v1_5 (spec/jpki-card.md §3.2). The
 * fixed first line separates this use of the key from any other (a TLS handshake hash, a CMS
 * signature) so that a login signature can never be replayed as something else, and the origin line
 * makes a token phished by another site useless at the real one.
 *
 * Token: base64url (no padding) of the UTF-8 JSON object
 *   {"typ":"shomei-login","v":1,"origin":…,"nonce":…,"hash":"SHA-256","certificate":<base64url DER>,
 *    "signature":<base64url>}
 */
import { coreError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import { fromBase64Url, toBase64Url } from './base64url.js';

export const LOGIN_TOKEN_TYPE = 'shomei-login';
export const LOGIN_TOKEN_VERSION = 1;
/** Upper bound on a token's length in characters (a JPKI certificate is ~1.5 KB). */
export const LOGIN_TOKEN_MAX_LENGTH = 16_384;
const MESSAGE_HEADER = 'shomei-login/1';
const MAX_ORIGIN_LENGTH = 2048;

export interface LoginTokenFields {
  readonly origin: string;
  readonly nonce: string;
  readonly hash: HashAlgorithmName;
  /** DER of the authentication certificate read from the card. */
  readonly certificate: Uint8Array;
  /** RSASSA-PKCS1-v1_5 signature of `loginMessage(origin, nonce)`. */
  readonly signature: Uint8Array;
}

/**
 * True for a serialised http(s) origin as a browser reports it (`location.origin`): scheme, host and
 * an optional non-default port, lower case, nothing else (WHATWG URL "origin" serialisation).
 */
export function isWebOrigin(origin: unknown): origin is string {
  if (typeof origin !== 'string' || origin.length === 0 || origin.length > MAX_ORIGIN_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin;
}

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

/** The bytes whose SHA-256 the card signs for a login (see the header of this file). */
export function loginMessage(origin: string, nonce: string): Uint8Array {
  if (!isWebOrigin(origin)) {
    throw coreError(
      'INPUT_INVALID',
      'The origin must be a serialised http(s) origin such as https://example.jp.',
    );
  }
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) {
    throw coreError('INPUT_INVALID', 'The challenge nonce must be 16–128 base64url characters.');
  }
  return new TextEncoder().encode(`${MESSAGE_HEADER}\n${origin}\n${nonce}\n`);
}

export function encodeLoginToken(fields: LoginTokenFields): string {
  const json = JSON.stringify({
    typ: LOGIN_TOKEN_TYPE,
    v: LOGIN_TOKEN_VERSION,
    origin: fields.origin,
    nonce: fields.nonce,
    hash: fields.hash,
    certificate: toBase64Url(fields.certificate),
    signature: toBase64Url(fields.signature),
  });
  return toBase64Url(new TextEncoder().encode(json));
}

const malformed = (detail: string, cause?: unknown) =>
  coreError('LOGIN_TOKEN_MALFORMED', `The login token is malformed: ${detail}.`, cause ? { cause } : {});

/** Parses a token string; any deviation from the format is LOGIN_TOKEN_MALFORMED. */
export function decodeLoginToken(token: unknown): LoginTokenFields {
  if (typeof token !== 'string') throw malformed('not a string');
  if (token.length > LOGIN_TOKEN_MAX_LENGTH)
    throw malformed(`longer than ${LOGIN_TOKEN_MAX_LENGTH} characters`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(token)));
  } catch (cause) {
    throw malformed('not base64url-encoded JSON', cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed('not a JSON object');
  const o = value as Record<string, unknown>;
  if (o.typ !== LOGIN_TOKEN_TYPE) throw malformed(`typ is not "${LOGIN_TOKEN_TYPE}"`);
  if (o.v !== LOGIN_TOKEN_VERSION) throw malformed(`version ${String(o.v)} is not supported`);
  if (o.hash !== 'SHA-256') throw malformed('hash must be SHA-256');
  if (!isWebOrigin(o.origin)) throw malformed('origin is not a serialised http(s) origin');
  if (typeof o.nonce !== 'string' || !NONCE.test(o.nonce)) throw malformed('nonce is not base64url');
  const bytes = (name: 'certificate' | 'signature'): Uint8Array => {
    const field = o[name];
    if (typeof field !== 'string' || field.length === 0) throw malformed(`${name} is missing`);
    try {
      return fromBase64Url(field);
    } catch (cause) {
      throw malformed(`${name} is not base64url`, cause);
    }
  };
  return {
    origin: o.origin,
    nonce: o.nonce,
    hash: 'SHA-256',
    certificate: bytes('certificate'),
    signature: bytes('signature'),
  };
}

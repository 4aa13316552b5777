/**
 * The messages between the browser extension and `shomei-host` (docs/browser.md "Host protocol").
 * Everything from the extension is validated strictly: known commands and fields only, bounded
 * sizes, and the origin as a top-level field set by the extension from the sender's tab — a request
 * whose parameters carry an `origin` of their own (the page trying to choose it) is refused.
 */
import { fromBase64, isWebOrigin } from '@shomei/core';
import { cardError } from '../errors.js';
import { digestLength } from '../jpki/digest-info.js';

export const HOST_PROTOCOL_VERSION = 1;
export const HOST_NAME = 'jp.shomei.host';
export const MAX_DESCRIPTION_LENGTH = 500;

export type SignHash = 'SHA-256' | 'SHA-384' | 'SHA-512';

interface PinParams {
  /** Typed by the user in the extension's PIN window; never from the page. */
  pin: string;
  /** The user confirmed using the last try in the PIN window. */
  allowLastAttempt: boolean;
}

export type HostCommand =
  | { type: 'hello' }
  | { type: 'status' }
  | { type: 'cancel'; target: string }
  | { type: 'certificate'; key: 'auth' }
  | ({ type: 'certificate'; key: 'sign' } & PinParams)
  | ({ type: 'sign'; hash: Uint8Array; hashAlgorithm: SignHash; description: string } & PinParams)
  | ({ type: 'authenticate'; challenge: string } & PinParams);

export interface HostRequest {
  id: string;
  origin: string;
  command: HostCommand;
}

export type HostReply =
  | { id: string | null; ok: true; result: Record<string, unknown> }
  | { id: string | null; ok: false; error: HostErrorBody };

export interface HostErrorBody {
  code: string;
  message: string;
  remainingAttempts?: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
// C0 and C1 controls and the bidirectional overrides that could disguise a description (UTS #39 §3.6).
const FORBIDDEN_TEXT = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

const malformed = (detail: string) =>
  cardError('HOST_MESSAGE_MALFORMED', `The request is malformed: ${detail}.`);

type Json = Record<string, unknown>;

function only(o: Json, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw malformed(`unknown field "${key.slice(0, 40)}" in ${where}`);
  }
}

function pinParams(p: Json): PinParams {
  if (typeof p.pin !== 'string' || p.pin.length === 0 || p.pin.length > 32)
    throw malformed('pin must be a string');
  if (p.allowLastAttempt !== undefined && typeof p.allowLastAttempt !== 'boolean') {
    throw malformed('allowLastAttempt must be a boolean');
  }
  return { pin: p.pin, allowLastAttempt: p.allowLastAttempt === true };
}

/** The request id of a parsed JSON value, when it has a usable one (for replying to a bad request). */
export function requestId(value: unknown): string | null {
  const id = (value as Json | null)?.id;
  return typeof id === 'string' && ID.test(id) ? id : null;
}

/** Validates one decoded JSON message from the extension. Throws a card error with a HOST_* code. */
export function parseRequest(value: unknown): HostRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed('not a JSON object');
  const o = value as Json;
  only(o, ['v', 'id', 'type', 'origin', 'params'], 'the request');
  if (o.v !== HOST_PROTOCOL_VERSION) throw malformed(`protocol version must be ${HOST_PROTOCOL_VERSION}`);
  if (typeof o.id !== 'string' || !ID.test(o.id)) throw malformed('id must be 1–64 characters [A-Za-z0-9_-]');
  if (typeof o.type !== 'string') throw malformed('type is missing');
  if (!isWebOrigin(o.origin)) {
    throw cardError(
      'HOST_ORIGIN_INVALID',
      'The request has no valid origin: the extension must attach the page origin.',
    );
  }
  const params = o.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw malformed('params must be an object');
  const p = params as Json;
  if (Object.hasOwn(p, 'origin')) {
    throw cardError(
      'HOST_ORIGIN_INVALID',
      'A page may not choose the origin: it is attached by the extension.',
    );
  }
  return { id: o.id, origin: o.origin, command: parseCommand(o.type, p) };
}

function parseCommand(type: string, p: Json): HostCommand {
  switch (type) {
    case 'hello':
    case 'status':
      only(p, [], type);
      return { type };
    case 'cancel':
      only(p, ['target'], type);
      if (typeof p.target !== 'string' || !ID.test(p.target))
        throw malformed('cancel needs the target request id');
      return { type, target: p.target };
    case 'certificate':
      if (p.key === 'auth') {
        only(p, ['key'], type);
        return { type, key: 'auth' };
      }
      if (p.key === 'sign') {
        only(p, ['key', 'pin', 'allowLastAttempt'], type);
        return { type, key: 'sign', ...pinParams(p) };
      }
      throw malformed('key must be "auth" or "sign"');
    case 'sign': {
      only(p, ['hash', 'hashAlgorithm', 'description', 'pin', 'allowLastAttempt'], type);
      const algorithm = p.hashAlgorithm;
      if (algorithm !== 'SHA-256' && algorithm !== 'SHA-384' && algorithm !== 'SHA-512') {
        throw malformed('hashAlgorithm must be SHA-256, SHA-384 or SHA-512');
      }
      if (typeof p.hash !== 'string' || p.hash.length > 128) throw malformed('hash must be base64');
      let hash: Uint8Array;
      try {
        hash = fromBase64(p.hash);
      } catch {
        throw malformed('hash must be base64');
      }
      if (hash.length !== digestLength(algorithm))
        throw malformed(`a ${algorithm} hash has ${digestLength(algorithm)} bytes`);
      const description = p.description;
      if (
        typeof description !== 'string' ||
        description.trim() === '' ||
        description.length > MAX_DESCRIPTION_LENGTH
      ) {
        throw malformed(`description must be 1–${MAX_DESCRIPTION_LENGTH} characters`);
      }
      if (FORBIDDEN_TEXT.test(description)) throw malformed('description contains control characters');
      return { type, hash, hashAlgorithm: algorithm, description, ...pinParams(p) };
    }
    case 'authenticate':
      only(p, ['challenge', 'pin', 'allowLastAttempt'], type);
      if (typeof p.challenge !== 'string' || !NONCE.test(p.challenge)) {
        throw malformed('challenge must be the server nonce (16–128 base64url characters)');
      }
      return { type, challenge: p.challenge, ...pinParams(p) };
    default:
      throw cardError('HOST_COMMAND_UNKNOWN', `Unknown command "${type.slice(0, 40)}".`);
  }
}

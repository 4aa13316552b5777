/**
 * RFC 3161 time-stamp protocol, client side: the TimeStampReq for a signature value (CAdES-T, ETSI
 * EN 319 122-1 §5.3: the imprint is the hash of the SignerInfo signature value), the TimeStampResp,
 * and the TSTInfo inside a token. HTTP transport per RFC 3161 §3.4.
 */
import { bytesEqual } from '../der/bytes.js';
import {
  children,
  contentsOf,
  encodingOf,
  expectTag,
  readIntegerBytes,
  readOid,
  readRoot,
  readSmallInteger,
  Tag,
  type Tlv,
} from '../der/reader.js';
import { encodeOid, encodeSmallInteger, encodeTlv, encodeUnsignedInteger } from '../der/writer.js';
import { coreError, isShomeiError } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import { DIGEST_BY_OID, type DigestName, digestAlgorithmIdentifier } from './algorithms.js';
import { digestBytes } from './hasher.js';
import { CMS_OID } from './oids.js';
import type { TimestampSource } from './sign.js';
import { parseSignedData } from './signed-data.js';

export interface TimestampRequestOptions {
  /** TSA policy OID to ask for (reqPolicy). */
  policy?: string;
  /** Nonce bytes (RFC 3161 §2.4.1); default 8 random bytes. */
  nonce?: Uint8Array;
}

/** DER TimeStampReq with certReq TRUE, so the token carries the TSA certificate. */
export function timestampRequest(
  hash: HashAlgorithmName,
  imprint: Uint8Array,
  options: TimestampRequestOptions & { nonce: Uint8Array },
): Uint8Array {
  return encodeTlv(
    0x30,
    encodeSmallInteger(1),
    encodeTlv(0x30, digestAlgorithmIdentifier(hash), encodeTlv(0x04, imprint)),
    ...(options.policy ? [encodeOid(options.policy)] : []),
    encodeUnsignedInteger(options.nonce),
    Uint8Array.of(0x01, 0x01, 0xff),
  );
}

export interface TstInfo {
  readonly policy: string;
  readonly hash: DigestName | string;
  readonly imprint: Uint8Array;
  readonly serial: Uint8Array;
  readonly genTime: Date;
  readonly nonce?: Uint8Array;
}

/** GeneralizedTime as RFC 3161 §2.4.2 allows it: YYYYMMDDhhmmss[.s…]Z. */
function genTime(bytes: Uint8Array, tlv: Tlv): Date {
  expectTag(tlv, Tag.GENERALIZED_TIME, 'genTime');
  const text = new TextDecoder('latin1').decode(contentsOf(bytes, tlv));
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) throw coreError('DER_MALFORMED', `genTime "${text}" is not YYYYMMDDhhmmss[.fff]Z.`);
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms));
}

export function parseTstInfo(der: Uint8Array): TstInfo {
  try {
    return readTstInfo(der);
  } catch (cause) {
    if (isShomeiError(cause)) throw cause;
    throw coreError('DER_MALFORMED', 'TSTInfo is malformed.', { cause });
  }
}

function readTstInfo(der: Uint8Array): TstInfo {
  const f = children(der, expectTag(readRoot(der), Tag.SEQUENCE, 'TSTInfo'));
  const [version, policy, mi, serial, time] = f;
  if (!version || !policy || !mi || !serial || !time)
    throw coreError('DER_MALFORMED', 'TSTInfo is truncated.');
  if (readSmallInteger(der, version) !== 1) throw coreError('DER_MALFORMED', 'TSTInfo version must be 1.');
  const [alg, hashed] = children(der, expectTag(mi, Tag.SEQUENCE, 'MessageImprint'));
  if (!alg || !hashed) throw coreError('DER_MALFORMED', 'MessageImprint is truncated.');
  const [algOidTlv] = children(der, expectTag(alg, Tag.SEQUENCE, 'AlgorithmIdentifier'));
  if (!algOidTlv) throw coreError('DER_MALFORMED', 'MessageImprint has an empty AlgorithmIdentifier.');
  const algOid = readOid(der, algOidTlv);
  // Optional fields after genTime: accuracy (SEQUENCE), ordering (BOOLEAN), nonce (INTEGER), tsa [0], extensions [1].
  const nonce = f.slice(5).find((t) => t.tag === Tag.INTEGER);
  return {
    policy: readOid(der, policy),
    hash: DIGEST_BY_OID[algOid] ?? algOid,
    imprint: contentsOf(der, expectTag(hashed, Tag.OCTET_STRING, 'hashedMessage')),
    serial: readIntegerBytes(der, serial),
    genTime: genTime(der, time),
    ...(nonce ? { nonce: readIntegerBytes(der, nonce) } : {}),
  };
}

/** The TimeStampToken (a ContentInfo) from a TimeStampResp; throws TSA_FAILED unless granted (§2.4.2). */
export function parseTimestampResponse(der: Uint8Array): Uint8Array {
  let status: number;
  let token: Tlv | undefined;
  try {
    const [statusInfo, tok] = children(der, expectTag(readRoot(der), Tag.SEQUENCE, 'TimeStampResp'));
    // RFC 3161 §2.4.2: status is mandatory, and PKIStatusInfo starts with the PKIStatus INTEGER.
    if (!statusInfo) throw coreError('DER_MALFORMED', 'TimeStampResp has no status.');
    const [code] = children(der, expectTag(statusInfo, Tag.SEQUENCE, 'PKIStatusInfo'));
    if (!code) throw coreError('DER_MALFORMED', 'PKIStatusInfo has no status.');
    status = readSmallInteger(der, code);
    token = tok;
  } catch (cause) {
    throw coreError('TSA_FAILED', 'The TSA answer is not a TimeStampResp.', { cause });
  }
  // PKIStatus: 0 granted, 1 grantedWithMods; anything else is a refusal.
  if ((status !== 0 && status !== 1) || !token) {
    throw coreError('TSA_FAILED', `The TSA refused the request (PKIStatus ${status}).`, {
      details: { status },
    });
  }
  return encodingOf(der, token).slice();
}

export interface TsaOptions extends TimestampRequestOptions {
  /** Hash for the imprint. Default SHA-256. */
  hash?: HashAlgorithmName;
  /** fetch implementation (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Extra request headers (e.g. authorization for a commercial TSA). */
  headers?: Record<string, string>;
}

const randomNonce = (): Uint8Array => {
  const n = new Uint8Array(8);
  globalThis.crypto.getRandomValues(n);
  n[0]! &= 0x7f;
  return n;
};

/** A TimestampSource that asks an RFC 3161 TSA over HTTP and checks its token covers the request. */
export function tsaTimestamp(url: string, options: TsaOptions = {}): TimestampSource {
  return async (signatureValue, { signal }) => {
    const hash = options.hash ?? 'SHA-256';
    const imprint = await digestBytes(hash, signatureValue);
    const nonce = options.nonce ?? randomNonce();
    const body = timestampRequest(hash, imprint, { ...options, nonce });
    const doFetch = options.fetch ?? globalThis.fetch;
    let answer: Uint8Array;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', ...options.headers },
        body: body as Uint8Array<ArrayBuffer>,
        ...(signal ? { signal } : {}),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      answer = new Uint8Array(await res.arrayBuffer());
    } catch (cause) {
      if (signal?.aborted) throw coreError('ABORTED', undefined, { cause: signal.reason });
      throw coreError('TSA_FAILED', `The TSA at ${url} could not be reached: ${(cause as Error).message}.`, {
        cause,
      });
    }
    const token = parseTimestampResponse(answer);
    try {
      const sd = parseSignedData(token);
      if (sd.contentType !== CMS_OID.tstInfo || !sd.content) throw new Error('not a TSTInfo token');
      const info = parseTstInfo(sd.content);
      const nonceOk = info.nonce !== undefined && bytesEqual(stripZero(info.nonce), stripZero(nonce));
      if (!bytesEqual(info.imprint, imprint) || !nonceOk) throw new Error('token does not match the request');
    } catch (cause) {
      if (isShomeiError(cause) && cause.code === 'TSA_FAILED') throw cause;
      throw coreError('TSA_FAILED', `The TSA at ${url} returned a token that does not answer the request.`, {
        cause,
      });
    }
    return token;
  };
}

const stripZero = (b: Uint8Array): Uint8Array => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/**
 * OCSP (RFC 6960): request building and response verification — signature, responder authorisation
 * (the CA itself, or a delegated responder with id-kp-OCSPSigning issued by the CA, §4.2.2.2),
 * thisUpdate / nextUpdate window (§4.2.2.1), nonce (RFC 8954), and the certificate's CertID.
 */

import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { bytesEqual, toHex } from '../der/bytes.js';
import {
  children,
  contentsOf,
  encodingOf,
  expectTag,
  readIntegerBytes,
  readOid,
  readRoot,
  readSignatureBitString,
  readSmallInteger,
  readTime,
  Tag,
  type Tlv,
} from '../der/reader.js';
import { DER_NULL, encodeOid, encodeTlv } from '../der/writer.js';
import { coreError, isShomeiError } from '../errors.js';
import { digestByOid } from '../x509/algorithms.js';
import {
  type AlgorithmIdentifier,
  type Certificate,
  parseAlgorithmIdentifierAt,
  parseCertificate,
  parseExtensionListAt,
} from '../x509/certificate.js';
import { contextSlot, defaultContext, type ShomeiContext } from '../x509/context.js';
import { notSignedByKey } from '../x509/key-fit.js';
import { type Name, namesMatch, parseNameAt } from '../x509/name.js';
import { ALG_OID, EXT_OID, KP_OID } from '../x509/oids.js';
import { type SignaturePolicy, spkiKeyBytes, verifySignature, weakSignatureHash } from '../x509/verify.js';
import { CRL_REASONS } from './crl-index.js';
import type { SourceOutcome } from './outcome.js';
import type { RevocationStatus } from './types.js';

const BASIC_RESPONSE = '1.3.6.1.5.5.7.48.1.1';

export interface CertId {
  readonly hashAlgorithm: string;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  readonly serial: Uint8Array;
}

export interface OcspSingleResponse {
  readonly certId: CertId;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revokedAt?: Date;
  readonly reason?: RevocationStatus['reason'];
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

export interface OcspResponse {
  readonly der: Uint8Array;
  /** OCSPResponseStatus (§4.2.1): 'successful' or the error name. */
  readonly responseStatus:
    | 'successful'
    | 'malformedRequest'
    | 'internalError'
    | 'tryLater'
    | 'sigRequired'
    | 'unauthorized';
  readonly tbs?: Uint8Array;
  readonly signatureAlgorithm?: AlgorithmIdentifier;
  readonly signature?: Uint8Array;
  readonly responderId?: { readonly byName: Name } | { readonly byKey: Uint8Array };
  readonly producedAt?: Date;
  readonly responses: readonly OcspSingleResponse[];
  readonly nonce?: Uint8Array;
  readonly certs: readonly Certificate[];
}

const STATUS_NAMES = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  undefined,
  'sigRequired',
  'unauthorized',
] as const;

const digest = async (alg: string, data: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await globalThis.crypto.subtle.digest(alg, data as Uint8Array<ArrayBuffer>));

// The hashes of a certificate's subject name and key that CertIDs and byKey responder IDs name:
// the same few CA certificates answer for every response checked, so they are hashed once per
// context (per parsed Certificate, core's own immutable object) and hash algorithm.
const NAME_KEY_HASHES =
  contextSlot<WeakMap<Certificate, Map<string, NameKeyHashes>>>('OCSP name and key hashes');
interface NameKeyHashes {
  readonly pending: Promise<[Uint8Array, Uint8Array]>;
  /** Set once `pending` has settled with a value. */
  value?: [Uint8Array, Uint8Array];
}
// A name and a key are a few hundred bytes: hashed on the calling thread (a WebCrypto round trip
// per CertID costs more than the hashing), with WebCrypto for what the portable hasher lacks.
const SMALL_HASHES: Readonly<Record<string, (data: Uint8Array) => Uint8Array>> = {
  'SHA-1': sha1,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
};
function hashSmall(hash: string, data: Uint8Array): Promise<Uint8Array> | Uint8Array {
  const h = SMALL_HASHES[hash];
  return h ? h(data) : digest(hash, data);
}

function nameAndKeyHashes(cert: Certificate, hash: string, context: ShomeiContext): NameKeyHashes {
  const all = context.slot(NAME_KEY_HASHES, () => new WeakMap());
  let byHash = all.get(cert);
  if (!byHash) {
    byHash = new Map();
    all.set(cert, byHash);
  }
  let h = byHash.get(hash);
  if (!h) {
    const name = hashSmall(hash, cert.subject.der);
    const key = hashSmall(hash, spkiKeyBytes(cert.spki));
    const entry: NameKeyHashes =
      name instanceof Uint8Array && key instanceof Uint8Array
        ? { pending: Promise.resolve([name, key]), value: [name, key] }
        : { pending: Promise.all([name, key]) };
    if (!entry.value)
      entry.pending.then(
        (v) => {
          entry.value = v;
        },
        () => byHash.delete(hash),
      );
    byHash.set(hash, entry);
    h = entry;
  }
  return h;
}
async function nameAndKeyHash(
  cert: Certificate,
  hash: string,
  context: ShomeiContext | undefined,
): Promise<[Uint8Array, Uint8Array]> {
  if (!context) return Promise.all([digest(hash, cert.subject.der), digest(hash, spkiKeyBytes(cert.spki))]);
  const h = nameAndKeyHashes(cert, hash, context);
  return h.value ?? h.pending;
}

/** CertID for `cert` issued by `issuer` (§4.1.1), SHA-1 by default as most responders expect. */
export async function certIdFor(
  cert: Certificate,
  issuer: Certificate,
  hashOid: string = ALG_OID.sha1,
  /** Keeps the issuer's name and key hashes for the next CertID. */
  context?: ShomeiContext,
): Promise<CertId> {
  const h = digestByOid(hashOid)?.name;
  if (!h || h === 'MD5')
    throw coreError('SIGNATURE_ALGORITHM_UNSUPPORTED', `Unsupported CertID hash ${hashOid}.`);
  const [issuerNameHash, issuerKeyHash] = await nameAndKeyHash(issuer, h, context);
  return { hashAlgorithm: hashOid, issuerNameHash, issuerKeyHash, serial: cert.serial };
}

export function encodeCertId(id: CertId): Uint8Array {
  return encodeTlv(
    0x30,
    encodeTlv(0x30, encodeOid(id.hashAlgorithm), DER_NULL),
    encodeTlv(0x04, id.issuerNameHash),
    encodeTlv(0x04, id.issuerKeyHash),
    encodeTlv(0x02, id.serial),
  );
}

export const certIdKey = (id: CertId): string =>
  `${id.hashAlgorithm}:${toHex(id.issuerNameHash)}:${toHex(id.issuerKeyHash)}:${toHex(id.serial)}`;

export interface OcspRequest {
  readonly der: Uint8Array;
  readonly certId: CertId;
  readonly nonce?: Uint8Array;
}

/** OCSPRequest (§4.1.1) for one certificate; `nonce: true` adds a random 32-byte nonce (RFC 8954). */
export async function buildOcspRequest(
  cert: Certificate,
  issuer: Certificate,
  options: { nonce?: boolean | Uint8Array; hashAlgorithm?: string } = {},
): Promise<OcspRequest> {
  const certId = await certIdFor(cert, issuer, options.hashAlgorithm);
  const nonce =
    options.nonce === true
      ? globalThis.crypto.getRandomValues(new Uint8Array(32))
      : options.nonce || undefined;
  const request = encodeTlv(0x30, encodeCertId(certId));
  const ext = nonce
    ? [
        encodeTlv(
          0xa2,
          encodeTlv(
            0x30,
            encodeTlv(0x30, encodeOid(EXT_OID.ocspNonce), encodeTlv(0x04, encodeTlv(0x04, nonce))),
          ),
        ),
      ]
    : [];
  const tbsRequest = encodeTlv(0x30, encodeTlv(0x30, request), ...ext);
  const der = encodeTlv(0x30, tbsRequest);
  return nonce ? { der, certId, nonce } : { der, certId };
}

function parseCertIdAt(b: Uint8Array, t: Tlv): CertId {
  const [alg, nameHash, keyHash, serial] = children(b, expectTag(t, Tag.SEQUENCE, 'CertID'));
  if (!alg || !nameHash || !keyHash || !serial) throw coreError('DER_MALFORMED', 'CertID is incomplete.');
  return {
    hashAlgorithm: parseAlgorithmIdentifierAt(b, alg).oid,
    issuerNameHash: contentsOf(b, expectTag(nameHash, Tag.OCTET_STRING, 'issuerNameHash')),
    issuerKeyHash: contentsOf(b, expectTag(keyHash, Tag.OCTET_STRING, 'issuerKeyHash')),
    serial: readIntegerBytes(b, serial),
  };
}

function parseSingleAt(b: Uint8Array, t: Tlv): OcspSingleResponse {
  const parts = children(b, expectTag(t, Tag.SEQUENCE, 'SingleResponse'));
  const [idT, statusT, thisT] = parts;
  if (!idT || !statusT || !thisT) throw coreError('DER_MALFORMED', 'SingleResponse is incomplete.');
  let status: OcspSingleResponse['status'];
  let revokedAt: Date | undefined;
  let reason: RevocationStatus['reason'];
  if (statusT.tag === 0x80) status = 'good';
  else if (statusT.tag === 0x82) status = 'unknown';
  else if (statusT.tag === 0xa1) {
    status = 'revoked';
    const [timeT, reasonT] = children(b, statusT);
    if (!timeT) throw coreError('DER_MALFORMED', 'RevokedInfo without time.');
    revokedAt = readTime(b, timeT);
    if (reasonT?.tag === 0xa0) {
      const [e] = children(b, reasonT);
      reason = CRL_REASONS[readSmallInteger(b, e!)];
    }
  } else throw coreError('DER_MALFORMED', 'Unknown certStatus.');
  const thisUpdate = readTime(b, thisT);
  let nextUpdate: Date | undefined;
  for (const p of parts.slice(3)) {
    if (p.tag === 0xa0) {
      const [n] = children(b, p);
      nextUpdate = readTime(b, n!);
    }
  }
  return {
    certId: parseCertIdAt(b, idT),
    status,
    thisUpdate,
    ...(revokedAt ? { revokedAt } : {}),
    ...(reason ? { reason } : {}),
    ...(nextUpdate ? { nextUpdate } : {}),
  };
}

function parseUnchecked(der: Uint8Array): OcspResponse {
  const root = expectTag(readRoot(der), Tag.SEQUENCE, 'OCSPResponse');
  const [statusT, bytesT] = children(der, root);
  if (!statusT) throw coreError('DER_MALFORMED', 'OCSPResponse without status.');
  const code = readSmallInteger(der, expectTag(statusT, Tag.ENUMERATED, 'OCSPResponseStatus'));
  const responseStatus = STATUS_NAMES[code];
  if (!responseStatus) throw coreError('DER_MALFORMED', `Unknown OCSP response status ${code}.`);
  if (responseStatus !== 'successful') return { der, responseStatus, responses: [], certs: [] };
  if (bytesT?.tag !== 0xa0)
    throw coreError('DER_MALFORMED', 'Successful OCSPResponse without responseBytes.');
  const [rb] = children(der, bytesT);
  const [typeT, respT] = children(der, expectTag(rb!, Tag.SEQUENCE, 'ResponseBytes'));
  if (!typeT || !respT || readOid(der, typeT) !== BASIC_RESPONSE)
    throw coreError('DER_MALFORMED', 'Only id-pkix-ocsp-basic responses are supported.');
  const basicBytes = contentsOf(der, expectTag(respT, Tag.OCTET_STRING, 'response'));
  const basic = expectTag(readRoot(basicBytes), Tag.SEQUENCE, 'BasicOCSPResponse');
  const [tbsT, algT, sigT, certsT] = children(basicBytes, basic);
  if (!tbsT || !algT || !sigT) throw coreError('DER_MALFORMED', 'BasicOCSPResponse is incomplete.');
  const fields = children(basicBytes, expectTag(tbsT, Tag.SEQUENCE, 'ResponseData'));
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  const ridT = fields[i++];
  const producedT = fields[i++];
  const responsesT = fields[i++];
  if (!ridT || !producedT || !responsesT) throw coreError('DER_MALFORMED', 'ResponseData is incomplete.');
  let responderId: OcspResponse['responderId'];
  const [ridInner] = children(basicBytes, ridT);
  if (ridT.tag === 0xa1) responderId = { byName: parseNameAt(basicBytes, ridInner!) };
  else if (ridT.tag === 0xa2)
    responderId = { byKey: contentsOf(basicBytes, expectTag(ridInner!, Tag.OCTET_STRING, 'KeyHash')) };
  else throw coreError('DER_MALFORMED', 'Unknown ResponderID.');
  let nonce: Uint8Array | undefined;
  const extT = fields[i];
  if (extT?.tag === 0xa1) {
    const [seq] = children(basicBytes, extT);
    for (const e of parseExtensionListAt(basicBytes, seq!)) {
      if (e.oid === EXT_OID.ocspNonce) {
        // RFC 8954: the nonce is an OCTET STRING inside extnValue (some responders omit the wrapper).
        try {
          nonce = contentsOf(e.value, expectTag(readRoot(e.value), Tag.OCTET_STRING, 'nonce'));
        } catch {
          nonce = e.value;
        }
      }
    }
  }
  const certs: Certificate[] = [];
  if (certsT?.tag === 0xa0) {
    const [seq] = children(basicBytes, certsT);
    for (const c of children(basicBytes, seq!)) certs.push(parseCertificate(encodingOf(basicBytes, c)));
  }
  return {
    der,
    responseStatus,
    tbs: encodingOf(basicBytes, tbsT),
    signatureAlgorithm: parseAlgorithmIdentifierAt(basicBytes, algT),
    signature: readSignatureBitString(basicBytes, sigT),
    responderId,
    producedAt: readTime(basicBytes, producedT),
    responses: children(basicBytes, responsesT).map((r) => parseSingleAt(basicBytes, r)),
    certs,
    ...(nonce ? { nonce } : {}),
  };
}

/** Parses an OCSPResponse; throws `OCSP_MALFORMED` for anything else. */
export function parseOcspResponse(der: Uint8Array): OcspResponse {
  try {
    return parseUnchecked(der);
  } catch (cause) {
    if (isShomeiError(cause) && cause.code === 'OCSP_MALFORMED') throw cause;
    throw coreError('OCSP_MALFORMED', undefined, { cause });
  }
}

export interface OcspVerifyOptions {
  readonly time: Date;
  /** When the request carried a nonce, the response must echo it. */
  readonly nonce?: Uint8Array;
  /** Allowed clock skew in ms for thisUpdate / nextUpdate. Default 5 minutes. */
  readonly skewMs?: number;
  /**
   * How long a response without nextUpdate counts as current after its thisUpdate, in ms (RFC 6960
   * §4.2.2.1 leaves it to local policy). Default 24 hours, as browsers do.
   */
  readonly maxAgeMs?: number;
  /** Algorithm policy for the response and responder signatures (SHA-1 refused unless allowed). */
  readonly algorithms?: SignaturePolicy;
  /** The crypto backend and the signature-verdict cache. Default: `defaultContext`. */
  readonly context?: ShomeiContext;
}

/** Default `maxAgeMs`: one day. */
export const OCSP_DEFAULT_MAX_AGE_MS = 24 * 60 * 60_000;

/** Keys (copies of their SPKI) each parsed response was found signed by, per context. */
const VERIFIED = contextSlot<WeakMap<OcspResponse, Uint8Array[]>>('OCSP response signers');

async function signedBy(resp: OcspResponse, spki: Uint8Array, context: ShomeiContext): Promise<boolean> {
  const verified = context.slot(VERIFIED, () => new WeakMap());
  // Compared byte for byte (no hex key per check): one or two keys per response.
  if (verified.get(resp)?.some((k) => bytesEqual(k, spki))) return true;
  let ok = false;
  try {
    // The policy was applied before (verifyOcspResponse), ahead of this cache.
    ok = await verifySignature(
      spki,
      resp.signatureAlgorithm!,
      resp.signature!,
      resp.tbs!,
      { allowSha1: true },
      context,
    );
  } catch (error) {
    ok = notSignedByKey(error);
  }
  if (ok) {
    const keys = verified.get(resp) ?? [];
    keys.push(spki.slice());
    verified.set(resp, keys);
  }
  return ok;
}

async function responderMatches(
  resp: OcspResponse,
  cert: Certificate,
  context: ShomeiContext,
): Promise<boolean> {
  const rid = resp.responderId;
  if (!rid) return false;
  if ('byName' in rid) return namesMatch(rid.byName, cert.subject);
  const known = nameAndKeyHashes(cert, 'SHA-1', context).value;
  return bytesEqual(rid.byKey, (known ?? (await nameAndKeyHash(cert, 'SHA-1', context)))[1]);
}

/**
 * Verifies `resp` for `cert` issued by `issuer` and returns its status. `failed` outcomes carry the
 * OCSP_* code; a response that does not mention the certificate is `OCSP_CERT_MISMATCH`.
 */
export async function verifyOcspResponse(
  resp: OcspResponse,
  cert: Certificate,
  issuer: Certificate,
  options: OcspVerifyOptions,
): Promise<SourceOutcome> {
  const context = options.context ?? defaultContext;
  if (resp.responseStatus !== 'successful')
    return { kind: 'failed', code: 'OCSP_STATUS', detail: `the responder answered ${resp.responseStatus}` };
  // Find the SingleResponse for this CertID, with whatever hash the responder used.
  let single: OcspSingleResponse | undefined;
  for (const s of resp.responses) {
    if (!bytesEqual(s.certId.serial, cert.serial)) continue;
    try {
      const h = digestByOid(s.certId.hashAlgorithm)?.name;
      // The issuer's hashes, without a round through the event loop once they are known.
      let pair = h && h !== 'MD5' ? nameAndKeyHashes(issuer, h, context).value : undefined;
      if (!pair) {
        const id = await certIdFor(cert, issuer, s.certId.hashAlgorithm, context);
        pair = [id.issuerNameHash, id.issuerKeyHash];
      }
      if (bytesEqual(pair[0], s.certId.issuerNameHash) && bytesEqual(pair[1], s.certId.issuerKeyHash)) {
        single = s;
        break;
      }
    } catch {
      // unsupported hash: not a match
    }
  }
  if (!single)
    return {
      kind: 'failed',
      code: 'OCSP_CERT_MISMATCH',
      detail: 'the OCSP response does not cover this certificate',
    };
  const weak = resp.signatureAlgorithm && weakSignatureHash(resp.signatureAlgorithm, options.algorithms);
  if (weak)
    return {
      kind: 'failed',
      code: 'SIGNATURE_ALGORITHM_WEAK',
      detail: `the OCSP response is signed with ${weak}, which the algorithm policy refuses`,
    };
  // §4.2.2.2: who signed — the CA itself, or a delegated responder certified by the CA for OCSP signing.
  let authorised = false;
  if ((await responderMatches(resp, issuer, context)) && (await signedBy(resp, issuer.spki, context)))
    authorised = true;
  else {
    for (const r of resp.certs) {
      if (!(await responderMatches(resp, r, context))) continue;
      if (!r.extKeyUsage?.includes(KP_OID.ocspSigning)) continue;
      if (!namesMatch(r.issuer, issuer.subject)) continue;
      if (options.time < r.notBefore || options.time > r.notAfter) continue;
      let issuedByCa = false;
      try {
        issuedByCa = await verifySignature(
          issuer.spki,
          r.signatureAlgorithm,
          r.signature,
          r.tbs,
          options.algorithms,
          context,
        );
      } catch (error) {
        issuedByCa = notSignedByKey(error);
      }
      if (!issuedByCa) continue;
      if (await signedBy(resp, r.spki, context)) {
        authorised = true;
        break;
      }
      return {
        kind: 'failed',
        code: 'OCSP_SIGNATURE_INVALID',
        detail: 'the OCSP response signature does not verify',
      };
    }
  }
  if (!authorised) {
    const anySig = (await signedBy(resp, issuer.spki, context)) || resp.certs.length > 0;
    return anySig
      ? {
          kind: 'failed',
          code: 'OCSP_RESPONDER_UNAUTHORIZED',
          detail: 'the responder is not authorised by the CA',
        }
      : {
          kind: 'failed',
          code: 'OCSP_SIGNATURE_INVALID',
          detail: 'the OCSP response signature does not verify',
        };
  }
  // §4.2.2.1: freshness.
  const skew = options.skewMs ?? 5 * 60_000;
  const t = options.time.getTime();
  // As for CRLs: a response produced after the validation time is newer evidence, accepted unless it
  // is in the future of the clock as well.
  if (single.thisUpdate.getTime() > Math.max(t, Date.now()) + skew)
    return {
      kind: 'failed',
      code: 'OCSP_STALE',
      detail: `thisUpdate ${single.thisUpdate.toISOString()} is in the future`,
    };
  if (single.nextUpdate && single.nextUpdate.getTime() < t - skew)
    return {
      kind: 'failed',
      code: 'OCSP_STALE',
      detail: `nextUpdate ${single.nextUpdate.toISOString()} has passed`,
    };
  // Without nextUpdate the responder promises nothing about later times: current for maxAgeMs only.
  const maxAge = options.maxAgeMs ?? OCSP_DEFAULT_MAX_AGE_MS;
  if (!single.nextUpdate && single.thisUpdate.getTime() + maxAge < t - skew)
    return {
      kind: 'failed',
      code: 'OCSP_STALE',
      detail: `thisUpdate ${single.thisUpdate.toISOString()} is older than the maximum age of ${Math.round(maxAge / 60_000)} minutes and there is no nextUpdate`,
    };
  if (options.nonce && (!resp.nonce || !bytesEqual(resp.nonce, options.nonce)))
    return {
      kind: 'failed',
      code: 'OCSP_NONCE_MISMATCH',
      detail: 'the response nonce does not match the request',
    };
  const evidenceTime = single.thisUpdate;
  if (single.status === 'revoked' && single.revokedAt && single.revokedAt <= options.time) {
    return {
      kind: 'status',
      evidenceTime,
      status: {
        status: 'revoked',
        source: 'ocsp',
        reason: single.reason ?? 'unspecified',
        revokedAt: single.revokedAt,
      },
    };
  }
  if (single.status === 'unknown')
    return {
      kind: 'status',
      status: { status: 'unknown', source: 'ocsp', detail: 'the responder does not know the certificate' },
    };
  return { kind: 'status', evidenceTime, status: { status: 'good', source: 'ocsp' } };
}

/**
 * The producing side of OCSP (RFC 6960): reads an OCSPRequest, writes a BasicOCSPResponse signed by
 * the issuing CA itself (§4.2.2.2 case 1, so no delegated responder certificate is needed), or an
 * unsuccessful OCSPResponse carrying only its status (§4.2.1).
 */
import {
  children,
  contentsOf,
  encodeOid,
  encodeTlv,
  encodingOf,
  expectTag,
  readIntegerBytes,
  readOid,
  readRoot,
  type Tlv,
} from '@shomei/core/der';
import type { KeyHolder } from '../issuing/ca-key.js';
import {
  digest,
  encodeExtension,
  encodeGeneralizedTime,
  type HashName,
  hashAlgorithmName,
  signStructure,
  subjectPublicKeyBits,
} from '../issuing/x509-encode.js';
import { CRL_REASON, type CrlReason } from './crl.js';

/** OCSPResponseStatus (RFC 6960 §4.2.1); 4 is not used. */
export const OCSP_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

export type OcspResponseStatus = keyof typeof OCSP_STATUS;

const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const ID_PKIX_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

export interface OcspCertId {
  hash: HashName;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** INTEGER contents (two's complement, as encoded). */
  serial: Uint8Array;
  /** The CertID exactly as requested, echoed in the response (§4.2.1 `certID`). */
  encoding: Uint8Array;
}

export interface OcspRequest {
  certIds: OcspCertId[];
  /** The nonce extension's extnValue contents, echoed when present (RFC 8954 §2.1). */
  nonce?: Uint8Array;
}

/** Parses `OCSPRequest` (RFC 6960 §4.1.1). Throws DER_MALFORMED on anything else. */
export function parseOcspRequest(der: Uint8Array): OcspRequest {
  const root = expectTag(readRoot(der), 0x30, 'OCSPRequest');
  const [tbs] = children(der, root);
  if (!tbs) throw malformed();
  const parts = children(der, expectTag(tbs, 0x30, 'TBSRequest'));
  let i = 0;
  if (parts[i]?.tag === 0xa0) i++; // version
  if (parts[i]?.tag === 0xa1) i++; // requestorName
  const list = parts[i++];
  if (!list) throw malformed();
  const certIds = children(der, expectTag(list, 0x30, 'requestList')).map((request) => {
    const [certId] = children(der, expectTag(request, 0x30, 'Request'));
    if (!certId) throw malformed();
    return parseCertId(der, certId);
  });
  if (certIds.length === 0) throw malformed();
  const out: OcspRequest = { certIds };
  const ext = parts[i];
  if (ext?.tag === 0xa2) {
    const [seq] = children(der, ext);
    for (const e of children(der, expectTag(seq ?? ext, 0x30, 'Extensions'))) {
      const f = children(der, expectTag(e, 0x30, 'Extension'));
      if (f[0] && readOid(der, f[0]) === ID_PKIX_OCSP_NONCE) {
        out.nonce = contentsOf(der, expectTag(f[f.length - 1]!, 0x04, 'extnValue')).slice();
      }
    }
  }
  return out;
}

function parseCertId(der: Uint8Array, node: Tlv): OcspCertId {
  const [alg, nameHash, keyHash, serial] = children(der, expectTag(node, 0x30, 'CertID'));
  if (!alg || !nameHash || !keyHash || !serial) throw malformed();
  const [oid] = children(der, expectTag(alg, 0x30, 'AlgorithmIdentifier'));
  const hash = oid ? hashAlgorithmName(readOid(der, oid)) : undefined;
  if (!hash) throw malformed();
  return {
    hash,
    issuerNameHash: contentsOf(der, expectTag(nameHash, 0x04, 'issuerNameHash')).slice(),
    issuerKeyHash: contentsOf(der, expectTag(keyHash, 0x04, 'issuerKeyHash')).slice(),
    serial: readIntegerBytes(der, serial).slice(),
    encoding: encodingOf(der, node).slice(),
  };
}

function malformed(): Error {
  return new Error('not an OCSPRequest');
}

/** Does this CertID name `issuer` as the issuing CA (§4.1.1: hashes of its Name and of its key bits)? */
export function certIdMatches(id: OcspCertId, issuer: KeyHolder): boolean {
  return (
    equal(id.issuerNameHash, digest(id.hash, issuer.encodedName)) &&
    equal(id.issuerKeyHash, digest(id.hash, subjectPublicKeyBits(issuer.publicKey)))
  );
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export type OcspCertStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason?: CrlReason }
  | { status: 'unknown' };

export interface OcspSingleResponse {
  certId: OcspCertId;
  certStatus: OcspCertStatus;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/** An unsuccessful OCSPResponse: the status alone, no responseBytes (§4.2.1). */
export function ocspErrorResponse(status: Exclude<OcspResponseStatus, 'successful'>): Uint8Array {
  return Uint8Array.of(0x30, 0x03, 0x0a, 0x01, OCSP_STATUS[status]);
}

/** A successful OCSPResponse wrapping a BasicOCSPResponse signed by `responder` (§4.2.1, §4.2.2.3 byKey). */
export function buildOcspResponse(o: {
  responder: KeyHolder;
  producedAt: Date;
  responses: readonly OcspSingleResponse[];
  nonce?: Uint8Array;
}): Uint8Array {
  const single = o.responses.map((r) =>
    encodeTlv(
      0x30,
      r.certId.encoding,
      encodeCertStatus(r.certStatus),
      encodeGeneralizedTime(r.thisUpdate),
      r.nextUpdate ? encodeTlv(0xa0, encodeGeneralizedTime(r.nextUpdate)) : new Uint8Array(0),
    ),
  );
  const tbs = encodeTlv(
    0x30,
    // responderID byKey [2] EXPLICIT KeyHash: SHA-1 of the responder's key bits (§4.2.1).
    encodeTlv(0xa2, encodeTlv(0x04, digest('SHA-1', subjectPublicKeyBits(o.responder.publicKey)))),
    encodeGeneralizedTime(o.producedAt),
    encodeTlv(0x30, ...single),
    o.nonce
      ? encodeTlv(0xa1, encodeTlv(0x30, encodeExtension(ID_PKIX_OCSP_NONCE, false, o.nonce)))
      : new Uint8Array(0),
  );
  // signStructure gives SEQUENCE { tbs, alg, sig }; append certs [0] inside the same SEQUENCE.
  const signed = signStructure(tbs, o.responder.key);
  const body = withTrailingCerts(signed, encodeTlv(0xa0, encodeTlv(0x30, o.responder.certificate)));
  return encodeTlv(
    0x30,
    Uint8Array.of(0x0a, 0x01, OCSP_STATUS.successful),
    encodeTlv(0xa0, encodeTlv(0x30, encodeOid(ID_PKIX_OCSP_BASIC), encodeTlv(0x04, body))),
  );
}

function withTrailingCerts(signedSequence: Uint8Array, certs: Uint8Array): Uint8Array {
  const root = readRoot(signedSequence);
  return encodeTlv(0x30, contentsOf(signedSequence, root), certs);
}

function encodeCertStatus(s: OcspCertStatus): Uint8Array {
  switch (s.status) {
    case 'good':
      return Uint8Array.of(0x80, 0x00);
    case 'unknown':
      return Uint8Array.of(0x82, 0x00);
    case 'revoked':
      // RevokedInfo ::= SEQUENCE { revocationTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }.
      return encodeTlv(
        0xa1,
        encodeGeneralizedTime(s.revokedAt),
        s.reason !== undefined
          ? encodeTlv(0xa0, Uint8Array.of(0x0a, 0x01, CRL_REASON[s.reason]))
          : new Uint8Array(0),
      );
  }
}

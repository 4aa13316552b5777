/**
 * RFC 3161 time-stamping unit: reads a TimeStampReq (§2.4.1) and answers a TimeStampResp (§2.4.2)
 * whose token is a CMS SignedData (RFC 5652 §5) over a TSTInfo, with the ESS signingCertificateV2
 * attribute (RFC 5816) naming the TSA certificate. Bad requests get `rejection` with a failInfo bit.
 */
import { sign as rsaSign } from 'node:crypto';
import { compareBytes, digestAlgorithm, signatureAlgorithmFor } from '@shomei/core';
import {
  children,
  contentsOf,
  DER_NULL,
  encodeOid,
  encodeSmallInteger,
  encodeTlv,
  encodeUnsignedInteger,
  encodingOf,
  expectTag,
  readBoolean,
  readIntegerBytes,
  readOid,
  readRoot,
} from '@shomei/core/der';
import type { KeyHolder } from '../issuing/ca-key.js';
import { digest, encodeGeneralizedTime, hashAlgorithmName } from '../issuing/x509-encode.js';

/** Our TSA policy: an OID under the ITU-T/ISO example arc (X.660 §A: 2.999), not a real policy. */
export const TSA_POLICY_OID = '2.999.3161.1';

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: digestAlgorithm('SHA-256').oid,
  sha256WithRsa: signatureAlgorithmFor('RSA', 'SHA-256').oid,
} as const;

/** PKIFailureInfo bits (§2.4.2). */
const FAIL = { badAlg: 0, badRequest: 2, badDataFormat: 5, unacceptedPolicy: 15 } as const;

interface TimeStampRequest {
  messageImprint: Uint8Array;
  nonce?: Uint8Array;
  certReq: boolean;
}

type Parsed = { ok: true; request: TimeStampRequest } | { ok: false; fail: keyof typeof FAIL };

function parseRequest(der: Uint8Array): Parsed {
  let fields: ReturnType<typeof children>;
  try {
    fields = children(der, expectTag(readRoot(der), 0x30, 'TimeStampReq'));
  } catch {
    return { ok: false, fail: 'badDataFormat' };
  }
  try {
    const [version, imprint, ...rest] = fields;
    if (!version || !imprint || readIntegerBytes(der, version)[0] !== 1)
      return { ok: false, fail: 'badRequest' };
    const [alg, hashed] = children(der, expectTag(imprint, 0x30, 'MessageImprint'));
    const [algOid] = children(der, expectTag(alg!, 0x30, 'AlgorithmIdentifier'));
    const hash = hashAlgorithmName(readOid(der, algOid!));
    const value = contentsOf(der, expectTag(hashed!, 0x04, 'hashedMessage'));
    if (!hash || hash === 'SHA-1' || value.length !== digest(hash, new Uint8Array(0)).length) {
      return { ok: false, fail: 'badAlg' };
    }
    const request: TimeStampRequest = { messageImprint: encodingOf(der, imprint).slice(), certReq: false };
    for (const f of rest) {
      if (f.tag === 0x06 && readOid(der, f) !== TSA_POLICY_OID)
        return { ok: false, fail: 'unacceptedPolicy' };
      if (f.tag === 0x02) request.nonce = readIntegerBytes(der, f).slice();
      if (f.tag === 0x01) request.certReq = readBoolean(der, f);
    }
    return { ok: true, request };
  } catch {
    return { ok: false, fail: 'badRequest' };
  }
}

function rejection(fail: keyof typeof FAIL, text: string): Uint8Array {
  const bit = FAIL[fail];
  const bytes = new Uint8Array(Math.floor(bit / 8) + 1);
  bytes[Math.floor(bit / 8)] = 0x80 >> (bit % 8);
  const unused = 7 - (bit % 8);
  return encodeTlv(
    0x30,
    encodeTlv(
      0x30,
      encodeSmallInteger(2), // rejection
      encodeTlv(0x30, encodeTlv(0x0c, new TextEncoder().encode(text))),
      encodeTlv(0x03, Uint8Array.of(unused), bytes),
    ),
  );
}

/** IssuerAndSerialNumber of a certificate: its issuer Name and serial INTEGER, as encoded. */
function issuerAndSerial(cert: Uint8Array): Uint8Array {
  const [tbs] = children(cert, readRoot(cert));
  const f = children(cert, tbs!);
  const o = f[0]?.tag === 0xa0 ? 1 : 0;
  return encodeTlv(0x30, encodingOf(cert, f[o + 2]!), encodingOf(cert, f[o]!));
}

export function timestampResponse(
  der: Uint8Array,
  o: { tsa: KeyHolder; caCertificate: Uint8Array; time: Date; serial: Uint8Array },
): Uint8Array {
  const parsed = parseRequest(der);
  if (!parsed.ok) return rejection(parsed.fail, `request refused: ${parsed.fail}`);
  const { request } = parsed;
  const sha256 = encodeTlv(0x30, encodeOid(OID.sha256));
  const tstInfo = encodeTlv(
    0x30,
    encodeSmallInteger(1),
    encodeOid(TSA_POLICY_OID),
    request.messageImprint,
    encodeUnsignedInteger(o.serial),
    encodeGeneralizedTime(o.time),
    encodeTlv(0x30, encodeSmallInteger(1)), // accuracy: one second
    request.nonce ? encodeTlv(0x02, request.nonce) : new Uint8Array(0),
  );
  const attributes = [
    encodeTlv(0x30, encodeOid(OID.contentType), encodeTlv(0x31, encodeOid(OID.tstInfo))),
    encodeTlv(
      0x30,
      encodeOid(OID.messageDigest),
      encodeTlv(0x31, encodeTlv(0x04, digest('SHA-256', tstInfo))),
    ),
    // ESSCertIDv2 with the default SHA-256 (RFC 5035 §3: hashAlgorithm omitted when SHA-256).
    encodeTlv(
      0x30,
      encodeOid(OID.signingCertificateV2),
      encodeTlv(
        0x31,
        encodeTlv(
          0x30,
          encodeTlv(0x30, encodeTlv(0x30, encodeTlv(0x04, digest('SHA-256', o.tsa.certificate)))),
        ),
      ),
    ),
  ].sort(compareBytes); // SET OF in DER order (X.690 §11.6)
  const signedAttrs = encodeTlv(0x31, ...attributes);
  const signature = new Uint8Array(rsaSign('sha256', signedAttrs, o.tsa.key));
  const signerInfo = encodeTlv(
    0x30,
    encodeSmallInteger(1),
    issuerAndSerial(o.tsa.certificate),
    sha256,
    encodeTlv(0xa0, ...attributes), // [0] IMPLICIT SET OF (RFC 5652 §5.3)
    encodeTlv(0x30, encodeOid(OID.sha256WithRsa), DER_NULL),
    encodeTlv(0x04, signature),
  );
  const certificates = request.certReq
    ? encodeTlv(0xa0, ...[o.tsa.certificate, o.caCertificate].sort(compareBytes))
    : new Uint8Array(0);
  const signedData = encodeTlv(
    0x30,
    encodeSmallInteger(3),
    encodeTlv(0x31, sha256),
    encodeTlv(0x30, encodeOid(OID.tstInfo), encodeTlv(0xa0, encodeTlv(0x04, tstInfo))),
    certificates,
    encodeTlv(0x31, signerInfo),
  );
  const token = encodeTlv(0x30, encodeOid(OID.signedData), encodeTlv(0xa0, signedData));
  return encodeTlv(0x30, encodeTlv(0x30, encodeSmallInteger(0)), token);
}

/**
 * The OCSP responder's decision (RFC 6960): which CA a request names, and each certificate's status
 * as of now. Never throws — a malformed request gets `malformedRequest`, one naming a CA that is not
 * ours (or several CAs at once) `unauthorized` (§2.3), an unknown serial under our CA `unknown`
 * (§2.2), and any failure while answering `internalError`.
 */
import { toHex } from '@shomei/core';
import type { KeyHolder } from '../issuing/ca-key.js';
import type { CertificateRecord } from './authority-state.js';
import { stripZeros } from './certificate-serial.js';
import {
  buildOcspResponse,
  certIdMatches,
  type OcspCertStatus,
  ocspErrorResponse,
  parseOcspRequest,
} from './ocsp.js';

export function answerOcsp(
  der: Uint8Array,
  o: {
    cas: readonly KeyHolder[];
    lookup: (serialHex: string) => CertificateRecord | undefined;
    now: Date;
    validityMinutes: number;
  },
): Uint8Array {
  let request: ReturnType<typeof parseOcspRequest>;
  try {
    request = parseOcspRequest(der);
  } catch {
    return ocspErrorResponse('malformedRequest');
  }
  try {
    const issuers = request.certIds.map((id) => o.cas.find((ca) => certIdMatches(id, ca)));
    const responder = issuers[0];
    if (!responder || issuers.some((i) => i !== responder)) return ocspErrorResponse('unauthorized');
    const nextUpdate = new Date(o.now.getTime() + o.validityMinutes * 60_000);
    const responses = request.certIds.map((certId) => {
      // A negative serial cannot be ours (RFC 5280 §4.1.2.2).
      const r = (certId.serial[0]! & 0x80) === 0 ? o.lookup(toHex(stripZeros(certId.serial))) : undefined;
      let certStatus: OcspCertStatus;
      if (!r || r.ca !== responder.id) certStatus = { status: 'unknown' };
      else if (r.status === 'good') certStatus = { status: 'good' };
      else certStatus = { status: 'revoked', revokedAt: new Date(r.revokedAt!), reason: r.reason! };
      return { certId, certStatus, thisUpdate: o.now, nextUpdate };
    });
    return buildOcspResponse({
      responder,
      producedAt: o.now,
      responses,
      ...(request.nonce && { nonce: request.nonce }),
    });
  } catch {
    return ocspErrorResponse('internalError');
  }
}

/**
 * CRLs (RFC 5280 §5) and OCSP responses (RFC 6960) for tests, signed with test keys: any extension
 * combination (delta, issuing distribution point, indirect entries) and the odd ones a verifier must
 * refuse (critical cRLNumber, foreign responders, broken signatures). The authority's own CRL and
 * OCSP producers are in the main entry; these take every field from the test.
 */
import { contentsOf, encodeTlv, readRoot } from '@shomei/core/der';
import {
  digest,
  encodeExtension,
  signatureAlgorithmOf,
  signStructure,
  subjectPublicKeyBits,
} from '../issuing/x509-encode.js';
import type { TestCert, TestKey } from './certificates.js';
import {
  bool,
  ctx,
  DER_NULL,
  generalizedTime,
  gn,
  implicit,
  int,
  name,
  namedBits,
  octets,
  oid,
  seq,
  time,
  uint,
} from './der.js';

export interface CrlEntrySpec {
  readonly serial: number | Uint8Array;
  readonly date?: Date;
  /** CRLReason code (RFC 5280 §5.3.1). */
  readonly reason?: number;
  /** certificateIssuer for indirect CRLs (RFC 4514 DN). */
  readonly certificateIssuer?: string;
  readonly extraExtensions?: Uint8Array[];
}

export interface CrlSpec {
  readonly issuer: TestCert | { subject: string; key: TestKey };
  /** Key to sign with (default: the issuer's). */
  readonly signingKey?: TestKey;
  readonly entries?: readonly CrlEntrySpec[];
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date | null;
  /**
   * cRLNumber (§5.2.3): default 1, or `deltaOf + 1` for a delta CRL, so every CRL conforms unless a
   * test says otherwise; `null` leaves it out.
   */
  readonly crlNumber?: number | null;
  /** Marks cRLNumber critical (which §5.2.3 forbids). */
  readonly crlNumberCritical?: boolean;
  readonly deltaOf?: number;
  readonly idp?: {
    uris?: string[];
    onlyUser?: boolean;
    onlyCA?: boolean;
    onlySomeReasons?: number[];
    indirect?: boolean;
  };
  readonly extraExtensions?: Uint8Array[];
  readonly corruptSignature?: boolean;
}

/** An encoded Extension (RFC 5280 §4.1). */
export const extension = (o: string, value: Uint8Array, critical = false): Uint8Array =>
  encodeExtension(o, critical, value);

export async function buildCrl(spec: CrlSpec): Promise<Uint8Array> {
  const key = spec.signingKey ?? spec.issuer.key;
  const entries = (spec.entries ?? []).map((e) => {
    const exts: Uint8Array[] = [];
    if (e.reason !== undefined) exts.push(extension('2.5.29.21', encodeTlv(0x0a, Uint8Array.of(e.reason))));
    if (e.certificateIssuer) exts.push(extension('2.5.29.29', seq(gn.dir(e.certificateIssuer)), true));
    exts.push(...(e.extraExtensions ?? []));
    return seq(
      typeof e.serial === 'number' ? int(e.serial) : uint(e.serial),
      time(e.date ?? new Date('2025-06-01T00:00:00Z')),
      ...(exts.length ? [seq(...exts)] : []),
    );
  });
  const exts: Uint8Array[] = [];
  const crlNumber = spec.crlNumber === undefined ? (spec.deltaOf ?? 0) + 1 : spec.crlNumber;
  if (crlNumber !== null) exts.push(extension('2.5.29.20', int(crlNumber), spec.crlNumberCritical));
  if (spec.deltaOf !== undefined) exts.push(extension('2.5.29.27', int(spec.deltaOf), true));
  if (spec.idp) {
    const i = spec.idp;
    exts.push(
      extension(
        '2.5.29.28',
        seq(
          ...(i.uris ? [ctx(0, true, ctx(0, true, ...i.uris.map(gn.uri)))] : []),
          ...(i.onlyUser ? [implicit(1, bool(true))] : []),
          ...(i.onlyCA ? [implicit(2, bool(true))] : []),
          ...(i.onlySomeReasons ? [implicit(3, namedBits(i.onlySomeReasons))] : []),
          ...(i.indirect ? [implicit(4, bool(true))] : []),
        ),
        true,
      ),
    );
  }
  exts.push(...(spec.extraExtensions ?? []));
  const nextUpdate = spec.nextUpdate === undefined ? new Date('2030-01-01T00:00:00Z') : spec.nextUpdate;
  const tbs = seq(
    int(1),
    signatureAlgorithmOf(key.privateKey),
    name(spec.issuer.subject),
    time(spec.thisUpdate ?? new Date('2026-01-01T00:00:00Z')),
    ...(nextUpdate ? [time(nextUpdate)] : []),
    ...(entries.length ? [seq(...entries)] : []),
    ...(exts.length ? [ctx(0, true, seq(...exts))] : []),
  );
  return signStructure(tbs, key.privateKey, { corrupt: spec.corruptSignature ?? false });
}

export interface OcspSpec {
  /** The certificate the response is about and its issuer. */
  readonly cert: TestCert;
  readonly issuer: TestCert;
  /** Responder: the CA (default) or a delegated responder certificate. */
  readonly responder?: TestCert;
  readonly status?: 'good' | 'revoked' | 'unknown';
  readonly revokedAt?: Date;
  readonly reason?: number;
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date | null;
  readonly nonce?: Uint8Array;
  readonly responseStatus?: number;
  readonly corruptSignature?: boolean;
  /** Override the serial in the CertID (for a response about another certificate). */
  readonly serial?: number;
}

/** An OCSPResponse (RFC 6960 §4.2.1) with one SingleResponse, the responder named byName. */
export async function buildOcspResponse(spec: OcspSpec): Promise<Uint8Array> {
  if (spec.responseStatus) return seq(encodeTlv(0x0a, Uint8Array.of(spec.responseStatus)));
  const issuer = spec.issuer.cert;
  const certId = seq(
    seq(oid('1.3.14.3.2.26'), DER_NULL),
    octets(digest('SHA-1', issuer.subject.der)),
    octets(digest('SHA-1', subjectPublicKeyBits(issuer.spki))),
    spec.serial !== undefined ? int(spec.serial) : encodeTlv(0x02, spec.cert.cert.serial),
  );
  const status = spec.status ?? 'good';
  const certStatus =
    status === 'good'
      ? Uint8Array.of(0x80, 0x00)
      : status === 'unknown'
        ? Uint8Array.of(0x82, 0x00)
        : ctx(
            1,
            true,
            generalizedTime(spec.revokedAt ?? new Date('2026-02-01T00:00:00Z')),
            ...(spec.reason !== undefined ? [ctx(0, true, encodeTlv(0x0a, Uint8Array.of(spec.reason)))] : []),
          );
  const nextUpdate = spec.nextUpdate === undefined ? new Date('2030-01-01T00:00:00Z') : spec.nextUpdate;
  const single = seq(
    certId,
    certStatus,
    generalizedTime(spec.thisUpdate ?? new Date('2026-05-01T00:00:00Z')),
    ...(nextUpdate ? [ctx(0, true, generalizedTime(nextUpdate))] : []),
  );
  const responder = spec.responder ?? spec.issuer;
  const tbs = seq(
    ctx(1, true, responder.cert.subject.der),
    generalizedTime(new Date('2026-05-01T00:00:00Z')),
    seq(single),
    ...(spec.nonce ? [ctx(1, true, seq(extension('1.3.6.1.5.5.7.48.1.2', octets(spec.nonce))))] : []),
  );
  // BasicOCSPResponse: SIGNED{tbs} plus the delegated responder's certificate in certs [0].
  const signedTbs = signStructure(tbs, responder.key.privateKey, { corrupt: spec.corruptSignature ?? false });
  const basic = spec.responder
    ? encodeTlv(0x30, contentsOf(signedTbs, readRoot(signedTbs)), ctx(0, true, seq(spec.responder.der)))
    : signedTbs;
  return seq(
    encodeTlv(0x0a, Uint8Array.of(0)),
    ctx(0, true, seq(oid('1.3.6.1.5.5.7.48.1.1'), octets(basic))),
  );
}

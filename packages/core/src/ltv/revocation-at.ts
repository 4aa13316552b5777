/**
 * Revocation of one certificate at a time in the past, from the material alone (no network): every
 * OCSP response and CRL is checked on its own (signature, responder authorisation, scope, validity
 * window, via revocation/) so the report can name which one answered and when it was issued.
 * EN 319 102-1 §5.2.5 (revocation freshness): an answer issued before the time being proven says
 * nothing about that time; an answer issued after it that says "good", or "revoked" only later,
 * proves the certificate was not revoked then.
 */
import { bytesEqual, toHex } from '../der/bytes.js';
import { checkCrls } from '../revocation/crl-check.js';
import { CrlIndex } from '../revocation/crl-index.js';
import { type OcspResponse, parseOcspResponse, verifyOcspResponse } from '../revocation/ocsp.js';
import type { SourceOutcome } from '../revocation/outcome.js';
import type { Certificate } from '../x509/certificate.js';
import type { ShomeiContext } from '../x509/context.js';
import { nameIndexKey } from '../x509/name.js';
import { bytesKey } from './content.js';
import type { RevocationEvidence } from './evidence.js';
import type { EvidenceMaterial } from './material.js';

// Parsed sources are kept by content, since each validation extracts fresh views of the same bytes;
// verification results stay keyed by the parsed object inside revocation/ (signature caches). A hit
// is confirmed byte for byte against the private copy kept with it: the key is a short hash, and a
// look-alike (same length, tail and hash) must not be answered with another source's parse.
// Module-level on purpose: a bounded memo of a pure parse over immutable private copies.
interface Parsed<T> {
  readonly bytes: Uint8Array;
  readonly value: T | null;
}
const ocspParsed = new Map<string, Parsed<OcspResponse>>();
const crlParsed = new Map<string, Parsed<CrlIndex>>();
// Within one validation every certificate of every chain asks about the same views of the material:
// remembered per view, so the content key is computed once per view, not once per question. A view
// may be the caller's buffer, so a hit is still confirmed against the private copy (a comparison is
// cheaper than the hash, and a buffer overwritten in place is parsed again).
const byView = new WeakMap<Uint8Array, { readonly map: object; readonly entry: Parsed<unknown> }>();
function memo<T>(map: Map<string, Parsed<T>>, der: Uint8Array, parse: (d: Uint8Array) => T): T | null {
  const seen = byView.get(der);
  if (seen?.map === map && bytesEqual(seen.entry.bytes, der)) return seen.entry.value as T | null;
  const key = bytesKey(der);
  let entry = map.get(key);
  if (entry === undefined || !bytesEqual(entry.bytes, der)) {
    const bytes = der.slice();
    let value: T | null;
    try {
      value = parse(bytes);
    } catch {
      value = null;
    }
    entry = { bytes, value };
    if (map.size > 1024) map.delete(map.keys().next().value as string);
    map.set(key, entry);
  }
  byView.set(der, { map, entry });
  return entry.value;
}

// What one source says about one certificate at one time does not change (the sources are signed
// and the inputs are the same objects): remembered per parsed source, so a signature validated again
// does not repeat the CertID hashing and the checks.
const outcomes = new WeakMap<object, Map<string, Promise<SourceOutcome>>>();
function outcomeOf(
  source: object,
  cert: Certificate,
  issuer: Certificate,
  time: Date,
  compute: () => Promise<SourceOutcome>,
): Promise<SourceOutcome> {
  let m = outcomes.get(source);
  if (!m) {
    m = new Map();
    outcomes.set(source, m);
  }
  const key = `${cert.serialHex}|${nameIndexKey(cert.issuer)}|${issuer.serialHex}|${time.getTime()}`;
  let o = m.get(key);
  if (!o) {
    if (m.size > 256) m.delete(m.keys().next().value as string);
    o = compute();
    m.set(key, o);
  }
  return o;
}

export interface RevocationFinding {
  /** The answer that decides: revoked at or before the time, else the freshest good answer. */
  readonly decisive?: RevocationEvidence;
  /** The earliest revocation time any valid answer reports (also after the time). */
  readonly revokedAt?: Date;
  /** Why sources that applied could not be used. */
  readonly problems: readonly string[];
}

/** Judges `cert` (issued by `issuer`) at `time` with the material's OCSP responses and CRLs. */
export async function revocationAt(
  cert: Certificate,
  issuer: Certificate,
  time: Date,
  material: EvidenceMaterial,
  candidates: readonly Certificate[],
  context?: ShomeiContext,
): Promise<RevocationFinding> {
  // Revocation times are encoded to the second (RFC 5280 §4.1.2.5, RFC 6960 §4.2.2.1): compare there.
  const second = Math.floor(time.getTime() / 1000) * 1000;
  const answers: RevocationEvidence[] = [];
  const problems: string[] = [];
  let revokedAt: Date | undefined;
  const later = (d: Date | undefined) => {
    if (d && (!revokedAt || d < revokedAt)) revokedAt = d;
  };
  for (const der of material.ocsp) {
    const r = memo(ocspParsed, der, parseOcspResponse);
    // Only responses naming this serial can answer for it (the CertID hashes are checked inside).
    if (!r?.responses.some((x) => toHex(x.certId.serial) === cert.serialHex)) continue;
    const o = await outcomeOf(r, cert, issuer, time, () =>
      verifyOcspResponse(r, cert, issuer, { time, ...(context ? { context } : {}) }),
    );
    if (o.kind === 'failed') {
      if (o.code !== 'OCSP_CERT_MISMATCH') problems.push(`OCSP: ${o.detail}`);
      continue;
    }
    if (o.kind !== 'status' || o.status.status === 'unknown') continue;
    const single = r.responses.find(
      (s) => s.certId.serial.length === cert.serial.length && toHex(s.certId.serial) === cert.serialHex,
    )!;
    if (single.status === 'revoked') later(single.revokedAt);
    const responder =
      r.responderId && 'byName' in r.responderId ? r.responderId.byName.text : issuer.subject.text;
    answers.push({
      source: 'ocsp',
      issuer: responder,
      issuedAt: single.thisUpdate.toISOString(),
      ...(single.nextUpdate ? { nextUpdate: single.nextUpdate.toISOString() } : {}),
      status: o.status.status,
      ...(single.revokedAt ? { revokedAt: single.revokedAt.toISOString() } : {}),
      ...(single.reason ? { reason: single.reason } : {}),
      fresh: single.thisUpdate.getTime() >= second,
    });
  }
  for (const der of material.crls) {
    const crl = memo(crlParsed, der, (d) => CrlIndex.from(d));
    if (!crl || crl.isDelta) continue;
    const o = await outcomeOf(crl, cert, issuer, time, () =>
      checkCrls(cert, issuer, [crl], {
        time,
        candidates,
        // Only CRLs signed by the certificate's issuer are used from the material (no indirect CRLs).
        validateCrlSigner: async () => false,
        ...(context ? { context } : {}),
      }),
    );
    if (o.kind === 'failed') {
      problems.push(`CRL of ${crl.issuer.text}: ${o.detail}`);
      continue;
    }
    if (o.kind !== 'status' || o.status.status === 'unknown') continue;
    const entry = crl.lookup(cert.serial);
    later(entry?.revocationDate);
    answers.push({
      source: 'crl',
      issuer: crl.issuer.text,
      issuedAt: crl.thisUpdate.toISOString(),
      ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.toISOString() } : {}),
      status: o.status.status,
      ...(entry ? { revokedAt: entry.revocationDate.toISOString() } : {}),
      ...(entry?.reason ? { reason: entry.reason } : {}),
      fresh: crl.thisUpdate.getTime() >= second,
    });
  }
  const revoked = answers.find((a) => a.status === 'revoked');
  const newestFirst = answers.sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  const decisive = revoked ?? newestFirst[0];
  return { ...(decisive ? { decisive } : {}), ...(revokedAt ? { revokedAt } : {}), problems };
}

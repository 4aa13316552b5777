/**
 * Revocation of one certificate at a time in the past, from the material alone (no network): every
 * OCSP response and CRL is checked on its own (signature, responder authorisation, scope, validity
 * window, via revocation/) so the report can name which one answered and when it was issued.
 * EN 319 102-1 §5.2.5 (revocation freshness): an answer issued before the time being proven says
 * nothing about that time; an answer issued after it that says "good", or "revoked" only later,
 * proves the certificate was not revoked then.
 */
import { toHex } from '../der/bytes.js';
import { checkCrls } from '../revocation/crl-check.js';
import { CrlIndex } from '../revocation/crl-index.js';
import {
  type OcspResponse,
  type OcspSingleResponse,
  type OcspVerifyOptions,
  parseOcspResponse,
  verifyOcspResponse,
} from '../revocation/ocsp.js';
import type { Certificate } from '../x509/certificate.js';
import { contextSlot, defaultContext, type ShomeiContext } from '../x509/context.js';
import { namesMatch } from '../x509/name.js';
import type { RevocationEvidence } from './evidence.js';
import type { EvidenceMaterial } from './material.js';
import { BytesMemo } from './memo.js';

// The material's OCSP responses and CRLs, parsed once per context and found again by content
// (memo.ts). What each says about a certificate at a time is judged on every call: only the parse,
// and inside revocation/ the signature verdict per parsed source, outlive a validation.
interface OcspSingle {
  readonly single: OcspSingleResponse;
  readonly serialHex: string;
  /** The report's ISO texts of its times, written once per parse. */
  readonly issuedAt: string;
  readonly nextUpdate?: string;
  readonly revokedAt?: string;
}
interface OcspSource {
  readonly response: OcspResponse;
  readonly responder?: string;
  readonly singles: readonly OcspSingle[];
}
interface CrlSource {
  readonly crl: CrlIndex;
  readonly issuedAt: string;
  readonly nextUpdate?: string;
}
const OCSP_READ = contextSlot<BytesMemo<OcspSource | null>>('long-term: OCSP responses read');
const CRLS_READ = contextSlot<BytesMemo<CrlSource | null>>('long-term: CRLs read');

/** The material's revocation sources, parsed (unreadable ones left out). */
export interface MaterialSources {
  readonly ocsp: readonly OcspSource[];
  readonly crls: readonly CrlSource[];
}

function readOcsp(copy: Uint8Array): OcspSource | null {
  try {
    const response = parseOcspResponse(copy);
    const rid = response.responderId;
    return {
      response,
      ...(rid && 'byName' in rid ? { responder: rid.byName.text } : {}),
      singles: response.responses.map((single) => ({
        single,
        serialHex: toHex(single.certId.serial),
        issuedAt: single.thisUpdate.toISOString(),
        ...(single.nextUpdate ? { nextUpdate: single.nextUpdate.toISOString() } : {}),
        ...(single.revokedAt ? { revokedAt: single.revokedAt.toISOString() } : {}),
      })),
    };
  } catch {
    return null;
  }
}

function readCrl(copy: Uint8Array): CrlSource | null {
  try {
    const crl = CrlIndex.from(copy);
    return {
      crl,
      issuedAt: crl.thisUpdate.toISOString(),
      ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.toISOString() } : {}),
    };
  } catch {
    return null;
  }
}

/** Parses (or finds parsed in the context) every OCSP response and CRL of the material. */
export function sourcesOf(material: EvidenceMaterial, context?: ShomeiContext): MaterialSources {
  const ctx = context ?? defaultContext;
  const ocspMemo = ctx.slot(OCSP_READ, () => new BytesMemo<OcspSource | null>(1024, 16 * 1024 * 1024));
  const crlMemo = ctx.slot(CRLS_READ, () => new BytesMemo<CrlSource | null>(256, 64 * 1024 * 1024));
  const ocsp: OcspSource[] = [];
  for (const der of material.ocsp) {
    const r = ocspMemo.get(der, readOcsp);
    if (r) ocsp.push(r);
  }
  const crls: CrlSource[] = [];
  for (const der of material.crls) {
    const c = crlMemo.get(der, readCrl);
    if (c && !c.crl.isDelta) crls.push(c);
  }
  return { ocsp, crls };
}

export interface RevocationFinding {
  /** The answer that decides: revoked at or before the time, else the freshest good answer. */
  readonly decisive?: RevocationEvidence;
  /** The earliest revocation time any valid answer reports (also after the time). */
  readonly revokedAt?: Date;
  /** Why sources that applied could not be used. */
  readonly problems: readonly string[];
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

// Only CRLs signed by the certificate's issuer are used from the material (no indirect CRLs).
const noIndirectSigner = async (): Promise<boolean> => false;

/**
 * Judges `cert` (issued by `issuer`) at `time` with the material's OCSP responses and CRLs.
 * `sources` is the material already parsed (sourcesOf), when the caller asks about several
 * certificates of the same material.
 */
export async function revocationAt(
  cert: Certificate,
  issuer: Certificate,
  time: Date,
  material: EvidenceMaterial,
  candidates: readonly Certificate[],
  context?: ShomeiContext,
  sources: MaterialSources = sourcesOf(material, context),
): Promise<RevocationFinding> {
  // Revocation times are encoded to the second (RFC 5280 §4.1.2.5, RFC 6960 §4.2.2.1): compare there.
  const second = Math.floor(time.getTime() / 1000) * 1000;
  const found: Answers = { problems: [] };
  const ocspOptions: OcspVerifyOptions = context ? { time, context } : { time };
  for (const src of sources.ocsp) {
    // Only responses naming this serial can answer for it (the CertID hashes are checked inside).
    const s = src.singles.find((x) => x.serialHex === cert.serialHex);
    if (!s) continue;
    const o = await verifyOcspResponse(src.response, cert, issuer, ocspOptions);
    if (o.kind === 'failed') {
      if (o.code !== 'OCSP_CERT_MISMATCH') found.problems.push(`OCSP: ${o.detail}`);
      continue;
    }
    if (o.kind !== 'status' || o.status.status === 'unknown') continue;
    const single = s.single;
    // Plain assignments, no conditional spreads: this runs for every certificate of every chain.
    const a: Writable<RevocationEvidence> = {
      source: 'ocsp',
      issuer: src.responder ?? issuer.subject.text,
      issuedAt: s.issuedAt,
      status: o.status.status,
      fresh: single.thisUpdate.getTime() >= second,
    };
    if (s.nextUpdate) a.nextUpdate = s.nextUpdate;
    if (s.revokedAt) a.revokedAt = s.revokedAt;
    if (single.reason) a.reason = single.reason;
    take(found, a, single.status === 'revoked' ? single.revokedAt : undefined);
  }
  for (const { crl, issuedAt, nextUpdate } of sources.crls) {
    // RFC 5280 §6.3.3 (b)(1): a CRL that is not indirect covers only certificates of its own issuer.
    if (!crl.indirect && !namesMatch(crl.issuer, cert.issuer)) continue;
    const o = await checkCrls(cert, issuer, [crl], {
      time,
      candidates,
      validateCrlSigner: noIndirectSigner,
      ...(context ? { context } : {}),
    });
    if (o.kind === 'failed') {
      found.problems.push(`CRL of ${crl.issuer.text}: ${o.detail}`);
      continue;
    }
    if (o.kind !== 'status' || o.status.status === 'unknown') continue;
    const entry = crl.lookup(cert.serial);
    const a: Writable<RevocationEvidence> = {
      source: 'crl',
      issuer: crl.issuer.text,
      issuedAt,
      status: o.status.status,
      fresh: crl.thisUpdate.getTime() >= second,
    };
    if (nextUpdate) a.nextUpdate = nextUpdate;
    if (entry) a.revokedAt = entry.revocationDate.toISOString();
    if (entry?.reason) a.reason = entry.reason;
    take(found, a, entry?.revocationDate);
  }
  // A revocation decides; else the newest answer (ISO texts of one form compare as times).
  const decisive = found.revoked ?? found.newest;
  const finding: Writable<RevocationFinding> = { problems: found.problems };
  if (decisive) finding.decisive = decisive;
  if (found.revokedAt) finding.revokedAt = found.revokedAt;
  return finding;
}

/** What the sources said so far about one certificate. */
interface Answers {
  revoked?: RevocationEvidence;
  newest?: RevocationEvidence;
  revokedAt?: Date;
  readonly problems: string[];
}

function take(found: Answers, a: RevocationEvidence, revokedOn: Date | undefined): void {
  if (revokedOn && (!found.revokedAt || revokedOn < found.revokedAt)) found.revokedAt = revokedOn;
  if (a.status === 'revoked') found.revoked ??= a;
  if (!found.newest || a.issuedAt > found.newest.issuedAt) found.newest = a;
}

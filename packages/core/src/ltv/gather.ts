/**
 * Gathering the validation material for one certificate path, whatever the format: the path is built
 * at the time it must prove, and for every certificate but the trust anchor revocation data issued at
 * or after that time is looked for — first in what the signature already carries, then in what the
 * caller supplied, then from a RevocationSource (OCSP before CRLs). The format decides where things
 * go through an `EvidenceSink` (CAdES: SignedData.certificates/crls; XAdES: CertificateValues /
 * RevocationValues; PAdES: the DSS dictionary).
 */
import { throwIfAborted } from '../errors.js';
import { validatePath } from '../path/validate-path.js';
import type { Certificate } from '../x509/certificate.js';
import type { ShomeiContext } from '../x509/context.js';
import { addCertificate, type EvidenceMaterial } from './material.js';
import { revocationAt } from './revocation-at.js';
import type { RevocationSource } from './sources.js';

/** Where a format stores what gathering found; `certificate` is called for every path certificate. */
export interface EvidenceSink {
  certificate(c: Certificate): void;
  /** A DER OCSPResponse. */
  ocsp(der: Uint8Array): void;
  /** A DER CRL. */
  crl(der: Uint8Array): void;
}

export interface GatherOptions {
  readonly anchors: readonly Certificate[];
  /** Revocation data obtained out of band, used where it applies. */
  readonly ocsp?: readonly Uint8Array[];
  readonly crls?: readonly Uint8Array[];
  readonly revocationSource?: RevocationSource;
  readonly signal?: AbortSignal;
  /** The crypto backend and caches of the path and revocation checks. Default: `defaultContext`. */
  readonly context?: ShomeiContext;
}

/**
 * Gathers for the path of `cert` at `time` into `material` and `sink`; returns what could not be
 * proven fresh (one line per certificate), empty when the path is covered.
 */
export async function gatherPath(
  cert: Certificate,
  time: Date,
  material: EvidenceMaterial,
  sink: EvidenceSink,
  o: GatherOptions,
): Promise<string[]> {
  const r = await validatePath(cert, {
    trustAnchors: o.anchors,
    intermediates: material.certificates,
    time,
    revocation: 'off',
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.context ? { context: o.context } : {}),
  });
  const path = r.path.map((e) => e.certificate);
  const anchored = r.path.at(-1)?.trustAnchor === true;
  for (const c of path) {
    // The sink keeps each certificate once (the format knows what it already carries).
    sink.certificate(c);
    addCertificate(material, c);
  }
  const candidates = [...material.certificates, ...o.anchors];
  const missing: string[] = [];
  const upTo = anchored ? path.length - 1 : path.length;
  for (let i = 0; i < upTo; i++) {
    throwIfAborted(o.signal);
    const c = path[i]!;
    const issuer = path[i + 1];
    if (!issuer) {
      missing.push(`"${c.subject.text}": its issuer was not found`);
      continue;
    }
    const have = await revocationAt(c, issuer, time, material, candidates, o.context);
    if (have.decisive?.fresh || have.decisive?.status === 'revoked') continue;
    if (await fetchOne(c, issuer, time, material, sink, o, candidates)) continue;
    missing.push(
      `"${c.subject.text}" (serial ${c.serialHex}): no revocation data issued after ${time.toISOString()}`,
    );
  }
  return missing;
}

/** Supplied data first, then the source's OCSP, then its CRLs; records the first that answers. */
async function fetchOne(
  c: Certificate,
  issuer: Certificate,
  time: Date,
  material: EvidenceMaterial,
  sink: EvidenceSink,
  o: GatherOptions,
  candidates: readonly Certificate[],
): Promise<boolean> {
  const answers = async (one: EvidenceMaterial) => {
    const f = await revocationAt(c, issuer, time, one, candidates, o.context);
    return f.decisive !== undefined && (f.decisive.fresh || f.decisive.status === 'revoked');
  };
  const useOcsp = (der: Uint8Array) => {
    sink.ocsp(der);
    material.ocsp.push(der);
  };
  const useCrl = (der: Uint8Array) => {
    if (!material.crls.includes(der)) {
      sink.crl(der);
      material.crls.push(der);
    }
  };
  for (const der of o.ocsp ?? []) {
    if (await answers({ certificates: [], crls: [], ocsp: [der] })) {
      useOcsp(der);
      return true;
    }
  }
  for (const der of o.crls ?? []) {
    if (await answers({ certificates: [], crls: [der], ocsp: [] })) {
      useCrl(der);
      return true;
    }
  }
  const so = o.signal ? { signal: o.signal } : {};
  const ocsp = await o.revocationSource?.ocsp?.(c, issuer, so);
  if (ocsp && (await answers({ certificates: [], crls: [], ocsp: [ocsp] }))) {
    useOcsp(ocsp);
    return true;
  }
  for (const der of (await o.revocationSource?.crls?.(c, so)) ?? []) {
    if (await answers({ certificates: [], crls: [der], ocsp: [] })) {
      useCrl(der);
      return true;
    }
  }
  return false;
}

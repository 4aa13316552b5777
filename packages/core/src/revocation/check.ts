/**
 * Revocation of a validated path under the revocation policy (issue 6 §4, design.md §4): OCSP first
 * with CRL fallback (configurable), `require` / `prefer` / `off`. The trust anchor is not checked.
 */
import type { CoreErrorCode } from '../errors.js';
import { throwIfAborted } from '../errors.js';
import type { PathFailure, RevocationOptions, RevocationStatus } from '../path/types.js';
import type { Certificate } from '../x509/certificate.js';
import { checkCrls } from './crl-check.js';
import type { CrlIndex } from './crl-index.js';
import { fetchCrlsFor, fetchOcspFor } from './fetch.js';
import { type OcspResponse, parseOcspResponse, verifyOcspResponse } from './ocsp.js';
import type { SourceOutcome } from './outcome.js';

export interface RevocationContext {
  readonly crls: readonly CrlIndex[];
  readonly ocsp: readonly Uint8Array[];
  readonly time: Date;
  readonly options: RevocationOptions & { readonly mode: 'require' | 'prefer' | 'off' };
  /** Certificates that may sign CRLs or be CRL issuers (intermediates and anchors). */
  readonly pool: readonly Certificate[];
  readonly signal?: AbortSignal;
  /** Validates the path of a CRL signer distinct from the certificate's issuer. */
  validateSigner(signer: Certificate): Promise<boolean>;
}

export interface RevocationResult {
  /** One status per certificate of the path except the trust anchor (leaf first). */
  readonly statuses: RevocationStatus[];
  readonly failures: PathFailure[];
  readonly warnings: string[];
}

const parsedOcsp = new WeakMap<Uint8Array, OcspResponse | Error>();
function parseAll(list: readonly Uint8Array[]): { responses: OcspResponse[]; errors: Error[] } {
  const responses: OcspResponse[] = [];
  const errors: Error[] = [];
  for (const der of list) {
    let r = parsedOcsp.get(der);
    if (!r) {
      try {
        r = parseOcspResponse(der);
      } catch (e) {
        r = e as Error;
      }
      parsedOcsp.set(der, r);
    }
    if (r instanceof Error) errors.push(r);
    else responses.push(r);
  }
  return { responses, errors };
}

/** Throws `OCSP_MALFORMED` when one of the given OCSP responses cannot be read (input validation). */
export function ensureOcspReadable(list: readonly Uint8Array[]): void {
  const { errors } = parseAll(list);
  if (errors[0]) throw errors[0];
}

export async function checkRevocation(
  path: readonly Certificate[],
  ctx: RevocationContext,
): Promise<RevocationResult> {
  const n = path.length - 1;
  const statuses: RevocationStatus[] = [];
  const failures: PathFailure[] = [];
  const warnings: string[] = [];
  const { mode } = ctx.options;
  if (mode === 'off') {
    for (let i = 0; i < n; i++)
      statuses.push({ status: 'unknown', source: null, detail: 'not checked (revocation off)' });
    if (n > 0) warnings.push('revocation was not checked (revocation off)');
    return { statuses, failures, warnings };
  }
  const order = ctx.options.order ?? ['ocsp', 'crl'];
  const { responses } = parseAll(ctx.ocsp);
  const candidates = [...path, ...ctx.pool];
  for (let i = 0; i < n; i++) {
    throwIfAborted(ctx.signal);
    const cert = path[i]!;
    const issuer = path[i + 1]!;
    let status: RevocationStatus | undefined;
    let sourceFailure: { code: CoreErrorCode; detail: string } | undefined;
    const take = (o: SourceOutcome): boolean => {
      if (o.kind === 'status' && o.status.status !== 'unknown') {
        status = o.status;
        return true;
      }
      if (o.kind === 'failed') sourceFailure ??= { code: o.code, detail: o.detail };
      return false;
    };
    for (const source of order) {
      if (source === 'ocsp') {
        let done = false;
        for (const r of responses) {
          const o = await verifyOcspResponse(r, cert, issuer, { time: ctx.time });
          // A response about other certificates is not a failed source for this one.
          if (o.kind === 'failed' && o.code === 'OCSP_CERT_MISMATCH') continue;
          if (take(o)) {
            done = true;
            break;
          }
        }
        if (!done && ctx.options.fetch) {
          const o = await fetchOcspFor(cert, issuer, ctx);
          done = take(o);
        }
        if (done) break;
      } else {
        let o = await checkCrls(cert, issuer, ctx.crls, {
          time: ctx.time,
          candidates,
          validateCrlSigner: ctx.validateSigner,
        });
        if (o.kind !== 'status' && ctx.options.fetch) {
          const fetched = await fetchCrlsFor(cert, ctx);
          if (fetched.kind === 'failed') take(fetched);
          else if (fetched.crls.length) {
            o = await checkCrls(cert, issuer, [...ctx.crls, ...fetched.crls], {
              time: ctx.time,
              candidates,
              validateCrlSigner: ctx.validateSigner,
            });
          }
        }
        if (take(o)) break;
      }
    }
    if (status) {
      // A conclusive answer from one source wins over a failure of another (OCSP first, CRL fallback).
      statuses.push(status);
      if (status.status === 'revoked') {
        failures.push({
          index: i,
          code: 'CERT_REVOKED',
          detail: `revoked${status.reason ? ` (${status.reason})` : ''} at ${status.revokedAt?.toISOString() ?? 'an unknown time'} according to ${status.source === 'ocsp' ? 'OCSP' : 'the CRL'}`,
        });
      }
      continue;
    }
    if (sourceFailure) {
      statuses.push({ status: 'unknown', source: null, detail: sourceFailure.detail });
      failures.push({ index: i, code: sourceFailure.code, detail: sourceFailure.detail });
      continue;
    }
    statuses.push({ status: 'unknown', source: null, detail: 'not checked: no CRL or OCSP response for it' });
    if (mode === 'require') {
      failures.push({
        index: i,
        code: 'REVOCATION_UNKNOWN',
        detail: 'no conclusive revocation status (revocation required)',
      });
    } else {
      warnings.push(`revocation of "${cert.subject.text}" was not checked: no CRL or OCSP response for it`);
    }
  }
  return { statuses, failures, warnings };
}

export type { OcspResponse };

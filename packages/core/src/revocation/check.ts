/**
 * Revocation of a validated path under the revocation policy (design.md §4): `require` / `prefer` /
 * `off`. Every CRL and OCSP response given is consulted; fetching (opt-in) follows `order` and only
 * when what was given is not conclusive. The trust anchor is not checked.
 *
 * Deciding between pieces of evidence: a permanent revocation (any reason but certificateHold) from
 * any valid source stands — a `good` never overrides it, whatever its age; otherwise the freshest
 * conclusive evidence (latest thisUpdate) decides, so a newer hold beats an older `good` and a newer
 * release beats an older hold. On equal times a revocation wins.
 */
import { throwIfAborted } from '../errors.js';
import type { Certificate } from '../x509/certificate.js';
import { ContentMemo, contextSlot, defaultContext, type ShomeiContext } from '../x509/context.js';
import type { ValidationProfile } from '../x509/profile.js';
import type { SignaturePolicy } from '../x509/verify.js';
import { type CrlCheckContext, checkCrls } from './crl-check.js';
import type { CrlIndex } from './crl-index.js';
import { fetchCrlsFor, fetchOcspFor } from './fetch.js';
import { type OcspResponse, parseOcspResponse, verifyOcspResponse } from './ocsp.js';
import type { SourceOutcome } from './outcome.js';
import type {
  RevocationFailure,
  RevocationOptions,
  RevocationSourceErrorCode,
  RevocationStatus,
} from './types.js';

/** The default order of sources (RevocationOptions.order). */
const DEFAULT_ORDER: readonly ('ocsp' | 'crl')[] = ['ocsp', 'crl'];
const NO_RESPONSES: readonly OcspResponse[] = [];

export interface RevocationContext {
  readonly crls: readonly CrlIndex[];
  readonly ocsp: readonly Uint8Array[];
  readonly time: Date;
  readonly options: RevocationOptions & { readonly mode: 'require' | 'prefer' | 'off' };
  /** Certificates that may sign CRLs or be CRL issuers (intermediates and anchors). */
  readonly pool: readonly Certificate[];
  readonly signal?: AbortSignal;
  /** Algorithm policy for CRL and OCSP signatures. */
  readonly algorithms?: SignaturePolicy;
  /** CRL profile (§5.2.3 cRLNumber rules): `strict` (default) or `lenient`. */
  readonly profile?: ValidationProfile;
  /** Validates the path of a CRL signer distinct from the certificate's issuer. */
  validateSigner(signer: Certificate): Promise<boolean>;
  /** The crypto backend and caches to use. Default: `defaultContext`. */
  readonly context?: ShomeiContext;
}

export interface RevocationResult {
  /** One status per certificate of the path except the trust anchor (leaf first). */
  readonly statuses: RevocationStatus[];
  readonly failures: RevocationFailure[];
  readonly warnings: string[];
}

/** OCSP responses given as bytes, parsed once per context and found again by content. */
const PARSED_OCSP = contextSlot<ContentMemo<OcspResponse | Error>>('parsed OCSP responses');
function parseAll(
  list: readonly Uint8Array[],
  context: ShomeiContext,
): { responses: OcspResponse[]; errors: Error[] } {
  const responses: OcspResponse[] = [];
  const errors: Error[] = [];
  const memo = context.slot(PARSED_OCSP, () => new ContentMemo(1024, 16 * 1024 * 1024));
  for (const der of list) {
    const r = memo.get(der, (copy) => {
      try {
        return parseOcspResponse(copy);
      } catch (e) {
        return e as Error;
      }
    });
    if (r instanceof Error) errors.push(r);
    else responses.push(r);
  }
  return { responses, errors };
}

/**
 * The result of `checkRevocation` with revocation off, without its machinery: every certificate but
 * the trust anchor "unknown, not checked", and a warning saying so. Synchronous, for callers that
 * know the mode before building a RevocationContext.
 */
export function revocationOff(path: readonly Certificate[]): RevocationResult {
  const n = path.length - 1;
  const statuses: RevocationStatus[] = [];
  for (let i = 0; i < n; i++)
    statuses.push({ status: 'unknown', source: null, detail: 'not checked (revocation off)' });
  return { statuses, failures: [], warnings: n > 0 ? ['revocation was not checked (revocation off)'] : [] };
}

/** Throws `OCSP_MALFORMED` when one of the given OCSP responses cannot be read (input validation). */
export function ensureOcspReadable(
  list: readonly Uint8Array[],
  context: ShomeiContext = defaultContext,
): void {
  const { errors } = parseAll(list, context);
  if (errors[0]) throw errors[0];
}

export async function checkRevocation(
  path: readonly Certificate[],
  ctx: RevocationContext,
): Promise<RevocationResult> {
  if (ctx.options.mode === 'off') return revocationOff(path);
  const { mode } = ctx.options;
  const n = path.length - 1;
  const statuses: RevocationStatus[] = [];
  const failures: RevocationFailure[] = [];
  const warnings: string[] = [];
  const order = ctx.options.order ?? DEFAULT_ORDER;
  const context = ctx.context ?? defaultContext;
  const { responses } = parseAll(ctx.ocsp, context);
  const candidates = [...path, ...ctx.pool];
  // The same for every certificate of the path: built once (plain assignments, no spreads).
  const crlContext: { -readonly [K in keyof CrlCheckContext]: CrlCheckContext[K] } = {
    time: ctx.time,
    candidates,
    // Bound: a RevocationContext may implement validateSigner as a method that uses `this`.
    validateCrlSigner: ctx.validateSigner.bind(ctx),
    context,
  };
  if (ctx.algorithms) crlContext.algorithms = ctx.algorithms;
  if (ctx.profile) crlContext.profile = ctx.profile;
  const ocspOptions: { time: Date; context: ShomeiContext; maxAgeMs?: number; algorithms?: SignaturePolicy } =
    {
      time: ctx.time,
      context,
    };
  if (ctx.options.ocspMaxAgeMs !== undefined) ocspOptions.maxAgeMs = ctx.options.ocspMaxAgeMs;
  if (ctx.algorithms) ocspOptions.algorithms = ctx.algorithms;
  const useOcsp = order.includes('ocsp');
  const useCrl = order.includes('crl');
  for (let i = 0; i < n; i++) {
    throwIfAborted(ctx.signal);
    const cert = path[i]!;
    const issuer = path[i + 1]!;
    let status: RevocationStatus | undefined;
    const gathered: Gathered = { evidence: [], failure: undefined };
    // Everything given is evidence: every OCSP response and every CRL, not the first that answers.
    let conclusive = false;
    for (const r of useOcsp ? responses : NO_RESPONSES) {
      const o = await verifyOcspResponse(r, cert, issuer, ocspOptions);
      // A response about other certificates is not a failed source for this one.
      if (o.kind === 'failed' && o.code === 'OCSP_CERT_MISMATCH') continue;
      if (gather(gathered, o)) conclusive = true;
    }
    if (useCrl && gather(gathered, await checkCrls(cert, issuer, ctx.crls, crlContext))) conclusive = true;
    if (!conclusive && ctx.options.fetch) {
      for (const source of order) {
        if (source === 'ocsp') {
          if (gather(gathered, await fetchOcspFor(cert, issuer, ctx))) break;
        } else {
          const fetched = await fetchCrlsFor(cert, ctx);
          if (fetched.kind === 'failed') gather(gathered, fetched);
          else if (
            fetched.crls.length &&
            gather(gathered, await checkCrls(cert, issuer, [...ctx.crls, ...fetched.crls], crlContext))
          )
            break;
        }
      }
    }
    // Evidence in `order` of sources (one source gave all of it in the common case: no reordering).
    status = decide(
      gathered.evidence.length < 2
        ? gathered.evidence
        : order.flatMap((source) => gathered.evidence.filter((e) => e.source === source)),
    );
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
    const sourceFailure = gathered.failure;
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

/** What the sources said of one certificate: conclusive evidence, and the first failure. */
interface Gathered {
  readonly evidence: { status: RevocationStatus; at: number; source: 'ocsp' | 'crl' }[];
  failure: { code: RevocationSourceErrorCode; detail: string } | undefined;
}

/** Records one source's outcome; true when it is conclusive (a status other than unknown). */
function gather(g: Gathered, o: SourceOutcome): boolean {
  if (o.kind === 'status' && o.status.status !== 'unknown') {
    g.evidence.push({
      status: o.status,
      at: o.evidenceTime?.getTime() ?? Number.NEGATIVE_INFINITY,
      source: o.status.source ?? 'crl',
    });
    return true;
  }
  if (o.kind === 'failed') g.failure ??= { code: o.code, detail: o.detail };
  return false;
}

const isPermanent = (s: RevocationStatus): boolean =>
  s.status === 'revoked' && s.reason !== 'certificateHold';

/**
 * The status the evidence (in `order` of sources) supports; see the module comment for the rule.
 * When all pieces agree, the first source in `order` is reported.
 */
function decide(evidence: readonly { status: RevocationStatus; at: number }[]): RevocationStatus | undefined {
  const permanent = evidence.find((e) => isPermanent(e.status));
  if (permanent) return permanent.status;
  let best = evidence[0];
  for (const e of evidence) {
    if (e.status.status === best!.status.status) continue;
    if (e.at > best!.at || (e.at === best!.at && e.status.status === 'revoked')) best = e;
  }
  return best?.status;
}

export type { OcspResponse };

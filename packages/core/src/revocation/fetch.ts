/**
 * Opt-in fetching of CRLs (cRLDistributionPoints) and OCSP responses (AIA id-ad-ocsp) over HTTP with
 * the global `fetch`, so it works in browsers and Node alike: a timeout, a size limit, and a cache the
 * caller owns that honours nextUpdate (OCSP keyed by CertID, CRLs by URL).
 */
import { toBase64 } from '../der/bytes.js';
import { coreError, isShomeiError } from '../errors.js';
import type { Certificate } from '../x509/certificate.js';
import { contextSlot, defaultContext, type ShomeiContext } from '../x509/context.js';
import { AD_OID } from '../x509/oids.js';
import { CrlIndex } from './crl-index.js';
import {
  buildOcspRequest,
  certIdKey,
  type OcspResponse,
  parseOcspResponse,
  verifyOcspResponse,
} from './ocsp.js';
import type { SourceOutcome } from './outcome.js';
import type { RevocationOptions, RevocationSourceErrorCode } from './types.js';

export interface FetchOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
  readonly method?: 'GET' | 'POST';
  readonly body?: Uint8Array;
  readonly contentType?: string;
}

/** GET or POST `url` and return the body, enforcing the timeout and the size limit. */
export async function fetchBytes(url: string, options: FetchOptions = {}): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url))
    throw coreError('INPUT_INVALID', `Only http(s) URLs can be fetched: ${url}`);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? anySignal(options.signal, timeout) : timeout;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  let res: Response;
  try {
    res = await fetch(url, {
      method: options.method ?? 'GET',
      signal,
      ...(options.body
        ? {
            body: options.body as Uint8Array<ArrayBuffer>,
            headers: { 'content-type': options.contentType ?? 'application/octet-stream' },
          }
        : {}),
    });
  } catch (cause) {
    if (timeout.aborted) throw coreError('TIMEOUT', `Fetching ${url} timed out.`, { cause });
    if (options.signal?.aborted) throw coreError('ABORTED', undefined, { cause });
    throw coreError(
      'FETCH_FAILED',
      `Fetching ${url} failed: ${(cause as Error)?.message ?? String(cause)}.`,
      { cause },
    );
  }
  if (!res.ok)
    throw coreError('FETCH_FAILED', `Fetching ${url} returned HTTP ${res.status}.`, {
      details: { status: res.status },
    });
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw coreError('INPUT_INVALID', `${url} is larger than ${maxBytes} bytes.`);
  const reader = res.body?.getReader();
  if (!reader) return new Uint8Array(await res.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw coreError('INPUT_INVALID', `${url} is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** `AbortSignal.any` where it exists (Node 20.3+, current browsers), a small equivalent elsewhere. */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const c = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

interface Ctx {
  readonly time: Date;
  readonly options: RevocationOptions;
  readonly signal?: AbortSignal;
  readonly context?: ShomeiContext;
}

export interface RevocationFetchCacheOptions {
  /** Entries kept per kind (OCSP responses, CRLs); the oldest is dropped first. Default 256. */
  readonly maxEntries?: number;
  /** How long a CRL without nextUpdate is reused, in milliseconds. Default one hour. */
  readonly crlWithoutNextUpdateMs?: number;
}

/**
 * Fetched revocation data, owned by whoever creates it (a portal per process, a test per test):
 * pass it as `fetchCache` in the revocation options. An OCSP response is kept until its nextUpdate
 * and never when it has none (RFC 6960 §2.4: without nextUpdate newer information is always
 * available); a CRL until its nextUpdate (RFC 5280 §5.1.2.5), or `crlWithoutNextUpdateMs`. Times are
 * compared with the validation time, so a fake clock in a test sees the cache expire.
 */
export class RevocationFetchCache {
  readonly #ocsp = new Map<string, { response: OcspResponse; until: number }>();
  readonly #crl = new Map<string, { crl: CrlIndex; until: number }>();
  readonly #max: number;
  readonly #crlTtl: number;

  constructor(options: RevocationFetchCacheOptions = {}) {
    this.#max = options.maxEntries ?? 256;
    this.#crlTtl = options.crlWithoutNextUpdateMs ?? 60 * 60_000;
  }

  /** Entries held now (OCSP responses and CRLs). */
  get size(): number {
    return this.#ocsp.size + this.#crl.size;
  }

  /** Forgets everything (after a revocation a test wants to see at once, or a configuration change). */
  clear(): void {
    this.#ocsp.clear();
    this.#crl.clear();
  }

  ocsp(key: string, now: number): OcspResponse | undefined {
    return fresh(this.#ocsp, key, now)?.response;
  }

  rememberOcsp(key: string, response: OcspResponse, nextUpdate: Date | undefined): void {
    if (nextUpdate === undefined) return;
    remember(this.#ocsp, key, { response, until: nextUpdate.getTime() }, this.#max);
  }

  crl(url: string, now: number): CrlIndex | undefined {
    return fresh(this.#crl, url, now)?.crl;
  }

  rememberCrl(url: string, crl: CrlIndex, now: number): void {
    remember(this.#crl, url, { crl, until: crl.nextUpdate?.getTime() ?? now + this.#crlTtl }, this.#max);
  }
}

function fresh<V extends { until: number }>(map: Map<string, V>, key: string, now: number): V | undefined {
  const entry = map.get(key);
  if (!entry) return undefined;
  if (entry.until > now) return entry;
  map.delete(key);
  return undefined;
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/**
 * The cache used when the options name none: the context's own (so it lives and dies with the
 * context), with the expiry rules above. Pass `fetchCache: null` to fetch every time, or your own
 * RevocationFetchCache to control its lifetime apart from the context.
 */
const FETCHED = contextSlot<RevocationFetchCache>('fetched revocation data');

/** The fetch cache a context uses when the revocation options name none. */
export const contextFetchCache = (context: ShomeiContext): RevocationFetchCache =>
  context.slot(FETCHED, () => new RevocationFetchCache());

const cacheOf = (ctx: Ctx): RevocationFetchCache | undefined =>
  ctx.options.fetchCache === null
    ? undefined
    : (ctx.options.fetchCache ?? contextFetchCache(ctx.context ?? defaultContext));

const failed = (code: RevocationSourceErrorCode, cause: unknown): SourceOutcome => ({
  kind: 'failed',
  code,
  detail: isShomeiError(cause) ? cause.message : String(cause),
});

/** Queries the certificate's OCSP responder (POST, falling back to GET per RFC 6960 Appendix A). */
export async function fetchOcspFor(cert: Certificate, issuer: Certificate, ctx: Ctx): Promise<SourceOutcome> {
  const urls = (cert.authorityInfoAccess ?? []).flatMap((a) =>
    a.method === AD_OID.ocsp && a.location.type === 'uniformResourceIdentifier' ? [a.location.value] : [],
  );
  if (urls.length === 0) return { kind: 'none' };
  const request = await buildOcspRequest(cert, issuer);
  const key = certIdKey(request.certId);
  const cache = cacheOf(ctx);
  const cached = cache?.ocsp(key, ctx.time.getTime());
  if (cached)
    return verifyOcspResponse(cached, cert, issuer, {
      time: ctx.time,
      context: ctx.context ?? defaultContext,
    });
  let last: SourceOutcome = { kind: 'none' };
  for (const url of urls) {
    try {
      const opts = {
        timeoutMs: ctx.options.fetchTimeoutMs ?? 10_000,
        maxBytes: ctx.options.maxFetchBytes ?? 1024 * 1024,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      };
      let body: Uint8Array;
      try {
        body = await fetchBytes(url, {
          ...opts,
          method: 'POST',
          body: request.der,
          contentType: 'application/ocsp-request',
        });
      } catch (e) {
        if (isShomeiError(e) && e.code === 'ABORTED') throw e;
        body = await fetchBytes(
          `${url.replace(/\/$/, '')}/${encodeURIComponent(toBase64(request.der))}`,
          opts,
        );
      }
      const response = parseOcspResponse(body);
      const outcome = await verifyOcspResponse(response, cert, issuer, {
        time: ctx.time,
        context: ctx.context ?? defaultContext,
      });
      if (outcome.kind === 'status') {
        const single = response.responses.find((s) => certIdKey(s.certId) === key);
        cache?.rememberOcsp(key, response, single?.nextUpdate);
        return outcome;
      }
      last = outcome;
    } catch (e) {
      if (isShomeiError(e) && e.code === 'ABORTED') throw e;
      last = failed(
        isShomeiError(e) && e.code === 'OCSP_MALFORMED' ? 'OCSP_MALFORMED' : 'OCSP_FETCH_FAILED',
        e,
      );
    }
  }
  return last;
}

/** Fetches the CRLs named in the certificate's cRLDistributionPoints (http URIs only). */
export async function fetchCrlsFor(
  cert: Certificate,
  ctx: Ctx,
): Promise<
  { kind: 'ok'; crls: CrlIndex[] } | { kind: 'failed'; code: RevocationSourceErrorCode; detail: string }
> {
  const urls = (cert.crlDistributionPoints ?? []).flatMap((dp) =>
    dp.distributionPoint?.type === 'fullName'
      ? dp.distributionPoint.names.flatMap((n) =>
          n.type === 'uniformResourceIdentifier' && /^https?:/i.test(n.value) ? [n.value] : [],
        )
      : [],
  );
  const crls: CrlIndex[] = [];
  let failure: { kind: 'failed'; code: RevocationSourceErrorCode; detail: string } | undefined;
  const cache = cacheOf(ctx);
  for (const url of urls) {
    const cached = cache?.crl(url, ctx.time.getTime());
    if (cached) {
      crls.push(cached);
      continue;
    }
    try {
      const der = await fetchBytes(url, {
        timeoutMs: ctx.options.fetchTimeoutMs ?? 10_000,
        maxBytes: ctx.options.maxFetchBytes ?? 64 * 1024 * 1024,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const crl = CrlIndex.from(der);
      cache?.rememberCrl(url, crl, ctx.time.getTime());
      crls.push(crl);
    } catch (e) {
      if (isShomeiError(e) && e.code === 'ABORTED') throw e;
      failure ??= {
        kind: 'failed',
        code: 'CRL_FETCH_FAILED',
        detail: isShomeiError(e) ? e.message : String(e),
      };
    }
  }
  if (crls.length === 0 && failure) return failure;
  return { kind: 'ok', crls };
}

/**
 * Empties the fetch cache of `defaultContext` (`@shomei/core/node`'s version also that of
 * `nodeContext`). Prefer a context or a RevocationFetchCache of your own, whose lifetime you control.
 */
export function clearRevocationFetchCaches(): void {
  contextFetchCache(defaultContext).clear();
}

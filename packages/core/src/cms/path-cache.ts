/**
 * An opt-in cache of `validatePath` results for portals that verify many signatures under the same
 * few chains. A result is reused only for the same signer certificate, the same trust anchors,
 * intermediates, CRL and OCSP inputs (the same objects; a byte array must also hold the same bytes as
 * when it was first seen, so a buffer overwritten in place is a new input), revocation mode and
 * policy, and — when the
 * validation time is "now" — for at most `maxAgeMs` after it was computed and while every
 * certificate on its path is inside its validity period. An explicit `time` is matched exactly.
 */

import type { PathResult, ValidatePathOptions } from '../path/types.js';
import type { Certificate } from '../x509/certificate.js';
import { sameContent } from '../x509/same-content.js';

export interface PathResultCacheOptions {
  /** How long a result computed for "now" stays usable. Default 60 000 ms (1 minute). */
  maxAgeMs?: number;
  /** Entries kept per signer certificate. Default 16. */
  maxEntriesPerCertificate?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  readonly key: string;
  readonly at: number;
  readonly result: PathResult;
}

export class PathResultCache {
  readonly #entries = new WeakMap<Certificate, Entry[]>();
  readonly #ids = new WeakMap<object, { readonly id: number; readonly bytes?: Uint8Array }>();
  #nextId = 1;
  readonly #maxAge: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: PathResultCacheOptions = {}) {
    this.#maxAge = options.maxAgeMs ?? 60_000;
    this.#max = options.maxEntriesPerCertificate ?? 16;
    this.#now = options.now ?? Date.now;
  }

  // Objects are told apart by identity; a byte array also by its content, checked against a private
  // copy on every use: the caller may reuse the buffer for other bytes, which must not find the
  // results computed for the old ones (the cost is one comparison of the bytes per call).
  #id(x: object | undefined): number {
    if (x === undefined) return 0;
    const known = this.#ids.get(x);
    if (known && (!(x instanceof Uint8Array) || sameContent(known.bytes!, x))) return known.id;
    const id = this.#nextId++;
    this.#ids.set(x, x instanceof Uint8Array ? { id, bytes: x.slice() } : { id });
    return id;
  }

  /** The ids of a list's elements, in order (`,`-terminated, so no two lists share a rendering). */
  #list(xs: readonly object[] | undefined): string {
    if (!xs) return '';
    let out = '';
    for (let i = 0; i < xs.length; i++) out += `${this.#id(xs[i]!)},`;
    return out;
  }

  #key(o: ValidatePathOptions): string {
    // Everything that can change the result: inputs by id, then the options, JSON only where set.
    // Built by appending (no per-call template of every part): this runs on every cached verify.
    let key = this.#list(o.trustAnchors);
    key += '|';
    key += this.#list(o.intermediates);
    key += '|';
    key += this.#list(o.crls);
    key += '|';
    key += this.#list(o.ocsp);
    key += '|';
    if (o.context !== undefined) key += this.#id(o.context);
    key += '|';
    if (o.revocation !== undefined) {
      key += typeof o.revocation === 'object' ? JSON.stringify(o.revocation) : o.revocation;
    }
    key += '|';
    if (o.policy) key += JSON.stringify(o.policy);
    key += '|';
    key += o.time ? o.time.getTime() : 'now';
    key += '|';
    if (
      o.profile !== undefined ||
      o.trustAnchorMode !== undefined ||
      o.maxIntermediates !== undefined ||
      o.budget !== undefined ||
      o.allowCaLeaf !== undefined ||
      o.algorithms !== undefined
    ) {
      key += JSON.stringify([
        o.profile,
        o.trustAnchorMode,
        o.maxIntermediates,
        o.budget,
        o.allowCaLeaf,
        o.algorithms,
      ]);
    }
    return key;
  }

  /** The cached result for this validation, or the one `compute` produces (then cached). */
  get(
    cert: Certificate,
    options: ValidatePathOptions,
    compute: () => Promise<PathResult> | PathResult,
  ): Promise<PathResult> {
    const r = this.resolve(cert, options, compute);
    return r instanceof Promise ? r : Promise.resolve(r);
  }

  /**
   * As `get`, but a hit is returned as the result itself, with no promise: the verifiers await only
   * when `compute` had to run (one promise and one microtask less per cached verification).
   */
  resolve(
    cert: Certificate,
    options: ValidatePathOptions,
    compute: () => Promise<PathResult> | PathResult,
  ): PathResult | Promise<PathResult> {
    const key = this.#key(options);
    const now = this.#now();
    const list = this.#entries.get(cert);
    if (list) {
      for (const e of list) {
        if (e.key === key) {
          if (options.time || this.#fresh(e, now)) return e.result;
          break;
        }
      }
    }
    return this.#compute(cert, key, now, compute);
  }

  async #compute(
    cert: Certificate,
    key: string,
    now: number,
    compute: () => Promise<PathResult> | PathResult,
  ): Promise<PathResult> {
    const result = await compute();
    // Read the list again after the await: another verification may have stored entries meanwhile.
    const fresh = (this.#entries.get(cert) ?? []).filter((e) => e.key !== key);
    fresh.unshift({ key, at: now, result });
    this.#entries.set(cert, fresh.slice(0, this.#max));
    return result;
  }

  #fresh(e: Entry, now: number): boolean {
    if (now - e.at > this.#maxAge || now < e.at) return false;
    for (const p of e.result.path) {
      if (p.notBefore.getTime() > now || now > p.notAfter.getTime()) return false;
    }
    return true;
  }
}

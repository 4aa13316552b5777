/**
 * An opt-in cache of `validatePath` results for portals that verify many signatures under the same
 * few chains. A result is reused only for the same signer certificate, the same trust anchors,
 * intermediates, CRL and OCSP inputs (the same objects; a byte array must also hold the same bytes as
 * when it was first seen, so a buffer overwritten in place is a new input), revocation mode and
 * policy, and — when the
 * validation time is "now" — for at most `maxAgeMs` after it was computed and while every
 * certificate on its path is inside its validity period. An explicit `time` is matched exactly.
 */

import { bytesEqual } from '../der/bytes.js';
import type { PathResult, ValidatePathOptions } from '../path/types.js';
import type { Certificate } from '../x509/certificate.js';

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
    if (known && (!(x instanceof Uint8Array) || bytesEqual(known.bytes!, x))) return known.id;
    const id = this.#nextId++;
    this.#ids.set(x, x instanceof Uint8Array ? { id, bytes: x.slice() } : { id });
    return id;
  }

  /** The ids of a list's elements, in order (`,`-terminated, so no two lists share a rendering). */
  #list(xs: readonly object[] | undefined): string {
    let out = '';
    if (xs) for (const x of xs) out += `${this.#id(x)},`;
    return out;
  }

  #key(o: ValidatePathOptions): string {
    // Everything that can change the result: inputs by id, then the options, JSON only where set.
    const settings =
      o.profile === undefined &&
      o.trustAnchorMode === undefined &&
      o.maxIntermediates === undefined &&
      o.budget === undefined &&
      o.allowCaLeaf === undefined &&
      o.algorithms === undefined
        ? ''
        : JSON.stringify([
            o.profile,
            o.trustAnchorMode,
            o.maxIntermediates,
            o.budget,
            o.allowCaLeaf,
            o.algorithms,
          ]);
    const revocation = typeof o.revocation === 'object' ? JSON.stringify(o.revocation) : (o.revocation ?? '');
    return `${this.#list(o.trustAnchors)}|${this.#list(o.intermediates)}|${this.#list(o.crls)}|${this.#list(
      o.ocsp,
    )}|${this.#id(o.context)}|${revocation}|${o.policy ? JSON.stringify(o.policy) : ''}|${
      o.time ? o.time.getTime() : 'now'
    }|${settings}`;
  }

  /** The cached result for this validation, or the one `compute` produces (then cached). */
  async get(
    cert: Certificate,
    options: ValidatePathOptions,
    compute: () => Promise<PathResult> | PathResult,
  ): Promise<PathResult> {
    const key = this.#key(options);
    const now = this.#now();
    const list = this.#entries.get(cert) ?? [];
    const hit = list.find((e) => e.key === key);
    if (hit && (options.time || this.#fresh(hit, now))) return hit.result;
    const result = await compute();
    const fresh = list.filter((e) => e.key !== key);
    fresh.unshift({ key, at: now, result });
    this.#entries.set(cert, fresh.slice(0, this.#max));
    return result;
  }

  #fresh(e: Entry, now: number): boolean {
    if (now - e.at > this.#maxAge || now < e.at) return false;
    return e.result.path.every((p) => p.notBefore.getTime() <= now && now <= p.notAfter.getTime());
  }
}

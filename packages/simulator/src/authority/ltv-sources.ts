/**
 * The authority's TSA and OCSP responder as in-process sources for augmenting signatures to the
 * long-term levels (core's `augmentCms`), and a clock tests can move: issue and sign today, then
 * move the authority past the certificate's expiry and revoke it, without waiting years.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  buildOcspRequest,
  parseTimestampResponse,
  type RevocationSource,
  type TimestampSource,
  timestampRequest,
} from '@shomei/core';
import type { Authority } from './authority.js';
import type { IssuingCa } from './authority-state.js';

/** A clock for `Authority.create({ clock: c.now })` that tests set and advance. */
export class MovableClock {
  #t: number;
  constructor(start: Date = new Date()) {
    this.#t = start.getTime();
  }
  /** The current time (bound, so it can be passed as `clock`). */
  readonly now = (): Date => new Date(this.#t);
  set(time: Date): void {
    this.#t = time.getTime();
  }
  advance(ms: number): Date {
    this.#t += ms;
    return this.now();
  }
}

/** A TimestampSource answered by the authority's time-stamping unit at the authority's time (SHA-256). */
export function authorityTimestampSource(authority: Authority): TimestampSource {
  return async (data) => {
    const imprint = new Uint8Array(createHash('sha256').update(data).digest());
    const nonce = new Uint8Array(randomBytes(8));
    nonce[0]! &= 0x7f;
    return parseTimestampResponse(
      authority.respondTimestamp(timestampRequest('SHA-256', imprint, { nonce })),
    );
  };
}

/** A RevocationSource answered by the authority's OCSP responder and its published CRLs. */
export function authorityRevocationSource(authority: Authority): RevocationSource {
  return {
    async ocsp(cert, issuer) {
      const request = await buildOcspRequest(cert, issuer);
      return authority.respondOcsp(request.der);
    },
    async crls() {
      // A CA issues CRLs on a schedule; here a new generation is published on demand, so the answer
      // is issued now (what freshness asks for), like the OCSP responder's.
      authority.publishCrls();
      const out: Uint8Array[] = [];
      for (const id of ['root', 'sign', 'auth'] as IssuingCa[]) {
        try {
          out.push(authority.crl(id));
        } catch {
          // this authority has no such CA (no root)
        }
      }
      return out;
    },
  };
}

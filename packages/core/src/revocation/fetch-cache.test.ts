import { describe, expect, it } from 'vitest';
import type { CrlIndex } from './crl-index.js';
import { RevocationFetchCache } from './fetch.js';
import type { OcspResponse } from './ocsp.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3600_000;
const ocsp = {} as OcspResponse;
const crl = (nextUpdate?: Date) => ({ nextUpdate }) as unknown as CrlIndex;

describe('RevocationFetchCache', () => {
  it('never keeps an OCSP response without nextUpdate', () => {
    const cache = new RevocationFetchCache();
    cache.rememberOcsp('id', ocsp, undefined);
    expect(cache.ocsp('id', T0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps an OCSP response until its nextUpdate, measured on the validation clock', () => {
    const cache = new RevocationFetchCache();
    cache.rememberOcsp('id', ocsp, new Date(T0 + HOUR));
    expect(cache.ocsp('id', T0 + HOUR - 1)).toBe(ocsp);
    expect(cache.ocsp('id', T0 + HOUR)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps a CRL until its nextUpdate, and one without for the configured time', () => {
    const cache = new RevocationFetchCache({ crlWithoutNextUpdateMs: 10_000 });
    const dated = crl(new Date(T0 + HOUR));
    cache.rememberCrl('http://ca/a.crl', dated, T0);
    cache.rememberCrl('http://ca/b.crl', crl(), T0);
    expect(cache.crl('http://ca/a.crl', T0 + HOUR - 1)).toBe(dated);
    expect(cache.crl('http://ca/b.crl', T0 + 9_999)).toBeDefined();
    expect(cache.crl('http://ca/b.crl', T0 + 10_000)).toBeUndefined();
    expect(cache.crl('http://ca/a.crl', T0 + HOUR)).toBeUndefined();
  });

  it('belongs to its owner: two caches share nothing, and clear() empties one', () => {
    const a = new RevocationFetchCache();
    const b = new RevocationFetchCache();
    a.rememberOcsp('id', ocsp, new Date(T0 + HOUR));
    expect(b.ocsp('id', T0)).toBeUndefined();
    a.clear();
    expect(a.ocsp('id', T0)).toBeUndefined();
  });

  it('holds at most maxEntries per kind, dropping the oldest', () => {
    const cache = new RevocationFetchCache({ maxEntries: 2 });
    for (const k of ['1', '2', '3']) cache.rememberOcsp(k, ocsp, new Date(T0 + HOUR));
    expect(['1', '2', '3'].map((k) => cache.ocsp(k, T0) !== undefined)).toEqual([false, true, true]);
  });
});

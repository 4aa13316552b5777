import { describe, expect, it } from 'vitest';
import { acceptingPath } from '../../test/fake-path.js';
import { pki } from '../../test/pki.js';
import type { PathResult, ValidatePathOptions } from '../path/types.js';
import { parseCertificate } from '../x509/certificate.js';
import { ShomeiContext } from '../x509/context.js';
import { PathResultCache } from './path-cache.js';

const cert = parseCertificate(pki.signer);
const anchors = [pki.root];

function counting() {
  let calls = 0;
  const compute = (o: ValidatePathOptions) => () => {
    calls++;
    return acceptingPath(cert, o) as PathResult;
  };
  return { compute, calls: () => calls };
}

describe('PathResultCache', () => {
  it('reuses a result for the same certificate and inputs', async () => {
    const cache = new PathResultCache({ now: () => 1_800_000_000_000 });
    const c = counting();
    const o = { trustAnchors: anchors };
    await cache.get(cert, o, c.compute(o));
    await cache.get(cert, o, c.compute(o));
    expect(c.calls()).toBe(1);
  });

  it('resolve hands back a hit as the result itself and a miss as a promise, sharing entries with get', async () => {
    const cache = new PathResultCache({ now: () => 1_800_000_000_000 });
    const c = counting();
    const o = { trustAnchors: anchors };
    const miss = cache.resolve(cert, o, c.compute(o));
    expect(miss).toBeInstanceOf(Promise);
    const result = await miss;
    const hit = cache.resolve(cert, o, c.compute(o));
    expect(hit).toBe(result);
    await expect(cache.get(cert, o, c.compute(o))).resolves.toBe(result);
    expect(c.calls()).toBe(1);
    // A different revocation mode is a different key: computed again, as a promise.
    expect(cache.resolve(cert, { ...o, revocation: 'off' }, c.compute(o))).toBeInstanceOf(Promise);
  });

  it('recomputes after maxAge for validation at "now"', async () => {
    let now = 1_800_000_000_000;
    const cache = new PathResultCache({ now: () => now, maxAgeMs: 1000 });
    const c = counting();
    const o = { trustAnchors: anchors };
    await cache.get(cert, o, c.compute(o));
    now += 1001;
    await cache.get(cert, o, c.compute(o));
    expect(c.calls()).toBe(2);
  });

  it('recomputes when the trust anchors differ', async () => {
    const cache = new PathResultCache({ now: () => 1_800_000_000_000 });
    const c = counting();
    const o1 = { trustAnchors: anchors };
    const o2 = { trustAnchors: [pki.otherRoot] };
    await cache.get(cert, o1, c.compute(o1));
    await cache.get(cert, o2, c.compute(o2));
    expect(c.calls()).toBe(2);
  });

  it('recomputes when a trust anchor buffer is overwritten in place, and reuses while it is unchanged', async () => {
    const cache = new PathResultCache({ now: () => 1_800_000_000_000 });
    const c = counting();
    const buffer = pki.root.slice();
    const o = { trustAnchors: [buffer] };
    await cache.get(cert, o, c.compute({ trustAnchors: anchors }));
    await cache.get(cert, o, c.compute({ trustAnchors: anchors }));
    expect(c.calls()).toBe(1);
    buffer.set(pki.intermediate.subarray(0, Math.min(buffer.length, pki.intermediate.length)));
    await cache.get(cert, o, c.compute({ trustAnchors: anchors }));
    expect(c.calls()).toBe(2);
  });

  it('recomputes when the revocation mode differs', async () => {
    const cache = new PathResultCache({ now: () => 1_800_000_000_000 });
    const c = counting();
    const o1 = { trustAnchors: anchors, revocation: 'off' as const };
    const o2 = { trustAnchors: anchors, revocation: 'require' as const };
    await cache.get(cert, o1, c.compute(o1));
    await cache.get(cert, o2, c.compute(o2));
    expect(c.calls()).toBe(2);
  });

  it('recomputes when the algorithm policy, a strictness option or the context differs', async () => {
    const cache = new PathResultCache({ now: () => 1_800_000_000_000 });
    const c = counting();
    const variants: ValidatePathOptions[] = [
      { trustAnchors: anchors },
      { trustAnchors: anchors, algorithms: { allowSha1: true } },
      { trustAnchors: anchors, profile: 'lenient' },
      { trustAnchors: anchors, maxIntermediates: 0 },
      { trustAnchors: anchors, context: new ShomeiContext() },
    ];
    for (const o of variants) await cache.get(cert, o, c.compute(o));
    expect(c.calls()).toBe(variants.length);
    // Each is found again: a SHA-1 result never answers a call made under the default policy.
    for (const o of variants) await cache.get(cert, { ...o }, c.compute(o));
    expect(c.calls()).toBe(variants.length);
  });

  it('recomputes once "now" leaves a path certificate\'s validity', async () => {
    let now = 1_800_000_000_000;
    const cache = new PathResultCache({ now: () => now, maxAgeMs: Number.MAX_SAFE_INTEGER });
    const c = counting();
    const o = { trustAnchors: anchors };
    await cache.get(cert, o, c.compute(o));
    now = cert.notAfter.getTime() + 1;
    await cache.get(cert, o, c.compute(o));
    expect(c.calls()).toBe(2);
  });
});

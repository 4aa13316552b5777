import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShomeiError } from '../errors.js';
import { fromHex } from './bytes.js';
import { children, readChild, readOid, readRoot, readTime, readTlv, type Tlv } from './reader.js';
import { encodeOid, encodeTlv } from './writer.js';

describe('DER reader', () => {
  it('reads a SEQUENCE with two children', () => {
    const bytes = fromHex('3006 0201 05 0101 ff');
    const root = readRoot(bytes);
    expect(root.tag).toBe(0x30);
    expect(children(bytes, root).map((c) => c.tag)).toEqual([0x02, 0x01]);
  });

  it('rejects a length that runs past the parent', () => {
    expect(() => readRoot(fromHex('3005 020105'))).toThrowError(/runs past/);
  });

  it('rejects indefinite lengths unless BER is allowed', () => {
    const ber = fromHex('3080 020101 0000');
    expect(() => readRoot(ber)).toThrowError(/indefinite/);
    expect(readRoot(ber, { ber: true }).length).toBe(3);
  });

  it('decodes OIDs and round-trips them', () => {
    for (const oid of ['1.2.840.113549.1.1.11', '2.5.29.17', '1.2.392.200149.8.5.5.1', '2.999.3']) {
      const der = encodeOid(oid);
      expect(readOid(der, readRoot(der))).toBe(oid);
    }
  });

  it('decodes UTCTime and GeneralizedTime per RFC 5280', () => {
    const u = fromHex('170d 3235313031393134353935395a');
    expect(readTime(u, readRoot(u)).toISOString()).toBe('2025-10-19T14:59:59.000Z');
    const g = encodeTlv(0x18, new TextEncoder().encode('20500101000000Z'));
    expect(readTime(g, readRoot(g)).toISOString()).toBe('2050-01-01T00:00:00.000Z');
  });

  it('only ever throws DER_MALFORMED on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, ber) => {
        try {
          const t = readTlv(bytes, 0, bytes.length, { ber });
          expect(t.end).toBeLessThanOrEqual(bytes.length);
        } catch (e) {
          expect(isShomeiError(e) && e.code).toBe('DER_MALFORMED');
        }
      }),
      { numRuns: 2000, seed: 0x5107 },
    );
  });
});

describe('nested indefinite lengths (X.690 §8.1.3.6)', () => {
  /** `depth` nested `30 80` around `leaves` three-octet OCTET STRINGs, each level closed by 00 00. */
  function nested(depth: number, leaves: number): Uint8Array {
    const out = new Uint8Array(depth * 4 + leaves * 3);
    for (let i = 0; i < depth; i++) out.set([0x30, 0x80], i * 2);
    for (let k = 0; k < leaves; k++) out.set([0x04, 0x01, k & 0xff], depth * 2 + k * 3);
    return out;
  }

  /** The bytes behind a proxy that counts every octet the reader looks at. */
  function counted(bytes: Uint8Array): { view: Uint8Array; reads: () => number } {
    let reads = 0;
    const view = new Proxy(bytes, {
      get(target, key) {
        if (typeof key === 'string' && key.length > 0 && key.charCodeAt(0) <= 0x39) reads++;
        return Reflect.get(target, key);
      },
    });
    return { view, reads: () => reads };
  }

  /** Visits every element the way a parser does (children of children), without recursion. */
  function walk(bytes: Uint8Array, maxDepth?: number): { elements: number; leaves: number } {
    const options = { ber: true, ...(maxDepth ? { maxDepth } : {}) };
    const stack: Tlv[] = [readRoot(bytes, options)];
    let elements = 0;
    let leaves = 0;
    while (stack.length > 0) {
      const t = stack.pop()!;
      elements++;
      if (t.constructed) stack.push(...children(bytes, t, options));
      else leaves++;
    }
    return { elements, leaves };
  }

  it('a parser walking 60 nested levels reads each octet a bounded number of times', () => {
    const bytes = nested(60, 2000);
    const { view, reads } = counted(bytes);
    const seen = walk(view);
    // Walking each level again from every ancestor would read the 2,000 leaves 60 times (> 240,000 reads).
    expect([seen, reads() <= 3 * bytes.length]).toEqual([{ elements: 2060, leaves: 2000 }, true]);
  });

  it('20,000 nested levels under a raised maxDepth: linear work and no recursion', () => {
    const bytes = nested(20_000, 10);
    const { view, reads } = counted(bytes);
    const seen = walk(view, 50_000);
    expect([seen, reads() <= 3 * bytes.length]).toEqual([{ elements: 20_010, leaves: 10 }, true]);
  });

  it('keeps the depth bound and finds a missing end-of-contents at every level', () => {
    const deep = nested(65, 1);
    const cut = nested(5, 1).subarray(0, 5 * 4 + 3 - 2);
    const errors = [() => readRoot(deep, { ber: true }), () => readRoot(cut, { ber: true })].map((f) => {
      try {
        f();
        return 'read';
      } catch (e) {
        return isShomeiError(e)
          ? `${e.code}: ${/nesting too deep|end-of-contents/.exec(e.message)?.[0]}`
          : 'other';
      }
    });
    expect(errors).toEqual(['DER_MALFORMED: nesting too deep', 'DER_MALFORMED: end-of-contents']);
  });

  it('readChild reads inside a parent with the ends its read resolved, like children', () => {
    // 24 80 | 24 80 04 01 aa 00 00 | 04 02 bb cc | 00 00: a constructed OCTET STRING in two segments.
    const bytes = fromHex('2480 2480 0401aa 0000 0402bbcc 0000');
    const root = readRoot(bytes, { ber: true });
    const first = readChild(bytes, root, root.valueOffset, { ber: true });
    const second = readChild(bytes, root, first.end, { ber: true });
    const inner = readChild(bytes, first, first.valueOffset, { ber: true });
    expect([
      [first.indefinite, first.end, first.length],
      [second.tag, second.length],
      [inner.tag, bytes[inner.valueOffset]],
      children(bytes, root, { ber: true }).map((c) => c.end),
    ]).toEqual([
      [true, 9, 3],
      [0x04, 2],
      [0x04, 0xaa],
      [9, 13],
    ]);
  });
});

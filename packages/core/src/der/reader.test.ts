import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShomeiError } from '../errors.js';
import { fromHex } from './bytes.js';
import { children, readOid, readRoot, readTime, readTlv } from './reader.js';
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

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ecdsaDerToRaw, ecdsaRawToDer } from './ecdsa-signature.js';

describe('ECDSA signature encodings', () => {
  it('round-trips r‖s through Ecdsa-Sig-Value, high bits and leading zeros included (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (raw) => {
        expect(ecdsaDerToRaw(ecdsaRawToDer(raw), 32)).toEqual(raw);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('rejects a negative INTEGER', () => {
    const der = Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01);
    expect(() => ecdsaDerToRaw(der, 32)).toThrow(expect.objectContaining({ code: 'DER_MALFORMED' }));
  });
});

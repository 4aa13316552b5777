import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { isShomeiError } from '../errors.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import { signCms } from './sign.js';
import { parseSignedData } from './signed-data.js';
import { parseTimestampResponse, parseTstInfo } from './timestamp.js';

/** Runs `parse`; true when it returned or threw a ShomeiError (anything else is a crash). */
const safely = (parse: () => unknown): boolean => {
  try {
    parse();
    return true;
  } catch (e) {
    return isShomeiError(e);
  }
};

let sample: Uint8Array;
beforeAll(async () => {
  const signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  sample = await signCms(new TextEncoder().encode('x'), signer);
});

describe('parseSignedData', () => {
  it('reads the parts of a SignedData', () => {
    const sd = parseSignedData(sample);
    expect([sd.contentType, sd.certificates.length, sd.signerInfos.length, sd.content?.length]).toEqual([
      '1.2.840.113549.1.7.1',
      2,
      1,
      1,
    ]);
  });

  it('throws only typed errors for arbitrary bytes (property, seeded)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => safely(() => parseSignedData(b))),
      { seed: 21, numRuns: 500 },
    );
  });

  it('throws only typed errors for single-byte corruptions of a real SignedData (property, seeded)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const b = sample.slice();
        b[at % b.length]! ^= x;
        return safely(() => parseSignedData(b));
      }),
      { seed: 22, numRuns: 500 },
    );
  });
});

describe('RFC 3161 parsers', () => {
  it('parseTstInfo throws only typed errors for arbitrary bytes (property, seeded)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => safely(() => parseTstInfo(b))),
      { seed: 23, numRuns: 300 },
    );
  });

  it('parseTimestampResponse throws only typed errors for arbitrary bytes (property, seeded)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => safely(() => parseTimestampResponse(b))),
      { seed: 24, numRuns: 300 },
    );
  });
});

/**
 * Hostile-input property for the PDF reader and verifier: mutated signed PDFs (classic xref, and
 * cross-reference plus object streams) and random bytes either verify to a report or throw a typed
 * PDF_* error, each within the per-input budget — no crash, no hang. Runs a twentieth of FUZZ_RUNS
 * (each case is a whole verification), at least 200.
 */

import {
  assertHostileAsync,
  FUZZ_RUNS,
  hostileBytes,
  qpdfRewrite,
  samplePdf,
} from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { signPdf } from '../../src/pdf/sign.js';
import { verifyPdf } from '../../src/pdf/verify.js';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import { pki } from '../pki.js';

const CODES = [
  'PDF_MALFORMED',
  'PDF_XREF_MALFORMED',
  'PDF_LIMIT_EXCEEDED',
  'PDF_UNSUPPORTED',
  'PDF_ENCRYPTED',
];
const RUNS = Math.max(200, Math.floor(FUZZ_RUNS / 20));

let seeds: Uint8Array[];
beforeAll(async () => {
  const signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  seeds = [
    await signPdf(samplePdf(2), signer),
    await signPdf(qpdfRewrite(samplePdf(2), '--object-streams=generate'), signer),
  ];
});

describe('verifyPdf on hostile bytes', () => {
  it('returns a report or throws a typed PDF error, within budget, for mutated signed PDFs', async () => {
    const stats = await assertHostileAsync(
      hostileBytes(seeds, 2048),
      (bytes) => verifyPdf(bytes, { trustAnchors: [pki.root], revocation: 'off' }),
      CODES,
      RUNS,
    );
    expect(stats.cases).toBe(RUNS);
  });
});

/**
 * Long-term structures under attack: the SignedData part reader used to add evidence, and
 * verifyCmsLongTerm on mutations of a B-LTA (timestamps from an openssl TSA). Bad input gives a typed
 * CMS_* error from the reader and a report — never an exception or a hang — from validation.
 */

import { assertHostileAsync, assertHostileSync, FUZZ_RUNS, hostileBytes } from '@shomei/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCms } from '../../src/cms/sign.js';
import { tsaTimestamp } from '../../src/cms/timestamp.js';
import { verifyCms } from '../../src/cms/verify.js';
import { augmentCms } from '../../src/ltv/augment-cms.js';
import { readRawSignedData, writeRawSignedData } from '../../src/ltv/cms-structure.js';
import { LTV_OID } from '../../src/ltv/oids.js';
import { verifyCmsLongTerm } from '../../src/ltv/validate-cms.js';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import { pki } from '../pki.js';
import { startTestTsa, type TestTsa } from '../tsa.js';

const content = new TextEncoder().encode('長期保存の申請書');
let tsa: TestTsa;
let lta: Uint8Array;
let missing: readonly string[];

beforeAll(async () => {
  tsa = await startTestTsa();
  const signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  const signed = await signCms(content, signer);
  const r = await augmentCms(signed, {
    level: 'LTA',
    trustAnchors: [pki.root],
    intermediates: [pki.intermediate],
    timestamp: tsaTimestamp(tsa.url),
  });
  lta = r.signed;
  missing = r.missing;
});

afterAll(() => tsa.close());

describe('augmentCms with an outside TSA (openssl ts -reply)', () => {
  it('adds a signature timestamp and an archive timestamp with its ats-hash-index-v3', () => {
    const si = readRawSignedData(lta).signerInfos[0]!;
    const archive = si.unsigned.find((a) => a.oid === LTV_OID.archiveTimestampV3)!.values[0]!;
    const index = readRawSignedData(archive).signerInfos[0]!.unsigned.map((a) => a.oid);
    expect([si.unsigned.map((a) => a.oid).sort(), index]).toEqual([
      [LTV_OID.archiveTimestampV3, '1.2.840.113549.1.9.16.2.14'].sort(),
      [LTV_OID.atsHashIndexV3],
    ]);
  });

  it('lists what it could not prove fresh (the vector CRLs predate the timestamps) instead of claiming B-LT', () => {
    expect(missing.length).toBeGreaterThan(0);
  });

  it('the augmented signature still verifies as a plain CMS signature', async () => {
    const r = await verifyCms(lta, { trustAnchors: [pki.root], revocation: 'off' });
    expect([r.verdict, r.timestamp !== undefined]).toEqual(['valid', true]);
  });

  it('without fresh revocation data, long-term validation is indeterminate with TRY_LATER', async () => {
    const r = await verifyCmsLongTerm(lta, {
      trustAnchors: [pki.root],
      crls: [pki.rootCrl, pki.intermediateCrl],
    });
    expect([r.verdict, r.code, r.level]).toEqual(['indeterminate', 'TRY_LATER', 'LTA']);
  });

  it('writing the parts back keeps every signature valid', async () => {
    const again = writeRawSignedData(readRawSignedData(lta));
    const r = await verifyCms(again, { trustAnchors: [pki.root], revocation: 'off' });
    expect(r.verdict).toBe('valid');
  });
});

describe('hostile input', () => {
  it('the part reader rejects mutations with a CMS_* error only', () => {
    const stats = assertHostileSync(
      hostileBytes([lta]),
      readRawSignedData,
      ['CMS_MALFORMED', 'CMS_NOT_SIGNED_DATA', 'CMS_UNSUPPORTED'],
      Math.min(FUZZ_RUNS, 2000),
    );
    expect(stats.cases).toBeGreaterThan(0);
  });

  it('verifyCmsLongTerm answers every mutation with a report', async () => {
    const stats = await assertHostileAsync(
      hostileBytes([lta]),
      async (bytes) => {
        const r = await verifyCmsLongTerm(bytes, { trustAnchors: [pki.root] });
        if (!['valid', 'invalid', 'indeterminate'].includes(r.verdict)) throw new Error('no verdict');
        return r;
      },
      [],
      Math.min(FUZZ_RUNS, 150),
    );
    expect(stats.rejected).toBe(0);
  });
});

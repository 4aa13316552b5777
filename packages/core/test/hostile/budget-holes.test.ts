/**
 * Small inputs that made verification explode, each built here, with the honest large cases that
 * must keep working: PEM text with many BEGIN lines and no END, BER eContent in hundreds of
 * thousands (or millions) of segments, thousands of SignerInfos, and CRLs carried in an untrusted
 * SignedData.
 */

import { concatBytes, oid, seq } from '@shomei/simulator/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signCms } from '../../src/cms/sign.js';
import { type VerifyCmsOptions, verifyCms } from '../../src/cms/verify.js';
import { derObjects, parsePem } from '../../src/der/pem.js';
import { children, encodingOf, readRoot } from '../../src/der/reader.js';
import { encodeTlv } from '../../src/der/writer.js';
import { readRawSignedData } from '../../src/ltv/cms-structure.js';
import { CrlIndex } from '../../src/revocation/crl-index.js';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import type { Signer } from '../../src/signer.js';
import { acceptingPath } from '../fake-path.js';
import { pki } from '../pki.js';
import { fieldsOf, header, segmented, withEContent } from '../support/cms-build.js';

const content = new TextEncoder().encode('0123456789abcdef'.repeat(64 * 1024)); // 1 MiB
const base: VerifyCmsOptions = { trustAnchors: [pki.root], validatePath: acceptingPath };

let signer: Signer;
let detached: Uint8Array;
let attached: Uint8Array;

beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  detached = await signCms(content, signer, { detached: true });
  attached = await signCms(new TextEncoder().encode('small'), signer);
});

afterEach(() => vi.restoreAllMocks());

describe('BER eContent segments', () => {
  it('an honest streamed signature in 150,000 segments verifies', async () => {
    const r = await verifyCms(withEContent(detached, segmented(content, 150_000)), base);
    expect([r.verdict, r.code]).toEqual(['valid', undefined]);
  });

  it('the long-term reader takes the same 150,000 segments in one piece', () => {
    const raw = readRawSignedData(withEContent(detached, segmented(content, 150_000)));
    expect(raw.content).toEqual(content);
  });

  it('2,000,000 empty segments give a typed verdict within seconds, not an out-of-memory', async () => {
    const empty = new Uint8Array(2 + 2_000_000 * 2 + 2);
    empty.set([0x24, 0x80]);
    for (let i = 0; i < 2_000_000; i++) empty[2 + 2 * i] = 0x04; // 04 00: an empty segment
    const started = performance.now();
    const r = await verifyCms(withEContent(detached, empty), base);
    const ms = performance.now() - started;
    // The content is empty, so the signed messageDigest cannot match.
    expect([r.verdict, r.code, ms < 5_000]).toEqual(['invalid', 'CMS_DIGEST_MISMATCH', true]);
  });
});

describe('many SignerInfos', () => {
  function withSigners(n: number): Uint8Array {
    const { fields, rebuild } = fieldsOf(attached);
    const set = fields[fields.length - 1]!;
    const one = encodingOf(set, children(set, readRoot(set))[0]!);
    const many = new Uint8Array(one.length * n);
    for (let i = 0; i < n; i++) many.set(one, i * one.length);
    fields[fields.length - 1] = concatBytes(header(0x31, many.length), many);
    return rebuild(fields);
  }

  it('10,000 SignerInfos are refused at once with CMS_TOO_MANY_SIGNERS', async () => {
    const started = performance.now();
    const r = await verifyCms(withSigners(10_000), base);
    expect([r.verdict, r.code, performance.now() - started < 2_000]).toEqual([
      'indeterminate',
      'CMS_TOO_MANY_SIGNERS',
      true,
    ]);
  });

  it('a raised maxSigners verifies every signer', async () => {
    const r = await verifyCms(withSigners(20), { ...base, maxSigners: 32 });
    expect([r.verdict, r.signers?.length]).toEqual(['valid', 20]);
  });
});

describe('CRLs embedded in an untrusted SignedData', () => {
  /** The attached signature with `crl` in its crls [1] field, optionally with a broken signature. */
  function withCrl(crl: Uint8Array, breakSignature: boolean): Uint8Array {
    const { fields, rebuild } = fieldsOf(attached);
    const signerInfos = fields.pop()!;
    const out = rebuild([...fields, encodeTlv(0xa1, crl), signerInfos]);
    if (breakSignature) out[out.length - 5]! ^= 0x01;
    return out;
  }
  // A CRL-shaped SEQUENCE (nothing to index until someone reads it).
  const junkCrl = seq(seq(oid('1.2.3')), seq(), Uint8Array.of(0x03, 0x01, 0x00));

  it('are not indexed when the signature does not verify', async () => {
    const from = vi.spyOn(CrlIndex, 'from');
    const r = await verifyCms(withCrl(junkCrl, true), {
      ...base,
      validatePath: undefined,
      revocation: 'prefer',
    });
    expect([r.code, from.mock.calls.length]).toEqual(['CMS_SIGNATURE_INVALID', 0]);
  });

  it('are indexed once the signature verifies (the control: the spy sees CRL parsing)', async () => {
    const from = vi.spyOn(CrlIndex, 'from');
    const r = await verifyCms(withCrl(junkCrl, false), {
      ...base,
      validatePath: undefined,
      revocation: 'prefer',
    });
    expect([r.code, from.mock.calls.length > 0]).toEqual(['CRL_MALFORMED', true]);
  });
});

describe('PEM scanning', () => {
  const begins = '-----BEGIN CERTIFICATE-----\nMIIB\n'.repeat(200_000);

  it('200,000 BEGIN lines without END scan in linear time and find no block', () => {
    const started = performance.now();
    const blocks = parsePem(begins);
    expect([blocks.length, performance.now() - started < 1_000]).toEqual([0, true]);
  });

  it('the same text given as a signature is PEM_MALFORMED, quickly', () => {
    const bytes = new TextEncoder().encode(begins);
    const started = performance.now();
    expect(() => derObjects(bytes, ['CMS', 'PKCS7'])).toThrow(
      expect.objectContaining({ code: 'PEM_MALFORMED' }),
    );
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('still reads well-formed blocks among noise', () => {
    const block = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const text = `noise -----BEGIN not a label-----\n-----BEGIN ${'A'.repeat(500)}\n${block}`;
    expect(parsePem(text).map((b) => [b.label, b.der.length])).toEqual([['CERTIFICATE', 3]]);
  });
});

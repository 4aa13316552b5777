/**
 * The verifier's holes in CMS verification, each an attacker's move built here from scratch:
 * content substitution with an attached signature, a look-alike TSA certificate, TSA trust anchors,
 * signed attributes in BER, identity facts on an invalid report, and terminal injection through
 * certificate text.
 */
import { createPrivateKey, createSign } from 'node:crypto';
import {
  concatBytes,
  ctx,
  DER_NULL,
  generalizedTime,
  generateKey,
  int,
  octets,
  oid,
  seq,
  set,
  signed,
  time,
} from '@shomei/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMS_OID } from '../../src/cms/oids.js';
import { signCms } from '../../src/cms/sign.js';
import { tsaTimestamp } from '../../src/cms/timestamp.js';
import { type VerifyCmsOptions, verifyCms } from '../../src/cms/verify.js';
import { encodeTlv } from '../../src/der/writer.js';
import { formatReport } from '../../src/report/render.js';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import type { Signer } from '../../src/signer.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { acceptingPath } from '../fake-path.js';
import { pki } from '../pki.js';
import { startTestTsa, type TestTsa } from '../tsa.js';

const content = new TextEncoder().encode('売買契約書 第1条 甲は乙に…\n');
const other = new TextEncoder().encode('借用書 金1億円を借り受けました\n');
const base: VerifyCmsOptions = { trustAnchors: [pki.root], validatePath: acceptingPath };

let signer: Signer;
let attached: Uint8Array;

beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  attached = await signCms(content, signer, { signingTime: new Date('2026-03-04T05:06:07Z') });
});

const sha256 = async (b: Uint8Array) =>
  new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>));

async function* chunks(b: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += 7) yield b.subarray(i, i + 7);
}

describe('content substitution (an attached .p7s presented with another document)', () => {
  it('is invalid CMS_CONTENT_MISMATCH when the given bytes differ from the encapsulated content', async () => {
    const r = await verifyCms(attached, { ...base, content: other });
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_CONTENT_MISMATCH']);
  });

  it('is invalid CMS_CONTENT_MISMATCH when the different content comes as a stream', async () => {
    const r = await verifyCms(attached, { ...base, content: chunks(other) });
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_CONTENT_MISMATCH']);
  });

  it('is invalid when the given content is a prefix of the encapsulated content', async () => {
    const r = await verifyCms(attached, { ...base, content: content.subarray(0, 10) });
    expect(r.code).toBe('CMS_CONTENT_MISMATCH');
  });

  it('is valid when the given content equals the encapsulated content (bytes or stream)', async () => {
    const a = await verifyCms(attached, { ...base, content: content.slice() });
    const b = await verifyCms(attached, { ...base, content: chunks(content) });
    expect([a.verdict, b.verdict]).toEqual(['valid', 'valid']);
  });

  it('shows no holder facts on the mismatch report', async () => {
    const r = await verifyCms(attached, { ...base, content: other });
    expect(r.signer.jpki).toBeUndefined();
  });
});

describe('facts only for a valid signature', () => {
  it('the valid report carries the JPKI four facts', async () => {
    const r = await verifyCms(attached, base);
    expect(r.signer.jpki?.name).toBe('山田 太郎');
  });

  it('an invalid signature (tampered signature value) carries no JPKI facts', async () => {
    const bad = attached.slice();
    bad[bad.length - 5]! ^= 0x01;
    const r = await verifyCms(bad, base);
    expect([r.verdict, r.signer.jpki]).toEqual(['invalid', undefined]);
  });

  it('a signature whose chain does not validate carries no JPKI facts', async () => {
    const r = await verifyCms(attached, { trustAnchors: [pki.otherRoot], revocation: 'off' });
    expect([r.verdict === 'valid', r.signer.jpki]).toEqual([false, undefined]);
  });

  it('formatReport marks the subject of an invalid signer as claimed by an unverified certificate', async () => {
    const r = await verifyCms(attached, { ...base, content: other });
    const text = formatReport(r);
    expect([text.includes('claimed by an unverified certificate'), text.includes('山田')]).toEqual([
      true,
      false,
    ]);
  });
});

/** A DER TSTInfo (RFC 3161 §2.4.2) over `imprint`, at `genTime`. */
const tstInfo = (imprint: Uint8Array, genTime: Date): Uint8Array =>
  seq(
    int(1),
    oid('1.2.3.4.1'),
    seq(seq(oid('2.16.840.1.101.3.4.2.1')), octets(imprint)),
    int(77),
    generalizedTime(genTime),
  );

/** A certificate with `subjectDer` as its subject and the critical id-kp-timeStamping EKU, self-signed. */
async function lookAlike(subjectDer: Uint8Array): Promise<Uint8Array> {
  const key = await generateKey();
  const eku = seq(oid('2.5.29.37'), Uint8Array.of(0x01, 0x01, 0xff), octets(seq(oid('1.3.6.1.5.5.7.3.8'))));
  const tbs = seq(
    ctx(0, true, int(2)),
    int(4242),
    seq(oid('1.2.840.10045.4.3.2')),
    subjectDer,
    seq(time(new Date('2020-01-01T00:00:00Z')), time(new Date('2040-01-01T00:00:00Z'))),
    subjectDer,
    key.spki,
    ctx(3, true, seq(eku)),
  );
  return signed(tbs, key);
}

describe('timestamp signer confusion', () => {
  it('a token signed by the holder beside a look-alike TSA certificate is not a valid timestamp', async () => {
    const holder = parseCertificate(pki.signer);
    const fake = await lookAlike(holder.subject.der);
    const backdated = new Date('2001-01-01T00:00:00Z');
    const der = await signCms(content, signer, {
      // The holder's own "TSA": a TSTInfo signed with the holder's key; the look-alike comes first.
      certificates: [fake, pki.signer, pki.intermediate],
      timestamp: async (signatureValue) =>
        signCms(tstInfo(await sha256(signatureValue), backdated), signer, {
          contentType: CMS_OID.tstInfo,
          certificates: [fake, pki.signer, pki.intermediate],
        }),
    });
    const r = await verifyCms(der, base);
    const ts = r.checks.find((c) => c.name === 'timestamp');
    expect([r.verdict, ts?.ok, r.timestamp]).toEqual(['invalid', false, undefined]);
  });
});

describe('TSA trust anchors', () => {
  let tsa: TestTsa;
  let stamped: Uint8Array;
  const real = { trustAnchors: [pki.root], revocation: 'off' as const };

  beforeAll(async () => {
    tsa = await startTestTsa();
    stamped = await signCms(content, signer, { timestamp: tsaTimestamp(tsa.url) });
  });
  afterAll(() => tsa.close());

  it('a TSA that does not chain to the configured TSA anchors is TIMESTAMP_UNTRUSTED', async () => {
    const r = await verifyCms(stamped, { ...real, tsaTrustAnchors: [pki.otherRoot] });
    expect([r.verdict, r.code]).toEqual(['invalid', 'TIMESTAMP_UNTRUSTED']);
  });

  it('a TSA chaining to the configured TSA anchors gives a valid timestamp', async () => {
    const r = await verifyCms(stamped, { ...real, tsaTrustAnchors: [pki.root] });
    expect([r.verdict, r.timestamp?.authority]).toEqual(['valid', 'CN=Test TSA,O=shomei test,C=JP']);
  });
});

// --- signed attributes in BER ------------------------------------------------------------------

const DATA = '1.2.840.113549.1.7.1';

/** An attribute SEQUENCE { type, SET { value } } as DER. */
const attribute = (type: string, value: Uint8Array) => seq(oid(type), set(value));

/**
 * An attached SignedData built by hand whose signature covers exactly `attrs` re-tagged as SET, as a
 * careless signer would compute it over BER (RFC 5652 §5.4 requires DER).
 */
function signedDataOver(attrs: Uint8Array): Uint8Array {
  const cert = parseCertificate(pki.signer);
  const toSign = attrs.slice();
  toSign[0] = 0x31;
  const key = createPrivateKey({ key: Buffer.from(pki.signerKey), format: 'der', type: 'pkcs8' });
  const signature = new Uint8Array(createSign('sha256').update(toSign).sign(key));
  const signerInfo = seq(
    int(1),
    seq(cert.issuer.der, encodeTlv(0x02, cert.serial)),
    seq(oid('2.16.840.1.101.3.4.2.1')),
    attrs,
    seq(oid('1.2.840.113549.1.1.11'), DER_NULL),
    octets(signature),
  );
  const sd = seq(
    int(1),
    set(seq(oid('2.16.840.1.101.3.4.2.1'))),
    seq(oid(DATA), ctx(0, true, octets(content))),
    ctx(0, true, pki.signer, pki.intermediate),
    set(signerInfo),
  );
  return seq(oid('1.2.840.113549.1.7.2'), ctx(0, true, sd));
}

/** The [0] IMPLICIT signed attributes from encoded attributes, sorted or in the given order. */
const signedAttrs = (...encoded: Uint8Array[]) => encodeTlv(0xa0, ...encoded);

describe('signed attributes in BER', () => {
  let ct: Uint8Array;
  let md: Uint8Array;
  beforeAll(async () => {
    ct = attribute('1.2.840.113549.1.9.3', oid(DATA));
    md = attribute('1.2.840.113549.1.9.4', octets(await sha256(content)));
  });

  it('the DER control (sorted, minimal lengths) verifies', async () => {
    const r = await verifyCms(signedDataOver(signedAttrs(ct, md)), base);
    expect(r.verdict).toBe('valid');
  });

  it('a non-minimal length inside the attributes is invalid CMS_SIGNED_ATTRS_NOT_DER', async () => {
    // contentType attribute with a long-form length octet (0x81 0x0b instead of 0x0b).
    const long = concatBytes(Uint8Array.of(0x30, 0x81, ct.length - 2), ct.subarray(2));
    const r = await verifyCms(signedDataOver(signedAttrs(long, md)), base);
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_SIGNED_ATTRS_NOT_DER']);
  });

  it('attributes out of DER SET OF order are invalid CMS_SIGNED_ATTRS_NOT_DER', async () => {
    const r = await verifyCms(signedDataOver(signedAttrs(md, ct)), base);
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_SIGNED_ATTRS_NOT_DER']);
  });

  it('a constructed OCTET STRING messageDigest is invalid CMS_SIGNED_ATTRS_NOT_DER', async () => {
    const digest = await sha256(content);
    const split = encodeTlv(0x24, octets(digest.subarray(0, 16)), octets(digest.subarray(16)));
    const mdBer = attribute('1.2.840.113549.1.9.4', split);
    const r = await verifyCms(signedDataOver(signedAttrs(ct, mdBer)), base);
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_SIGNED_ATTRS_NOT_DER']);
  });

  it('an indefinite length on the attributes is invalid CMS_SIGNED_ATTRS_NOT_DER', async () => {
    const indefinite = concatBytes(Uint8Array.of(0xa0, 0x80), ct, md, Uint8Array.of(0, 0));
    const r = await verifyCms(signedDataOver(indefinite), base);
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_SIGNED_ATTRS_NOT_DER']);
  });
});

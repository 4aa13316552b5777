/**
 * CMS under attack: hostile SignedData for the parser and for verifyCms, DigestInfo
 * forgeries (trailing bytes, wrong OID, absent NULL, non-minimal lengths — the verifier must compare
 * whole encodings), BER re-encodings, and a messageDigest mismatch hidden among several signers.
 */
import { createPrivateKey, privateEncrypt, constants as rsaConstants } from 'node:crypto';
import {
  assertHostileAsync,
  assertHostileSync,
  FUZZ_RUNS,
  hostileBytes,
  nest,
} from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCms } from '../../src/cms/sign.js';
import { parseSignedData } from '../../src/cms/signed-data.js';
import { type VerifyCmsOptions, verifyCms } from '../../src/cms/verify.js';
import { children, encodingOf, readRoot, type Tlv } from '../../src/der/reader.js';
import { concatBytes, encodeTlv } from '../../src/der/writer.js';
import { parseJpkiIdentity } from '../../src/jpki/identity.js';
import { nodeSignatureVerifier } from '../../src/node/verifier.js';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import type { Signer } from '../../src/signer.js';
import { acceptingPath } from '../fake-path.js';
import { pki } from '../pki.js';
import { fieldsOf, segmented, withEContent } from '../support/cms-build.js';

const content = new TextEncoder().encode('契約書 第1条\n'.repeat(20));
const base: VerifyCmsOptions = { trustAnchors: [pki.root], validatePath: acceptingPath, content };
const SHA256_PREFIX = Uint8Array.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
  0x20,
]);

let signer: Signer;
let attached: Uint8Array;
let detached: Uint8Array;
let ecAttached: Uint8Array;
let streamed: Uint8Array;
let threeSigners: Uint8Array;

beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  attached = await signCms(content, signer, { signingTime: new Date('2026-03-04T05:06:07Z') });
  detached = await signCms(content, signer, {
    detached: true,
    signingTime: new Date('2026-03-04T05:06:07Z'),
  });
  const ec = await pkcs8Signer(pki.ecKey, pki.ec, { chain: [pki.intermediate] });
  ecAttached = await signCms(content, ec, { signingTime: new Date('2026-03-04T05:06:07Z') });
  // The structures of the verifier's budget holes: eContent in BER segments, repeated SignerInfos.
  streamed = withEContent(detached, segmented(content, 40));
  const { fields, rebuild } = fieldsOf(attached);
  const infos = fields.pop()!;
  const one = encodingOf(infos, children(infos, readRoot(infos))[0]!);
  threeSigners = rebuild([...fields, encodeTlv(0x31, one, one, one)]);
});

/** A signer whose RSA signature covers `forge(digestInfo)` instead of the DigestInfo itself. */
function forgingSigner(forge: (digestInfo: Uint8Array) => Uint8Array): Signer {
  const key = createPrivateKey({ key: Buffer.from(pki.signerKey), format: 'der', type: 'pkcs8' });
  return {
    certificate: pki.signer,
    chain: [pki.intermediate],
    algorithm: { name: 'RSASSA-PKCS1-v1_5', input: 'digest-info' },
    async sign(info) {
      return new Uint8Array(
        privateEncrypt({ key, padding: rsaConstants.RSA_PKCS1_PADDING }, Buffer.from(forge(info))),
      );
    },
  };
}

describe('hostile CMS', () => {
  it(`parseSignedData: ${FUZZ_RUNS} hostile inputs give CMS_* codes only`, () => {
    const all = [attached, detached, ecAttached, nest(attached, 2, true), streamed, threeSigners];
    assertHostileSync(hostileBytes(all), (b) => parseSignedData(b), [
      'CMS_MALFORMED',
      'CMS_NOT_SIGNED_DATA',
      'CMS_UNSUPPORTED',
    ]);
  });

  it(`parseJpkiIdentity: ${FUZZ_RUNS} hostile JPKI signing certificates give typed errors only`, () => {
    const stats = assertHostileSync(hostileBytes([pki.signer]), (b) => parseJpkiIdentity(b), [
      'CERT_MALFORMED',
      'CERT_TIME_MALFORMED',
      'JPKI_IDENTITY_MALFORMED',
    ]);
    expect(stats.parsed).toBeGreaterThan(0);
  });

  it(`verifyCms: ${FUZZ_RUNS} hostile SignedData give a report or a typed error only`, async () => {
    let valid = 0;
    const stats = await assertHostileAsync(
      hostileBytes([attached, ecAttached, streamed, threeSigners]),
      async (b) => {
        const r = await verifyCms(b, { ...base, content: undefined });
        // A mutation may leave the signature intact (e.g. in unsigned parts): count, don't fail.
        if (r.verdict === 'valid') valid++;
      },
      ['CMS_MALFORMED', 'CMS_NOT_SIGNED_DATA', 'CMS_UNSUPPORTED', 'CMS_NO_SIGNERS'],
    );
    expect(stats.cases).toBe(FUZZ_RUNS);
    expect(valid).toBeLessThan(stats.cases / 2);
  });
});

describe('DigestInfo forgeries (RSASSA-PKCS1-v1_5: compare whole encodings)', () => {
  const verifiers = { webcrypto: undefined, 'node:crypto': nodeSignatureVerifier } as const;

  const forgeries: Record<string, (info: Uint8Array) => Uint8Array> = {
    'trailing bytes after the DigestInfo': (info) => concatBytes(info, Uint8Array.of(0x00, 0x00)),
    'the SHA-512 OID around a SHA-256 digest': (info) => {
      const out = info.slice();
      out[out.indexOf(0x01, 10) - 0] = 0x03; // 2.16.840.1.101.3.4.2.1 → .3
      return out;
    },
    'parameters absent instead of NULL': (info) =>
      concatBytes(Uint8Array.of(0x30, 0x2f, 0x30, 0x0b), info.subarray(4, 15), info.subarray(17)),
    'a non-minimal length in the outer SEQUENCE': (info) =>
      concatBytes(Uint8Array.of(0x30, 0x81, info[1]!), info.subarray(2)),
    'garbage in the NULL parameters': (info) =>
      concatBytes(
        info.subarray(0, 1),
        Uint8Array.of(info[1]! + 1),
        info.subarray(2, 3),
        Uint8Array.of(info[3]! + 1),
        info.subarray(4, 15),
        Uint8Array.of(0x05, 0x01, 0x00),
        info.subarray(17),
      ),
  };

  for (const [vName, verifier] of Object.entries(verifiers)) {
    it(`${vName}: the honest DigestInfo through the same raw-RSA path verifies (control)`, async () => {
      const cms = await signCms(
        content,
        forgingSigner((i) => i),
        { signingTime: null },
      );
      const r = await verifyCms(cms, { ...base, ...(verifier ? { verifier } : {}) });
      expect(r.verdict).toBe('valid');
    });
    for (const [fName, forge] of Object.entries(forgeries)) {
      it(`${vName}: ${fName} is CMS_SIGNATURE_INVALID`, async () => {
        const cms = await signCms(content, forgingSigner(forge), { signingTime: null });
        const r = await verifyCms(cms, { ...base, ...(verifier ? { verifier } : {}) });
        expect(r.verdict).toBe('invalid');
        expect(r.checks.find((c) => c.name === 'signature')?.ok).toBe(false);
      });
    }
  }

  it('the forgeries really differ from the honest DigestInfo', () => {
    const info = concatBytes(SHA256_PREFIX, new Uint8Array(32).fill(7));
    for (const forge of Object.values(forgeries)) expect(forge(info)).not.toEqual(info);
  });
});

/** ContentInfo → SignedData children. */
function signedDataParts(der: Uint8Array): { sd: Tlv; parts: Tlv[] } {
  const ci = readRoot(der);
  const [, explicit] = children(der, ci);
  const [sd] = children(der, explicit!);
  return { sd: sd!, parts: children(der, sd!) };
}

function rebuild(der: Uint8Array, replaceLast: Uint8Array): Uint8Array {
  const { parts } = signedDataParts(der);
  const kept = parts.slice(0, -1).map((p) => encodingOf(der, p));
  const sd = encodeTlv(0x30, ...kept, replaceLast);
  const ci = readRoot(der);
  const [oidTlv] = children(der, ci);
  return encodeTlv(0x30, encodingOf(der, oidTlv!), encodeTlv(0xa0, sd));
}

describe('several signers and BER', () => {
  it('a messageDigest mismatch in the second of two signers makes the whole signature invalid', async () => {
    const other = await signCms(new TextEncoder().encode('another document'), signer, { detached: true });
    const good = signedDataParts(attached);
    const bad = signedDataParts(other);
    const goodInfos = children(attached, good.parts.at(-1)!).map((t) => encodingOf(attached, t));
    const badInfos = children(other, bad.parts.at(-1)!).map((t) => encodingOf(other, t));
    const merged = rebuild(attached, encodeTlv(0x31, ...goodInfos, ...badInfos));
    const r = await verifyCms(merged, base);
    expect(r.verdict).toBe('invalid');
    expect((r as { signers?: unknown[] }).signers).toHaveLength(2);
  });

  it('the same mismatch placed first is just as invalid (order does not hide it)', async () => {
    const other = await signCms(new TextEncoder().encode('another document'), signer, { detached: true });
    const goodInfos = children(attached, signedDataParts(attached).parts.at(-1)!).map((t) =>
      encodingOf(attached, t),
    );
    const badInfos = children(other, signedDataParts(other).parts.at(-1)!).map((t) => encodingOf(other, t));
    const merged = rebuild(attached, encodeTlv(0x31, ...badInfos, ...goodInfos));
    expect((await verifyCms(merged, base)).verdict).toBe('invalid');
  });

  it('signed attributes re-encoded with a non-minimal length do not verify', async () => {
    const { parts } = signedDataParts(attached);
    const infos = children(attached, parts.at(-1)!);
    const si = infos[0]!;
    const fields = children(attached, si);
    const attrs = fields.find((f) => f.tag === 0xa0)!;
    const body = attached.subarray(attrs.valueOffset, attrs.valueOffset + attrs.length);
    // One length octet more than needed (X.690 §10.1 forbids it in DER).
    const longForm = concatBytes(Uint8Array.of(0xa0, 0x83, 0, body.length >> 8, body.length & 0xff), body);
    const newSi = encodeTlv(0x30, ...fields.map((f) => (f === attrs ? longForm : encodingOf(attached, f))));
    const r = await verifyCms(rebuild(attached, encodeTlv(0x31, newSi)), base).catch((e) => e);
    if ('verdict' in r) expect(r.verdict).not.toBe('valid');
    else expect(r.code).toMatch(/^CMS_/);
  });

  it('an outer BER indefinite-length ContentInfo carries the same signature: valid, same content', async () => {
    const ci = readRoot(attached);
    const [oidTlv, explicit] = children(attached, ci);
    const [sd] = children(attached, explicit!);
    const ber = concatBytes(
      Uint8Array.of(0x30, 0x80),
      encodingOf(attached, oidTlv!),
      Uint8Array.of(0xa0, 0x80),
      encodingOf(attached, sd!),
      new Uint8Array(4),
    );
    const r = await verifyCms(ber, { ...base, content: undefined });
    expect(r.verdict).toBe('valid');
  });
});

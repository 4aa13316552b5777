import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { acceptingPath } from '../../test/fake-path.js';
import { opensslSign, pki, swapped } from '../../test/pki.js';
import { children, readRoot } from '../der/reader.js';
import { concatBytes } from '../der/writer.js';
import { hasErrorCode } from '../errors.js';
import type { ValidationReport } from '../report/types.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { Signer } from '../signer.js';
import { signCms } from './sign.js';
import { type VerifyCmsOptions, verifyCms } from './verify.js';

const content = new TextEncoder().encode('契約書 第1条\n'.repeat(50));
const base: VerifyCmsOptions = { trustAnchors: [pki.root], validatePath: acceptingPath };
const check = (r: ValidationReport, name: string) => r.checks.find((c) => c.name === name);

let signer: Signer;
let attached: Uint8Array;
let detached: Uint8Array;
beforeAll(async () => {
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  attached = await signCms(content, signer, { signingTime: new Date('2026-03-04T05:06:07Z') });
  detached = await signCms(content, signer, { detached: true });
});

describe('verifyCms on signCms output', () => {
  it('reports an attached signature valid with every check passing', async () => {
    const r = await verifyCms(attached, base);
    expect({ verdict: r.verdict, failed: r.checks.filter((c) => !c.ok) }).toEqual({
      verdict: 'valid',
      failed: [],
    });
  });

  it('writes the report keys in design.md §4 order', async () => {
    const r = await verifyCms(attached, base);
    expect(Object.keys(r)).toEqual([
      'verdict',
      'signer',
      'signingTime',
      'digestAlgorithm',
      'signatureAlgorithm',
      'chain',
      'revocationChecked',
      'checks',
    ]);
  });

  it('carries the JPKI four facts of the signer', async () => {
    const r = await verifyCms(attached, base);
    expect(r.signer.jpki).toMatchObject({ name: '山田 太郎', birthDate: '419900101', sex: '1' });
  });

  it('reports signingTime, digest and signature algorithms', async () => {
    const r = await verifyCms(attached, base);
    expect([r.signingTime, r.digestAlgorithm, r.signatureAlgorithm]).toEqual([
      '2026-03-04T05:06:07.000Z',
      'SHA-256',
      'sha256WithRSAEncryption',
    ]);
  });

  it('checks the signingCertificateV2 binding', async () => {
    expect(check(await verifyCms(attached, base), 'signingCertificate')).toMatchObject({
      ok: true,
      detail: 'signingCertificateV2',
    });
  });

  it('verifies a detached signature with its content as a stream', async () => {
    const stream = new Blob([content]).stream();
    expect((await verifyCms(detached, { ...base, content: stream })).verdict).toBe('valid');
  });

  it('gives indeterminate CMS_CONTENT_MISSING for a detached signature without content', async () => {
    const r = await verifyCms(detached, base);
    expect([r.verdict, r.code]).toEqual(['indeterminate', 'CMS_CONTENT_MISSING']);
  });

  it('fails messageDigest when the content was tampered with', async () => {
    const other = content.slice();
    other[3]! ^= 0x20;
    const r = await verifyCms(detached, { ...base, content: other });
    expect([r.verdict, r.code, check(r, 'messageDigest')?.ok]).toEqual([
      'invalid',
      'CMS_DIGEST_MISMATCH',
      false,
    ]);
  });

  it('fails the signature when the signer certificate is swapped for one with the same issuer and serial', async () => {
    const der = await signCms(content, signer, { certificates: [swapped, pki.intermediate] });
    const r = await verifyCms(der, base);
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_SIGNATURE_INVALID']);
  });

  it('rejects an RSA-1024 signer key with CMS_WEAK_KEY', async () => {
    const weak = await pkcs8Signer(pki.weakKey, pki.weak);
    const r = await verifyCms(await signCms(content, weak), { ...base, intermediates: [pki.intermediate] });
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_WEAK_KEY']);
  });

  it('accepts RSA-1024 when the policy lowers the minimum', async () => {
    const weak = await pkcs8Signer(pki.weakKey, pki.weak);
    const r = await verifyCms(await signCms(content, weak), { ...base, algorithms: { minRsaBits: 1024 } });
    expect(r.verdict).toBe('valid');
  });

  it('rejects a signer certificate without a signing key usage', async () => {
    const s = await pkcs8Signer(pki.noKeyUsageKey, pki.noKeyUsage);
    const r = await verifyCms(await signCms(content, s), base);
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_KEY_USAGE']);
  });

  it('verifies ECDSA signatures', async () => {
    const ec = await pkcs8Signer(pki.ecKey, pki.ec);
    const r = await verifyCms(await signCms(content, ec), base);
    expect([r.verdict, r.signatureAlgorithm]).toEqual(['valid', 'ecdsa-with-SHA256']);
  });

  it('verifies ECDSA P-384 with SHA-384', async () => {
    const ec = await pkcs8Signer(pki.ec384Key, pki.ec384, { hash: 'SHA-384' });
    const r = await verifyCms(await signCms(content, ec), base);
    expect([r.verdict, r.signatureAlgorithm]).toEqual(['valid', 'ecdsa-with-SHA384']);
  });

  it('fails the signature when a signed attribute byte is flipped', async () => {
    const der = attached.slice();
    const at = findBytes(der, new TextEncoder().encode('260304050607Z'));
    der[at + 1]! ^= 0x01; // 2026 → 2036: still a valid time, no longer the signed one
    const r = await verifyCms(der, base);
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_SIGNATURE_INVALID']);
  });
});

/** Re-encodes every constructed element with a BER indefinite length (X.690 §8.1.3.6). */
function toIndefinite(der: Uint8Array, tlv = readRoot(der)): Uint8Array {
  if (!tlv.constructed) return der.slice(tlv.offset, tlv.end);
  const inner = children(der, tlv).map((c) => toIndefinite(der, c));
  return concatBytes(Uint8Array.of(tlv.tag, 0x80), ...inner, Uint8Array.of(0, 0));
}

function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}

describe('verifyCms on openssl cms -sign output', () => {
  it('verifies a detached signature', async () => {
    const r = await verifyCms(opensslSign(content), { ...base, content });
    expect(r.verdict).toBe('valid');
  });

  it('verifies an attached (-nodetach) signature', async () => {
    expect((await verifyCms(opensslSign(content, ['-nodetach']), base)).verdict).toBe('valid');
  });

  it('verifies a signature without signed attributes (-noattr)', async () => {
    const r = await verifyCms(opensslSign(content, ['-noattr']), { ...base, content });
    expect(r.verdict).toBe('valid');
  });

  it('verifies an attached -noattr signature', async () => {
    expect((await verifyCms(opensslSign(content, ['-nodetach', '-noattr']), base)).verdict).toBe('valid');
  });

  it('verifies a BER streamed (-stream, indefinite lengths) attached signature', async () => {
    const r = await verifyCms(opensslSign(content, ['-nodetach', '-stream']), base);
    expect(r.verdict).toBe('valid');
  });

  it('rejects a SHA-1 signature with CMS_WEAK_DIGEST by default', async () => {
    const r = await verifyCms(opensslSign(content, ['-md', 'sha1']), { ...base, content });
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_WEAK_DIGEST']);
  });

  it('accepts SHA-1 when the policy allows it', async () => {
    const r = await verifyCms(opensslSign(content, ['-md', 'sha1']), {
      ...base,
      content,
      algorithms: { allowSha1: true },
    });
    expect(r.verdict).toBe('valid');
  });

  it('reports every signer of a two-signer message', async () => {
    const der = opensslSign(content, ['-nodetach'], ['signer', 'ec']);
    const r = await verifyCms(der, base);
    // DER sorts the signerInfos SET, so compare as a set.
    expect(r.signers?.map((s) => [s.verdict, s.signer.subject]).sort()).toEqual([
      ['valid', 'CN=EC Signer,O=shomei test,C=JP'],
      ['valid', 'CN=Yamada Taro,O=shomei test,C=JP'],
    ]);
  });

  it('makes the worst signer decide a multi-signer verdict', async () => {
    const der = opensslSign(content, ['-nodetach'], ['ec', 'weak']);
    const r = await verifyCms(der, base);
    expect([r.verdict, r.code, r.signer.subject]).toEqual([
      'invalid',
      'CMS_WEAK_KEY',
      'CN=Weak Key,O=shomei test,C=JP',
    ]);
  });

  it('gives indeterminate CMS_ALGORITHM_UNSUPPORTED for an RSASSA-PSS signature', async () => {
    const r = await verifyCms(opensslSign(content, ['-keyopt', 'rsa_padding_mode:pss']), {
      ...base,
      content,
    });
    expect([r.verdict, r.code]).toEqual(['indeterminate', 'CMS_ALGORITHM_UNSUPPORTED']);
  });

  it('gives indeterminate CMS_SIGNER_CERT_MISSING when certificates were left out (-nocerts)', async () => {
    const r = await verifyCms(opensslSign(content, ['-nocerts']), { ...base, content });
    expect([r.verdict, r.code]).toEqual(['indeterminate', 'CMS_SIGNER_CERT_MISSING']);
  });

  it('finds a signer certificate left out of the message among the intermediates', async () => {
    const r = await verifyCms(opensslSign(content, ['-nocerts']), {
      ...base,
      content,
      intermediates: [pki.signer],
    });
    expect(r.verdict).toBe('valid');
  });

  it('accepts PEM input', async () => {
    const der = opensslSign(content, ['-nodetach']);
    const { toPem } = await import('../der/pem.js');
    const r = await verifyCms(new TextEncoder().encode(toPem('CMS', der)), base);
    expect(r.verdict).toBe('valid');
  });
});

describe('verifyCms on bad input', () => {
  it('reports garbage as indeterminate CMS_MALFORMED', async () => {
    const r = await verifyCms(Uint8Array.of(1, 2, 3, 4), base);
    expect([r.verdict, r.code]).toEqual(['indeterminate', 'CMS_MALFORMED']);
  });

  it('reports truncated DER as CMS_MALFORMED', async () => {
    const r = await verifyCms(attached.subarray(0, attached.length - 10), base);
    expect(r.code).toBe('CMS_MALFORMED');
  });

  it('reports a non-SignedData ContentInfo as CMS_NOT_SIGNED_DATA', async () => {
    // ContentInfo { id-data, [0] OCTET STRING "x" }
    const der = Uint8Array.of(
      0x30,
      0x12,
      0x06,
      0x09,
      0x2a,
      0x86,
      0x48,
      0x86,
      0xf7,
      0x0d,
      0x01,
      0x07,
      0x01,
      0xa0,
      0x05,
      0x04,
      0x03,
      0x78,
      0x78,
      0x78,
    );
    expect((await verifyCms(der, base)).code).toBe('CMS_NOT_SIGNED_DATA');
  });

  it('refuses BER indefinite-length signed attributes as invalid CMS_SIGNED_ATTRS_NOT_DER', async () => {
    const r = await verifyCms(toIndefinite(attached), base);
    expect([r.verdict, r.code]).toEqual(['invalid', 'CMS_SIGNED_ATTRS_NOT_DER']);
  });

  it('throws INPUT_INVALID without trust anchors', async () => {
    await expect(verifyCms(attached, { trustAnchors: [] })).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });

  it('never throws on mutated signatures (property, seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: attached.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, x) => {
          const der = attached.slice();
          der[at]! ^= x;
          const r = await verifyCms(der, base);
          return r.verdict !== 'valid' || r.checks.every((c) => c.ok);
        },
      ),
      { seed: 5, numRuns: 400 },
    );
  });

  it('never throws on truncations (property, seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: attached.length - 1 }), async (n) => {
        const r = await verifyCms(attached.subarray(0, n), base);
        return r.verdict === 'indeterminate';
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});

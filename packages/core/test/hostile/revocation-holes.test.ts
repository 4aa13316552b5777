/**
 * Revocation and algorithm-policy holes, each built here: CRL order, holds and releases across CRLs
 * of one scope, OCSP `good` against newer or permanent revocations, a serial listed many times,
 * SHA-1 in the chain, CRL and OCSP signatures, and an OCSP response without nextUpdate.
 */
import { createPrivateKey, createSign } from 'node:crypto';
import {
  buildCrl,
  buildOcspResponse,
  concatBytes,
  DER_NULL,
  generateKey,
  int,
  issue,
  NOW,
  oid,
  seq,
  type TestCert,
  type TestKey,
  time,
} from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { children, contentsOf, encodingOf, readRoot, type Tlv } from '../../src/der/reader.js';
import { encodeTlv } from '../../src/der/writer.js';
import type { ValidatePathOptions } from '../../src/path/types.js';
import { validatePath } from '../../src/path/validate-path.js';
import { CrlIndex } from '../../src/revocation/crl-index.js';

let root: TestCert;
let ca: TestCert;
let leaf: TestCert;
let k: TestKey[];

beforeAll(async () => {
  k = await Promise.all([generateKey(), generateKey(), generateKey()]);
  root = await issue({ subject: 'CN=Rev Root,O=Shomei,C=JP', key: k[0]!, ca: true });
  ca = await issue({ subject: 'CN=Rev CA,O=Shomei,C=JP', key: k[1]!, issuer: root, ca: true });
  leaf = await issue({ subject: 'CN=Rev Leaf,O=Shomei,C=JP', key: k[2]!, issuer: ca, serial: 0x1234 });
});

const run = (o: Partial<ValidatePathOptions> = {}) =>
  validatePath(leaf.der, {
    trustAnchors: [root.der],
    intermediates: [ca.der],
    time: NOW,
    revocation: 'require',
    ...o,
  });
const leafStatus = async (o: Partial<ValidatePathOptions>) => (await run(o)).path[0]!.revocation;

const KEY_COMPROMISE = 1;
const HOLD = 6;
const REMOVE = 8;
const t = (iso: string) => new Date(iso);

/** CA CRLs: one for the CA itself from the root, so the CA certificate is covered too. */
let rootCrl: Uint8Array;
beforeAll(async () => {
  rootCrl = await buildCrl({ issuer: root, crlNumber: 1 });
});

const caCrl = (crlNumber: number, thisUpdate: string, entries: { serial: number; reason?: number }[] = []) =>
  buildCrl({ issuer: ca, crlNumber, thisUpdate: t(thisUpdate), entries });

describe('every applicable CRL is consulted', () => {
  it('a newer CRL that revokes is not hidden by an older current one given first', async () => {
    const older = await caCrl(1, '2026-01-01T00:00:00Z');
    const newer = await caCrl(2, '2026-05-01T00:00:00Z', [{ serial: 0x1234, reason: KEY_COMPROMISE }]);
    const s = await leafStatus({ crls: [older, newer, rootCrl] });
    expect([s.status, s.reason]).toEqual(['revoked', 'keyCompromise']);
  });

  it('the verdict does not depend on CRL order', async () => {
    const older = await caCrl(1, '2026-01-01T00:00:00Z');
    const newer = await caCrl(2, '2026-05-01T00:00:00Z', [{ serial: 0x1234, reason: KEY_COMPROMISE }]);
    const a = await run({ crls: [older, newer, rootCrl] });
    const b = await run({ crls: [newer, older, rootCrl] });
    expect([a.code, b.code]).toEqual(['CERT_REVOKED', 'CERT_REVOKED']);
  });

  it('a permanent revocation in an older CRL stands although a newer CRL omits it', async () => {
    const older = await caCrl(1, '2026-01-01T00:00:00Z', [{ serial: 0x1234, reason: KEY_COMPROMISE }]);
    const newer = await caCrl(2, '2026-05-01T00:00:00Z');
    expect((await run({ crls: [newer, older, rootCrl] })).code).toBe('CERT_REVOKED');
  });

  it('a hold released by a newer CRL (entry gone) is good', async () => {
    const older = await caCrl(1, '2026-01-01T00:00:00Z', [{ serial: 0x1234, reason: HOLD }]);
    const newer = await caCrl(2, '2026-05-01T00:00:00Z');
    const s = await leafStatus({ crls: [older, newer, rootCrl] });
    expect(s.status).toBe('good');
  });

  it('a hold placed by a newer CRL wins over an older CRL without it', async () => {
    const older = await caCrl(1, '2026-01-01T00:00:00Z');
    const newer = await caCrl(2, '2026-05-01T00:00:00Z', [{ serial: 0x1234, reason: HOLD }]);
    const s = await leafStatus({ crls: [older, newer, rootCrl] });
    expect([s.status, s.reason]).toEqual(['revoked', 'certificateHold']);
  });

  it('the cRLNumber decides before thisUpdate: a higher number with an older date is newer', async () => {
    const highNumber = await caCrl(9, '2026-01-01T00:00:00Z');
    const lowNumber = await caCrl(3, '2026-05-01T00:00:00Z', [{ serial: 0x1234, reason: HOLD }]);
    expect((await leafStatus({ crls: [lowNumber, highNumber, rootCrl] })).status).toBe('good');
  });

  it('a serial listed as removeFromCRL and as keyCompromise in one CRL is revoked', async () => {
    const crl = await caCrl(1, '2026-05-01T00:00:00Z', [
      { serial: 0x1234, reason: REMOVE },
      { serial: 0x1234, reason: KEY_COMPROMISE },
    ]);
    expect((await run({ crls: [crl, rootCrl] })).code).toBe('CERT_REVOKED');
  });
});

describe('OCSP and CRL evidence together', () => {
  const ocspOnlyFirst = { mode: 'require' as const, order: ['ocsp' as const, 'crl' as const] };

  it('an OCSP good does not hide a permanent revocation on a CRL', async () => {
    const good = await buildOcspResponse({ cert: leaf, issuer: ca, thisUpdate: t('2026-05-20T00:00:00Z') });
    const crl = await caCrl(1, '2026-01-01T00:00:00Z', [{ serial: 0x1234, reason: KEY_COMPROMISE }]);
    const r = await run({ ocsp: [good], crls: [crl, rootCrl], revocation: ocspOnlyFirst });
    expect(r.code).toBe('CERT_REVOKED');
  });

  it('an older OCSP good does not override a newer CRL hold', async () => {
    const good = await buildOcspResponse({ cert: leaf, issuer: ca, thisUpdate: t('2026-04-01T00:00:00Z') });
    const crl = await caCrl(1, '2026-05-01T00:00:00Z', [{ serial: 0x1234, reason: HOLD }]);
    const r = await run({ ocsp: [good], crls: [crl, rootCrl], revocation: ocspOnlyFirst });
    expect(r.code).toBe('CERT_REVOKED');
  });

  it('a newer OCSP good releases an older CRL hold', async () => {
    const good = await buildOcspResponse({ cert: leaf, issuer: ca, thisUpdate: t('2026-05-20T00:00:00Z') });
    const crl = await caCrl(1, '2026-05-01T00:00:00Z', [{ serial: 0x1234, reason: HOLD }]);
    const r = await run({ ocsp: [good], crls: [crl, rootCrl], revocation: ocspOnlyFirst });
    expect(r.path[0]!.revocation.status).toBe('good');
  });

  it('of two OCSP responses, a revoked one is not hidden by a good one listed first', async () => {
    const good = await buildOcspResponse({ cert: leaf, issuer: ca, thisUpdate: t('2026-05-20T00:00:00Z') });
    const revoked = await buildOcspResponse({
      cert: leaf,
      issuer: ca,
      status: 'revoked',
      reason: KEY_COMPROMISE,
      thisUpdate: t('2026-05-01T00:00:00Z'),
    });
    const r = await run({ ocsp: [good, revoked], crls: [rootCrl], revocation: ocspOnlyFirst });
    expect(r.code).toBe('CERT_REVOKED');
  });
});

describe('OCSP without nextUpdate', () => {
  it('is OCSP_STALE once older than the default maximum age (24 h)', async () => {
    const resp = await buildOcspResponse({
      cert: leaf,
      issuer: ca,
      nextUpdate: null,
      thisUpdate: t('2026-05-01T00:00:00Z'),
    });
    const r = await run({ ocsp: [resp], crls: [rootCrl], revocation: { mode: 'require' } });
    expect(r.code).toBe('OCSP_STALE');
  });

  it('is current within the maximum age', async () => {
    const resp = await buildOcspResponse({
      cert: leaf,
      issuer: ca,
      nextUpdate: null,
      thisUpdate: new Date(NOW.getTime() - 3_600_000),
    });
    const r = await run({ ocsp: [resp], crls: [rootCrl], revocation: { mode: 'require' } });
    expect(r.path[0]!.revocation.status).toBe('good');
  });

  it('follows a configured ocspMaxAgeMs', async () => {
    const resp = await buildOcspResponse({
      cert: leaf,
      issuer: ca,
      nextUpdate: null,
      thisUpdate: t('2026-05-01T00:00:00Z'),
    });
    const r = await run({
      ocsp: [resp],
      crls: [rootCrl],
      revocation: { mode: 'require', ocspMaxAgeMs: 40 * 86_400_000 },
    });
    expect(r.valid).toBe(true);
  });
});

// --- SHA-1 signatures ---------------------------------------------------------------------------

const SHA1_RSA = seq(oid('1.2.840.113549.1.1.5'), DER_NULL);

/** Re-signs a certificate or CRL body (its TBS, with the SHA-1 algorithm written in) with SHA-1/RSA. */
async function sha1Signed(tbs: Uint8Array, key: TestKey): Promise<Uint8Array> {
  const pkcs8 = new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', key.privateKey));
  const priv = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const sig = new Uint8Array(createSign('sha1').update(tbs).sign(priv));
  return seq(
    tbs,
    SHA1_RSA,
    concatBytes(Uint8Array.of(0x03, 0x82, (sig.length + 1) >> 8, (sig.length + 1) & 0xff, 0), sig),
  );
}

describe('SHA-1 in the chain and in a CRL', () => {
  let rsaRoot: TestCert;
  let sha1Ca: Uint8Array;
  let rsaLeaf: TestCert;

  beforeAll(async () => {
    const rk = await generateKey('rsa');
    rsaRoot = await issue({ subject: 'CN=RSA Root,O=Shomei,C=JP', key: rk, ca: true });
    // The intermediate, signed by the root with sha1WithRSAEncryption (TBS and outer algorithm agree).
    const template = await issue({
      subject: 'CN=SHA1 CA,O=Shomei,C=JP',
      key: k[1]!,
      issuer: rsaRoot,
      ca: true,
      tbsSignatureAlgorithm: SHA1_RSA,
    });
    sha1Ca = await sha1Signed(template.cert.tbs, rk);
    // Issued by the SHA-1 CA's key (k[1]) under its name.
    rsaLeaf = await issue({
      subject: 'CN=Under SHA1,O=Shomei,C=JP',
      key: k[2]!,
      issuer: ca,
      issuerName: 'CN=SHA1 CA,O=Shomei,C=JP',
    });
  });

  const chain = (o: Partial<ValidatePathOptions> = {}) =>
    validatePath(rsaLeaf.der, {
      trustAnchors: [rsaRoot.der],
      intermediates: [sha1Ca],
      time: NOW,
      revocation: 'off',
      ...o,
    });

  it('a SHA-1 certificate signature in the chain is SIGNATURE_ALGORITHM_WEAK by default', async () => {
    expect((await chain()).code).toBe('SIGNATURE_ALGORITHM_WEAK');
  });

  it('the same chain validates when the policy allows SHA-1 (so the refusal is the policy)', async () => {
    expect((await chain({ algorithms: { allowSha1: true } })).valid).toBe(true);
  });

  it('a SHA-1 signed CRL is refused with SIGNATURE_ALGORITHM_WEAK', async () => {
    const rk = await generateKey('rsa');
    const rsaCa = await issue({ subject: 'CN=RSA CA,O=Shomei,C=JP', key: rk, issuer: root, ca: true });
    const l = await issue({ subject: 'CN=RSA Leaf,O=Shomei,C=JP', key: k[2]!, issuer: rsaCa });
    const tbs = seq(
      int(1),
      SHA1_RSA,
      rsaCa.cert.subject.der,
      time(t('2026-05-01T00:00:00Z')),
      time(t('2027-01-01T00:00:00Z')),
    );
    const crl = await sha1Signed(tbs, rk);
    const o = {
      trustAnchors: [root.der],
      intermediates: [rsaCa.der],
      time: NOW,
      crls: [crl],
      revocation: { mode: 'require' as const, order: ['crl' as const] },
    };
    const strict = await validatePath(l.der, o);
    const legacy = await validatePath(l.der, { ...o, algorithms: { allowSha1: true } });
    expect([strict.failures.map((f) => f.code), legacy.failures.map((f) => f.code)]).toEqual([
      expect.arrayContaining(['SIGNATURE_ALGORITHM_WEAK']),
      expect.not.arrayContaining(['SIGNATURE_ALGORITHM_WEAK']),
    ]);
  });
});

describe('SHA-1 OCSP responses', () => {
  /** The OCSP response re-signed by `key` with sha1WithRSAEncryption (same ResponseData). */
  async function resignSha1(resp: Uint8Array, key: TestKey): Promise<Uint8Array> {
    const bytesOf = (b: Uint8Array, tlv: Tlv) => encodingOf(b, tlv);
    const [status, explicit] = children(resp, readRoot(resp)) as [Tlv, Tlv];
    const [rb] = children(resp, explicit) as [Tlv];
    const [type, octetsTlv] = children(resp, rb) as [Tlv, Tlv];
    const basic = contentsOf(resp, octetsTlv);
    const [tbs] = children(basic, readRoot(basic)) as [Tlv];
    const resigned = await sha1Signed(bytesOf(basic, tbs), key);
    return seq(bytesOf(resp, status), encodeTlv(0xa0, seq(bytesOf(resp, type), encodeTlv(0x04, resigned))));
  }

  it('an OCSP response signed with SHA-1 is refused with SIGNATURE_ALGORITHM_WEAK unless allowed', async () => {
    const rk = await generateKey('rsa');
    const rsaCa = await issue({ subject: 'CN=RSA OCSP CA,O=Shomei,C=JP', key: rk, issuer: root, ca: true });
    const l = await issue({ subject: 'CN=RSA OCSP Leaf,O=Shomei,C=JP', key: k[2]!, issuer: rsaCa });
    const resp = await resignSha1(await buildOcspResponse({ cert: l, issuer: rsaCa }), rk);
    const o = {
      trustAnchors: [root.der],
      intermediates: [rsaCa.der],
      time: NOW,
      ocsp: [resp],
      crls: [rootCrl],
      revocation: { mode: 'require' as const, order: ['ocsp' as const] },
    };
    const strict = await validatePath(l.der, o);
    const legacy = await validatePath(l.der, { ...o, algorithms: { allowSha1: true } });
    expect([strict.code, legacy.path[0]!.revocation.status]).toEqual(['SIGNATURE_ALGORITHM_WEAK', 'good']);
  });
});

describe('CRL indexing with a serial listed many times', () => {
  /** A CRL listing serial 0x1234 `n` times, built directly (indexing does not need its signature). */
  function repeatedSerialCrl(n: number): Uint8Array {
    const entry = seq(int(0x1234), time(t('2026-01-01T00:00:00Z')));
    const list = new Uint8Array(n * entry.length);
    for (let i = 0; i < n; i++) list.set(entry, i * entry.length);
    const len = list.length;
    const revoked = concatBytes(Uint8Array.of(0x30, 0x83, len >>> 16, (len >>> 8) & 0xff, len & 0xff), list);
    const ecdsa = seq(oid('1.2.840.10045.4.3.2'));
    const tbs = seq(int(1), ecdsa, ca.cert.subject.der, time(t('2026-01-01T00:00:00Z')), revoked);
    return seq(tbs, ecdsa, Uint8Array.of(0x03, 0x02, 0x00, 0x00));
  }

  it('indexes 200,000 copies of one serial in linear time and finds every one', () => {
    const der = repeatedSerialCrl(200_000);
    const started = performance.now();
    const index = CrlIndex.from(der);
    const all = index.findAll(Uint8Array.of(0x12, 0x34));
    const ms = performance.now() - started;
    expect([index.size, all.length, ms < 2_000]).toEqual([200_000, 200_000, true]);
  });
});

import {
  buildCrl,
  buildOcspResponse,
  ext,
  generateKey,
  gn,
  issue,
  NOW,
  type TestCert,
  type TestKey,
} from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ValidatePathOptions } from '../path/types.js';
import { validatePath } from '../path/validate-path.js';
import { KP_OID } from '../x509/oids.js';
import { CrlIndex } from './crl-index.js';

let root: TestCert;
let ca: TestCert;
let leaf: TestCert;
let other: TestCert;
let k: TestKey[];

beforeAll(async () => {
  k = await Promise.all(Array.from({ length: 6 }, () => generateKey()));
  root = await issue({ subject: 'CN=Rev Root,C=JP', key: k[0]!, ca: true });
  ca = await issue({ subject: 'CN=Rev CA,C=JP', key: k[1]!, issuer: root, ca: true });
  leaf = await issue({ subject: 'CN=Rev Leaf,C=JP', key: k[2]!, issuer: ca, serial: 0x1234 });
  other = await issue({ subject: 'CN=Other CA,C=JP', key: k[3]!, ca: true });
});

const rootCrl = () => buildCrl({ issuer: root, crlNumber: 1 });
const run = async (o: Partial<ValidatePathOptions>) =>
  validatePath(leaf.der, { trustAnchors: [root.der], intermediates: [ca.der], time: NOW, ...o });

describe('revocation by CRL', () => {
  it('reports good from a CRL that does not list the certificate', async () => {
    const r = await run({
      crls: [await buildCrl({ issuer: ca, crlNumber: 1 }), await rootCrl()],
      revocation: 'require',
    });
    expect([r.valid, r.path[0]?.revocation]).toEqual([true, { status: 'good', source: 'crl' }]);
  });

  it('reports CERT_REVOKED with reason and date', async () => {
    const crl = await buildCrl({
      issuer: ca,
      entries: [{ serial: 0x1234, reason: 1, date: new Date('2026-03-01T00:00:00Z') }],
    });
    const r = await run({ crls: [crl] });
    expect([r.verdict, r.code, r.path[0]?.revocation]).toEqual([
      'invalid',
      'CERT_REVOKED',
      {
        status: 'revoked',
        source: 'crl',
        reason: 'keyCompromise',
        revokedAt: new Date('2026-03-01T00:00:00Z'),
      },
    ]);
  });

  it('treats a revocation dated after the validation time as good', async () => {
    const crl = await buildCrl({
      issuer: ca,
      entries: [{ serial: 0x1234, date: new Date('2026-07-01T00:00:00Z') }],
      thisUpdate: new Date('2026-01-01T00:00:00Z'),
    });
    expect((await run({ crls: [crl] })).valid).toBe(true);
  });

  it('prefer: a certificate without a source is unknown with a warning but valid', async () => {
    const r = await run({ crls: [await buildCrl({ issuer: ca })] });
    expect([r.valid, r.path[1]?.revocation.status, r.warnings.length]).toEqual([true, 'unknown', 1]);
  });

  it('require: a certificate without a source makes the result indeterminate', async () => {
    const r = await run({ crls: [await buildCrl({ issuer: ca })], revocation: 'require' });
    expect([r.verdict, r.code, r.failures[0]?.index]).toEqual(['indeterminate', 'REVOCATION_UNKNOWN', 1]);
  });

  it('off: nothing is checked and the report says so', async () => {
    const crl = await buildCrl({ issuer: ca, entries: [{ serial: 0x1234 }] });
    const r = await run({ crls: [crl], revocation: 'off' });
    expect([r.valid, r.path[0]?.revocation.detail]).toEqual([true, 'not checked (revocation off)']);
  });

  it('ignores a CRL for another issuer (no source → unknown)', async () => {
    const r = await run({ crls: [await buildCrl({ issuer: other, entries: [{ serial: 0x1234 }] })] });
    expect([r.valid, r.path[0]?.revocation.status]).toEqual([true, 'unknown']);
  });

  it('CRL_EXPIRED makes the result indeterminate', async () => {
    const crl = await buildCrl({ issuer: ca, nextUpdate: new Date('2026-02-01T00:00:00Z') });
    const r = await run({ crls: [crl] });
    expect([r.verdict, r.code]).toEqual(['indeterminate', 'CRL_EXPIRED']);
  });

  it('CRL_NOT_YET_VALID when thisUpdate is in the future of the clock and of the validation time', async () => {
    const crl = await buildCrl({
      issuer: ca,
      thisUpdate: new Date('2099-01-01T00:00:00Z'),
      nextUpdate: null,
    });
    expect((await run({ crls: [crl] })).code).toBe('CRL_NOT_YET_VALID');
  });

  it('accepts a CRL issued after the validation time (newer evidence, e.g. at signing time)', async () => {
    const crl = await buildCrl({ issuer: ca, thisUpdate: new Date('2026-07-01T00:00:00Z') });
    expect((await run({ crls: [crl] })).path[0]?.revocation.status).toBe('good');
  });

  it('CRL_SIGNATURE_INVALID for a corrupted CRL signature', async () => {
    const crl = await buildCrl({ issuer: ca, corruptSignature: true });
    expect((await run({ crls: [crl] })).code).toBe('CRL_SIGNATURE_INVALID');
  });

  it('CRL_SIGNATURE_INVALID when the CRL is signed by a key not certified for the issuer', async () => {
    const crl = await buildCrl({ issuer: ca, signingKey: k[4]! });
    expect((await run({ crls: [crl] })).code).toBe('CRL_SIGNATURE_INVALID');
  });

  it('accepts a CRL signed by a different, certified key of the same CA', async () => {
    const crlSigner = await issue({
      subject: 'CN=Rev CA,C=JP',
      key: k[4]!,
      issuer: root,
      extensions: [ext.keyUsage(['cRLSign'])],
    });
    const crl = await buildCrl({ issuer: ca, signingKey: k[4]!, entries: [{ serial: 0x1234 }] });
    const r = await run({ crls: [crl], intermediates: [ca.der, crlSigner.der] });
    expect(r.code).toBe('CERT_REVOKED');
  });

  it('CRL_UNKNOWN_CRITICAL_EXTENSION for a CRL with an unknown critical extension', async () => {
    const { extension } = await import('@shomei/simulator/testing');
    const crl = await buildCrl({
      issuer: ca,
      extraExtensions: [extension('1.2.3.4', Uint8Array.of(5, 0), true)],
    });
    expect((await run({ crls: [crl] })).code).toBe('CRL_UNKNOWN_CRITICAL_EXTENSION');
  });

  it('skips a CRL whose IDP covers only CA certificates for an end-entity certificate', async () => {
    const crl = await buildCrl({ issuer: ca, idp: { onlyCA: true }, entries: [{ serial: 0x1234 }] });
    const r = await run({ crls: [crl] });
    expect([r.valid, r.path[0]?.revocation.status]).toEqual([true, 'unknown']);
  });

  it('uses a CRL whose IDP covers only user certificates for an end-entity certificate', async () => {
    const crl = await buildCrl({ issuer: ca, idp: { onlyUser: true }, entries: [{ serial: 0x1234 }] });
    expect((await run({ crls: [crl] })).code).toBe('CERT_REVOKED');
  });

  /** A leaf with CDP http://a.example/1.crl, serial 77 listed in a CRL whose IDP names `idpUri`. */
  async function viaDistributionPoint(idpUri: string) {
    const l = await issue({
      subject: 'CN=DP Leaf',
      key: k[2]!,
      issuer: ca,
      serial: 77,
      extensions: [ext.crlDp([{ uris: ['http://a.example/1.crl'] }])],
    });
    const crl = await buildCrl({ issuer: ca, idp: { uris: [idpUri] }, entries: [{ serial: 77 }] });
    return validatePath(l.der, { trustAnchors: [root.der], intermediates: [ca.der], time: NOW, crls: [crl] });
  }

  it('skips a CRL whose IDP distribution point differs from the certificate CDP', async () => {
    expect((await viaDistributionPoint('http://a.example/2.crl')).path[0]?.revocation.status).toBe('unknown');
  });

  it('uses a CRL whose IDP distribution point matches the certificate CDP', async () => {
    expect((await viaDistributionPoint('http://a.example/1.crl')).code).toBe('CERT_REVOKED');
  });

  it('a partitioned CRL covering some reasons only is not conclusive', async () => {
    const crl = await buildCrl({ issuer: ca, idp: { onlySomeReasons: [1] } });
    const r = await run({ crls: [crl, await rootCrl()], revocation: 'require' });
    expect(r.code).toBe('REVOCATION_UNKNOWN');
  });

  /** A leaf whose CRL DP names a distinct CRL issuer, checked against an indirect CRL listing serial 99. */
  async function viaIndirectCrl(entryIssuer: string) {
    const crlIssuer = await issue({
      subject: 'CN=Indirect CRL Issuer,C=JP',
      key: k[5]!,
      issuer: root,
      extensions: [ext.keyUsage(['cRLSign'])],
    });
    const l = await issue({
      subject: 'CN=Indirect Leaf',
      key: k[2]!,
      issuer: ca,
      serial: 99,
      extensions: [ext.crlDp([{ crlIssuer: [gn.dir('CN=Indirect CRL Issuer,C=JP')] }])],
    });
    const crl = await buildCrl({
      issuer: crlIssuer,
      idp: { indirect: true },
      entries: [{ serial: 99, certificateIssuer: entryIssuer }],
    });
    return validatePath(l.der, {
      trustAnchors: [root.der],
      intermediates: [ca.der, crlIssuer.der],
      time: NOW,
      crls: [crl],
    });
  }

  it('an indirect CRL from a distinct CRL issuer revokes via certificateIssuer', async () => {
    expect((await viaIndirectCrl('CN=Rev CA,C=JP')).code).toBe('CERT_REVOKED');
  });

  it('an indirect CRL does not apply an entry of another certificate issuer', async () => {
    const r = await viaIndirectCrl('CN=Someone Else,C=JP');
    expect([r.valid, r.path[0]?.revocation]).toEqual([true, { status: 'good', source: 'crl' }]);
  });

  it('a delta CRL adds a revocation after the base', async () => {
    const base = await buildCrl({ issuer: ca, crlNumber: 10 });
    const delta = await buildCrl({
      issuer: ca,
      crlNumber: 11,
      deltaOf: 10,
      entries: [{ serial: 0x1234, reason: 1 }],
    });
    expect((await run({ crls: [base, delta] })).code).toBe('CERT_REVOKED');
  });

  it('a delta CRL with removeFromCRL releases a certificateHold of the base', async () => {
    const base = await buildCrl({ issuer: ca, crlNumber: 10, entries: [{ serial: 0x1234, reason: 6 }] });
    const delta = await buildCrl({
      issuer: ca,
      crlNumber: 11,
      deltaOf: 10,
      entries: [{ serial: 0x1234, reason: 8 }],
    });
    expect((await run({ crls: [base, delta] })).valid).toBe(true);
  });

  it('a certificateHold in the base stays revoked without a delta', async () => {
    const base = await buildCrl({ issuer: ca, crlNumber: 10, entries: [{ serial: 0x1234, reason: 6 }] });
    const r = await run({ crls: [base] });
    expect(r.path[0]?.revocation.reason).toBe('certificateHold');
  });

  it('ignores a delta CRL based on a newer CRL than the one given', async () => {
    const base = await buildCrl({ issuer: ca, crlNumber: 10 });
    const delta = await buildCrl({ issuer: ca, crlNumber: 13, deltaOf: 12, entries: [{ serial: 0x1234 }] });
    expect((await run({ crls: [base, delta] })).valid).toBe(true);
  });

  it('rejects unreadable CRL bytes with CRL_MALFORMED', async () => {
    await expect(run({ crls: [Uint8Array.of(0x30, 0x01, 0x00)] })).rejects.toMatchObject({
      code: 'CRL_MALFORMED',
    });
  });
});

describe('revocation by OCSP', () => {
  it('reports good from an OCSP response signed by the CA', async () => {
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca });
    const r = await run({ ocsp: [resp] });
    expect(r.path[0]?.revocation).toEqual({ status: 'good', source: 'ocsp' });
  });

  it('reports revoked from OCSP with reason', async () => {
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, status: 'revoked', reason: 1 });
    const r = await run({ ocsp: [resp] });
    expect([r.code, r.path[0]?.revocation.reason]).toEqual(['CERT_REVOKED', 'keyCompromise']);
  });

  it('accepts a delegated responder with id-kp-OCSPSigning issued by the CA', async () => {
    const responder = await issue({
      subject: 'CN=OCSP',
      key: k[4]!,
      issuer: ca,
      extensions: [ext.extKeyUsage([KP_OID.ocspSigning])],
    });
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, responder });
    expect((await run({ ocsp: [resp] })).path[0]?.revocation.source).toBe('ocsp');
  });

  it('OCSP_RESPONDER_UNAUTHORIZED for a responder without id-kp-OCSPSigning', async () => {
    const responder = await issue({ subject: 'CN=OCSP', key: k[4]!, issuer: ca });
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, responder });
    expect((await run({ ocsp: [resp] })).code).toBe('OCSP_RESPONDER_UNAUTHORIZED');
  });

  it('OCSP_RESPONDER_UNAUTHORIZED for a responder certified by another CA', async () => {
    const responder = await issue({
      subject: 'CN=OCSP',
      key: k[4]!,
      issuer: other,
      extensions: [ext.extKeyUsage([KP_OID.ocspSigning])],
    });
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, responder });
    expect((await run({ ocsp: [resp] })).code).toBe('OCSP_RESPONDER_UNAUTHORIZED');
  });

  it('OCSP_SIGNATURE_INVALID for a corrupted response signature', async () => {
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, corruptSignature: true });
    expect((await run({ ocsp: [resp] })).code).toBe('OCSP_SIGNATURE_INVALID');
  });

  it('OCSP_STALE when nextUpdate has passed', async () => {
    const resp = await buildOcspResponse({
      cert: leaf,
      issuer: ca,
      thisUpdate: new Date('2026-01-01T00:00:00Z'),
      nextUpdate: new Date('2026-02-01T00:00:00Z'),
    });
    const r = await run({ ocsp: [resp] });
    expect([r.verdict, r.code]).toEqual(['indeterminate', 'OCSP_STALE']);
  });

  it('a response for another certificate is no source for this one', async () => {
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, serial: 999 });
    expect((await run({ ocsp: [resp], revocation: 'require' })).code).toBe('REVOCATION_UNKNOWN');
  });

  it('OCSP_STATUS for a tryLater response', async () => {
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, responseStatus: 3 });
    expect((await run({ ocsp: [resp] })).code).toBe('OCSP_STATUS');
  });

  it('falls back to the CRL when OCSP says unknown', async () => {
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, status: 'unknown' });
    const crl = await buildCrl({ issuer: ca, entries: [{ serial: 0x1234 }] });
    const r = await run({ ocsp: [resp], crls: [crl] });
    expect(r.path[0]?.revocation.source).toBe('crl');
  });

  it('consults the CRL first when the order says so', async () => {
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca });
    const crl = await buildCrl({ issuer: ca });
    const r = await run({
      ocsp: [resp],
      crls: [crl],
      revocation: { mode: 'prefer', order: ['crl', 'ocsp'] },
    });
    expect(r.path[0]?.revocation.source).toBe('crl');
  });
});

describe('CRL signer revocation (§6.3.3 (f))', () => {
  it('rejects a CRL signed by a distinct CRL-signing certificate that is itself revoked', async () => {
    const crlSigner = await issue({
      subject: 'CN=Rev CA,C=JP',
      key: k[4]!,
      issuer: root,
      serial: 0x5150,
      extensions: [ext.keyUsage(['cRLSign'])],
    });
    const caCrl = await buildCrl({ issuer: ca, signingKey: k[4]!, entries: [] });
    const rootCrlRevokingSigner = await buildCrl({ issuer: root, entries: [{ serial: 0x5150, reason: 1 }] });
    const r = await run({
      crls: [caCrl, rootCrlRevokingSigner],
      intermediates: [ca.der, crlSigner.der],
      revocation: 'require',
    });
    expect([r.valid, r.failures[0]?.index, r.code]).toEqual([false, 0, 'CRL_SIGNATURE_INVALID']);
  });

  it('accepts the same CRL when its signer is not revoked', async () => {
    const crlSigner = await issue({
      subject: 'CN=Rev CA,C=JP',
      key: k[4]!,
      issuer: root,
      serial: 0x5151,
      extensions: [ext.keyUsage(['cRLSign'])],
    });
    const caCrl = await buildCrl({ issuer: ca, signingKey: k[4]!, entries: [] });
    const r = await run({
      crls: [caCrl, await rootCrl()],
      intermediates: [ca.der, crlSigner.der],
      revocation: 'require',
    });
    expect(r.valid).toBe(true);
  });
});

describe('indirect CRL entries without certificateIssuer', () => {
  it('belong to the CRL issuer, not to the certificate issuer (§5.3.3)', async () => {
    const crlIssuer = await issue({
      subject: 'CN=Indirect CRL Issuer,C=JP',
      key: k[5]!,
      issuer: root,
      extensions: [ext.keyUsage(['cRLSign'])],
    });
    const l = await issue({
      subject: 'CN=Indirect Leaf 2',
      key: k[2]!,
      issuer: ca,
      serial: 98,
      extensions: [ext.crlDp([{ crlIssuer: [gn.dir('CN=Indirect CRL Issuer,C=JP')] }])],
    });
    const crl = await buildCrl({ issuer: crlIssuer, idp: { indirect: true }, entries: [{ serial: 98 }] });
    const r = await validatePath(l.der, {
      trustAnchors: [root.der],
      intermediates: [ca.der, crlIssuer.der],
      time: NOW,
      crls: [crl],
    });
    expect([r.valid, r.path[0]?.revocation.status]).toEqual([true, 'good']);
  });
});

describe('path search with revocation', () => {
  it('tries another path when the first structurally valid one has a revoked CA', async () => {
    // Two CA certificates with the same name and key: the one found first is revoked by the root.
    const revokedCa = await issue({
      subject: 'CN=Rev CA,C=JP',
      key: k[1]!,
      issuer: root,
      ca: true,
      serial: 0x7001,
    });
    const goodCa = await issue({
      subject: 'CN=Rev CA,C=JP',
      key: k[1]!,
      issuer: root,
      ca: true,
      serial: 0x7002,
    });
    const crls = [
      await buildCrl({ issuer: root, entries: [{ serial: 0x7001 }] }),
      await buildCrl({ issuer: ca }),
    ];
    const r = await run({ intermediates: [revokedCa.der, goodCa.der], crls, revocation: 'require' });
    expect([r.valid, r.path[1]?.serial]).toEqual([true, '7002']);
  });

  it('reports the revoked path when no other path exists', async () => {
    const revokedCa = await issue({
      subject: 'CN=Rev CA,C=JP',
      key: k[1]!,
      issuer: root,
      ca: true,
      serial: 0x7003,
    });
    const crls = [
      await buildCrl({ issuer: root, entries: [{ serial: 0x7003 }] }),
      await buildCrl({ issuer: ca }),
    ];
    const r = await run({ intermediates: [revokedCa.der], crls, revocation: 'require' });
    expect([r.code, r.failures[0]?.index]).toEqual(['CERT_REVOKED', 1]);
  });
});

describe('unreadable revocation inputs', () => {
  it('rejects a malformed OCSP response with OCSP_MALFORMED', async () => {
    await expect(run({ ocsp: [Uint8Array.of(0x30, 0x00)] })).rejects.toMatchObject({
      code: 'OCSP_MALFORMED',
    });
  });
});

describe('CRL issuer keyUsage (§6.3.3 (f))', () => {
  it('CRL_SIGNATURE_INVALID when the issuing CA lacks cRLSign', async () => {
    const noCrlSign = await issue({
      subject: 'CN=NoCRLSign CA',
      key: k[4]!,
      issuer: root,
      ca: true,
      extensions: [ext.keyUsage(['keyCertSign'])],
    });
    const l = await issue({ subject: 'CN=L', key: k[2]!, issuer: noCrlSign });
    const crl = await buildCrl({ issuer: noCrlSign });
    const r = await validatePath(l.der, {
      trustAnchors: [root.der],
      intermediates: [noCrlSign.der],
      time: NOW,
      crls: [crl],
    });
    expect(r.code).toBe('CRL_SIGNATURE_INVALID');
  });
});

describe('CRL signature memo', () => {
  it('a key that signed a CRL does not excuse another certificate of that key lacking cRLSign', async () => {
    // The same CA key certified twice under the same name: once for CRLs, once without cRLSign.
    const noCrlSign = await issue({
      subject: 'CN=Rev CA,C=JP',
      key: k[1]!,
      issuer: root,
      ca: true,
      extensions: [ext.keyUsage(['keyCertSign'])],
    });
    const crlDer = await buildCrl({ issuer: ca, crlNumber: 3 });
    const shared = CrlIndex.from(crlDer);
    const o = (crl: CrlIndex, intermediate: TestCert) => ({
      trustAnchors: [root.der],
      intermediates: [intermediate.der],
      time: NOW,
      crls: [crl, CrlIndex.from(rootCrl0)],
      revocation: 'require' as const,
    });
    const first = await validatePath(leaf.der, o(shared, ca));
    const reused = await validatePath(leaf.der, o(shared, noCrlSign));
    const fresh = await validatePath(leaf.der, o(CrlIndex.from(crlDer), noCrlSign));
    expect([first.valid, reused.valid, reused.code, reused.path[0]?.revocation.status]).toEqual([
      true,
      false,
      fresh.code,
      fresh.path[0]?.revocation.status,
    ]);
  });
});

let rootCrl0: Uint8Array;
beforeAll(async () => {
  rootCrl0 = await rootCrl();
});

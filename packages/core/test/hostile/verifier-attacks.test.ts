/**
 * Verifier attacks on path validation and revocation. Each test is an attacker's move
 * against validatePath; the verdict must be the typed refusal RFC 5280 / RFC 6960 call for.
 */

import {
  buildCrl,
  buildOcspResponse,
  DER_NULL,
  ext,
  generateKey,
  gn,
  issue,
  NOW,
  oid,
  seq,
  type TestCert,
  type TestKey,
} from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeTlv } from '../../src/der/writer.js';
import type { ValidatePathOptions } from '../../src/path/types.js';
import { validatePath } from '../../src/path/validate-path.js';

let root: TestCert;
let ca: TestCert;
let leaf: TestCert;
let k: TestKey[];

beforeAll(async () => {
  k = await Promise.all(Array.from({ length: 6 }, () => generateKey()));
  root = await issue({ subject: 'CN=Attack Root,O=Shomei,C=JP', key: k[0]!, ca: true });
  ca = await issue({ subject: 'CN=Attack CA,O=Shomei,C=JP', key: k[1]!, issuer: root, ca: true });
  leaf = await issue({ subject: 'CN=Attack Leaf,O=Shomei,C=JP', key: k[2]!, issuer: ca, serial: 0x4242 });
});

const run = (target: Uint8Array, o: Partial<ValidatePathOptions> = {}) =>
  validatePath(target, {
    trustAnchors: [root.der],
    intermediates: [ca.der],
    time: NOW,
    revocation: 'off',
    ...o,
  });

describe('verifier attacks: extensions and roles', () => {
  it('an unknown critical extension in the leaf is UNKNOWN_CRITICAL_EXTENSION', async () => {
    const l = await issue({
      subject: 'CN=Crit,O=Shomei,C=JP',
      key: k[3]!,
      issuer: ca,
      extensions: [ext.raw('1.2.3.4.5.6.7', seq(), true)],
    });
    expect((await run(l.der)).code).toBe('UNKNOWN_CRITICAL_EXTENSION');
  });

  it('an unknown critical extension in the intermediate is UNKNOWN_CRITICAL_EXTENSION', async () => {
    const c = await issue({
      subject: 'CN=Crit CA,O=Shomei,C=JP',
      key: k[3]!,
      issuer: root,
      ca: true,
      extensions: [ext.raw('1.2.3.4.5.6.8', DER_NULL, true)],
    });
    const l = await issue({ subject: 'CN=Under Crit,O=Shomei,C=JP', key: k[4]!, issuer: c });
    expect((await run(l.der, { intermediates: [c.der] })).code).toBe('UNKNOWN_CRITICAL_EXTENSION');
  });

  it('a leaf used as a CA (no basicConstraints) cannot issue: BASIC_CONSTRAINTS', async () => {
    const victim = await issue({ subject: 'CN=Forged,O=Shomei,C=JP', key: k[3]!, issuer: leaf });
    const r = await run(victim.der, { intermediates: [ca.der, leaf.der] });
    expect(r.valid).toBe(false);
    expect(['BASIC_CONSTRAINTS', 'PATH_NOT_FOUND']).toContain(r.code);
  });

  it('a leaf asserting cA=false explicitly cannot issue: BASIC_CONSTRAINTS', async () => {
    const fake = await issue({
      subject: 'CN=NotCA,O=Shomei,C=JP',
      key: k[3]!,
      issuer: ca,
      extensions: [ext.basicConstraints(false), ext.keyUsage(['keyCertSign', 'digitalSignature'])],
    });
    const victim = await issue({ subject: 'CN=Forged2,O=Shomei,C=JP', key: k[4]!, issuer: fake });
    const r = await run(victim.der, { intermediates: [ca.der, fake.der] });
    expect(r.valid).toBe(false);
    expect(['BASIC_CONSTRAINTS', 'PATH_NOT_FOUND']).toContain(r.code);
  });

  it('a CA certificate with cA=true but no keyCertSign cannot issue: KEY_USAGE', async () => {
    const c = await issue({
      subject: 'CN=NoSign CA,O=Shomei,C=JP',
      key: k[3]!,
      issuer: root,
      extensions: [ext.basicConstraints(true), ext.keyUsage(['digitalSignature'])],
    });
    const l = await issue({ subject: 'CN=Under NoSign,O=Shomei,C=JP', key: k[4]!, issuer: c });
    expect((await run(l.der, { intermediates: [c.der] })).code).toBe('KEY_USAGE');
  });

  it('a v1 certificate cannot act as an intermediate CA (RFC 5280 §6.1.4 (k))', async () => {
    const v1 = await issue({ subject: 'CN=V1 CA,O=Shomei,C=JP', key: k[3]!, issuer: root, version: 1 });
    const l = await issue({ subject: 'CN=Under V1,O=Shomei,C=JP', key: k[4]!, issuer: v1, bare: true });
    const r = await run(l.der, { intermediates: [v1.der] });
    expect(r.valid).toBe(false);
  });

  it('a CA certificate validated as a target (a CA cert used as a leaf) is still checked to its anchor', async () => {
    // RFC 5280 does not forbid a CA certificate as the target; what must hold is that it is not
    // accepted on its own authority: a self-signed CA not among the anchors is PATH_NOT_FOUND/NO_TRUST.
    const rogue = await issue({ subject: 'CN=Attack CA,O=Shomei,C=JP', key: k[5]!, ca: true });
    const r = await run(rogue.der);
    expect(r.valid).toBe(false);
  });
});

describe('verifier attacks: name constraints', () => {
  const constrainedCa = (permitted: Uint8Array[], excluded?: Uint8Array[]) =>
    issue({
      subject: 'CN=NC CA,O=Shomei,C=JP',
      key: k[3]!,
      issuer: root,
      ca: true,
      extensions: [ext.nameConstraints({ permitted, ...(excluded ? { excluded } : {}) })],
    });

  it('a SAN directoryName outside the permitted subtree is refused even when the subject DN is inside', async () => {
    const c = await constrainedCa([gn.dir('O=Shomei,C=JP')]);
    const l = await issue({
      subject: 'CN=Inside,O=Shomei,C=JP',
      key: k[4]!,
      issuer: c,
      extensions: [ext.san([gn.dir('CN=Bank,O=Other,C=JP')])],
    });
    expect((await run(l.der, { intermediates: [c.der] })).code).toBe('NAME_CONSTRAINTS');
  });

  it('a subject DN outside the permitted subtree is refused even when the SAN is inside', async () => {
    const c = await constrainedCa([gn.dir('O=Shomei,C=JP'), gn.dns('example.jp')]);
    const l = await issue({
      subject: 'CN=Outside,O=Other,C=JP',
      key: k[4]!,
      issuer: c,
      extensions: [ext.san([gn.dns('www.example.jp')])],
    });
    expect((await run(l.der, { intermediates: [c.der] })).code).toBe('NAME_CONSTRAINTS');
  });

  it('an excluded dNSName written in upper case is still excluded', async () => {
    const c = await constrainedCa([gn.dns('example.jp')], [gn.dns('bad.example.jp')]);
    const l = await issue({
      subject: 'CN=Case,O=Shomei,C=JP',
      key: k[4]!,
      issuer: c,
      extensions: [ext.san([gn.dns('WWW.BAD.EXAMPLE.JP')])],
    });
    expect((await run(l.der, { intermediates: [c.der] })).code).toBe('NAME_CONSTRAINTS');
  });

  it('an email in the subject DN (not in the SAN) outside an rfc822Name constraint is refused', async () => {
    const c = await constrainedCa([gn.email('example.jp')]);
    const l = await issue({
      subject: 'emailAddress=evil@attacker.example,CN=Mail,O=Shomei,C=JP',
      key: k[4]!,
      issuer: c,
    });
    expect((await run(l.der, { intermediates: [c.der] })).code).toBe('NAME_CONSTRAINTS');
  });
});

describe('verifier attacks: time', () => {
  it('a certificate expired now is valid at a signing time inside its validity, and CERT_EXPIRED at now', async () => {
    const l = await issue({
      subject: 'CN=Expired,O=Shomei,C=JP',
      key: k[4]!,
      issuer: ca,
      notBefore: new Date('2025-02-01T00:00:00Z'),
      notAfter: new Date('2026-03-01T00:00:00Z'),
    });
    expect((await run(l.der, { time: new Date('2026-01-15T00:00:00Z') })).valid).toBe(true);
    expect((await run(l.der, { time: NOW })).code).toBe('CERT_EXPIRED');
  });

  it('a signing time before the certificate existed is CERT_NOT_YET_VALID', async () => {
    const l = await issue({
      subject: 'CN=Young,O=Shomei,C=JP',
      key: k[4]!,
      issuer: ca,
      notBefore: new Date('2026-05-01T00:00:00Z'),
    });
    expect((await run(l.der, { time: new Date('2026-04-01T00:00:00Z') })).code).toBe('CERT_NOT_YET_VALID');
  });
});

describe('verifier attacks: revocation evidence', () => {
  it('a CRL signed by the wrong key is CRL_SIGNATURE_INVALID, never "good"', async () => {
    const crl = await buildCrl({ issuer: ca, signingKey: k[5]! });
    expect((await run(leaf.der, { crls: [crl], revocation: 'prefer' })).code).toBe('CRL_SIGNATURE_INVALID');
  });

  it('a CRL from a look-alike issuer (same name, other key) does not clear a revoked certificate', async () => {
    const real = await buildCrl({ issuer: ca, entries: [{ serial: 0x4242, reason: 1 }] });
    const fake = await buildCrl({ issuer: { subject: ca.subject, key: k[5]! }, crlNumber: 99 });
    const r = await run(leaf.der, { crls: [fake, real], revocation: 'require' });
    expect(r.valid).toBe(false);
  });

  it('an OCSP "good" for another certificate is no evidence for this one', async () => {
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, serial: 0x4243 });
    const r = await run(leaf.der, { ocsp: [resp], revocation: 'require' });
    expect(r.valid).toBe(false);
    expect(r.code).toBe('REVOCATION_UNKNOWN');
  });

  it('an OCSP "good" replayed after its nextUpdate is OCSP_STALE', async () => {
    const resp = await buildOcspResponse({
      cert: leaf,
      issuer: ca,
      thisUpdate: new Date('2026-01-01T00:00:00Z'),
      nextUpdate: new Date('2026-01-08T00:00:00Z'),
    });
    const r = await run(leaf.der, { ocsp: [resp], revocation: 'require' });
    expect([r.valid, r.code]).toEqual([false, 'OCSP_STALE']);
  });

  it('an OCSP "good" produced after the certificate was revoked does not override a CRL entry', async () => {
    const crl = await buildCrl({
      issuer: ca,
      entries: [{ serial: 0x4242, reason: 1, date: new Date('2026-02-01T00:00:00Z') }],
    });
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, responder: leaf });
    const r = await run(leaf.der, { ocsp: [resp], crls: [crl], revocation: 'require' });
    expect(r.valid).toBe(false);
  });

  it('an OCSP response signed by the certificate itself (no id-kp-OCSPSigning) is OCSP_RESPONDER_UNAUTHORIZED', async () => {
    const resp = await buildOcspResponse({ cert: leaf, issuer: ca, responder: leaf });
    expect((await run(leaf.der, { ocsp: [resp], revocation: 'require' })).code).toBe(
      'OCSP_RESPONDER_UNAUTHORIZED',
    );
  });
});

describe('verifier attacks: algorithm and parameter confusion', () => {
  const ecdsaSha256 = '1.2.840.10045.4.3.2';
  it('outer signatureAlgorithm differing from the TBS signature field is refused', async () => {
    const l = await issue({
      subject: 'CN=Swap,O=Shomei,C=JP',
      key: k[4]!,
      issuer: ca,
      outerSignatureAlgorithm: seq(oid('1.2.840.10045.4.3.3')),
    });
    expect((await run(l.der)).valid).toBe(false);
  });

  it('ecdsa-with-SHA256 carrying NULL parameters in both fields is refused or flagged, never silently accepted as another algorithm', async () => {
    const withNull = seq(oid(ecdsaSha256), DER_NULL);
    const l = await issue({
      subject: 'CN=Params,O=Shomei,C=JP',
      key: k[4]!,
      issuer: ca,
      tbsSignatureAlgorithm: withNull,
      outerSignatureAlgorithm: withNull,
    });
    const r = await run(l.der);
    // RFC 5758 §3.2: the parameters MUST be absent. Record what the verifier does: it must not crash.
    expect(typeof r.valid).toBe('boolean');
    if (!r.valid) expect(r.code).toMatch(/SIGNATURE|CERT_MALFORMED/);
  });

  it('an RSA algorithm identifier over an EC issuer key is SIGNATURE_ALGORITHM_UNSUPPORTED or SIGNATURE_INVALID', async () => {
    const rsa = seq(oid('1.2.840.113549.1.1.11'), DER_NULL);
    const l = await issue({
      subject: 'CN=RsaOnEc,O=Shomei,C=JP',
      key: k[4]!,
      issuer: ca,
      tbsSignatureAlgorithm: rsa,
      outerSignatureAlgorithm: rsa,
    });
    expect((await run(l.der)).code).toMatch(/^SIGNATURE_(ALGORITHM_UNSUPPORTED|INVALID)$/);
  });

  it('an unknown signature OID with the right bytes is SIGNATURE_ALGORITHM_UNSUPPORTED', async () => {
    const odd = seq(oid('1.2.840.10045.4.3.9'));
    const l = await issue({
      subject: 'CN=Odd,O=Shomei,C=JP',
      key: k[4]!,
      issuer: ca,
      tbsSignatureAlgorithm: odd,
      outerSignatureAlgorithm: odd,
    });
    expect((await run(l.der)).code).toMatch(/^SIGNATURE_(ALGORITHM_UNSUPPORTED|INVALID)$/);
  });

  it('a signature BIT STRING with unused bits is refused', async () => {
    const l = await issue({ subject: 'CN=Bits,O=Shomei,C=JP', key: k[4]!, issuer: ca });
    // Set the unused-bits octet of the final BIT STRING to 1: same bytes, different value.
    const der = l.der.slice();
    const sigTag = lastBitStringOffset(der);
    der[sigTag.contents]! = 1;
    const r = await run(der);
    expect(r.valid).toBe(false);
  });
});

/** Offset of the contents (unused-bits octet) of the outer signature BIT STRING. */
function lastBitStringOffset(der: Uint8Array): { contents: number } {
  // Certificate ::= SEQUENCE { tbs, alg, BIT STRING }: walk the three children of the outer SEQUENCE.
  const header = (at: number) => {
    const first = der[at + 1]!;
    if (first < 0x80) return { len: first, head: 2 };
    const n = first & 0x7f;
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[at + 2 + i]!;
    return { len, head: 2 + n };
  };
  const outer = header(0);
  let p = outer.head;
  for (let i = 0; i < 2; i++) {
    const h = header(p);
    p += h.head + h.len;
  }
  return { contents: p + header(p).head };
}

void encodeTlv;

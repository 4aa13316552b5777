import { buildCrl, issue, NOW, sharedRsaKey, type TestCert } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { validatePath } from '../path/validate-path.js';
import { CrlIndex } from '../revocation/crl-index.js';
import { defaultContext, ShomeiContext } from './context.js';
import { type SignatureBackend, webCryptoBackend } from './crypto-backend.js';

let root: TestCert;
let ca: TestCert;
let leafA: TestCert;
let leafB: TestCert;
let crlRevokingA: Uint8Array;
let crlRevokingB: Uint8Array;
let rootCrl: Uint8Array;

beforeAll(async () => {
  // RSA keys: signatures of one length, so certificates and CRLs that differ in a serial have one length.
  const [rk, ck, lk] = await Promise.all([sharedRsaKey(0), sharedRsaKey(1), sharedRsaKey(2)]);
  root = await issue({ subject: 'CN=Test Root,O=Shomei,C=JP', key: rk, ca: true });
  ca = await issue({ subject: 'CN=Test CA,O=Shomei,C=JP', key: ck, ca: true, issuer: root });
  // Same subject, key and length; only the serial (and so the signature) differs.
  leafA = await issue({ subject: 'CN=Leaf,O=Shomei,C=JP', key: lk, issuer: ca, serial: 0x2a });
  leafB = await issue({ subject: 'CN=Leaf,O=Shomei,C=JP', key: lk, issuer: ca, serial: 0x2b });
  rootCrl = await buildCrl({ issuer: root });
  const crl = (serial: number) =>
    buildCrl({ issuer: ca, entries: [{ serial, reason: 1, date: new Date('2026-03-01T00:00:00Z') }] });
  [crlRevokingA, crlRevokingB] = await Promise.all([crl(0x2a), crl(0x2b)]);
});

const options = (crls: Uint8Array[], context?: ShomeiContext) => ({
  trustAnchors: [root.der],
  intermediates: [ca.der],
  crls: [...crls, rootCrl],
  time: NOW,
  revocation: 'require' as const,
  ...(context ? { context } : {}),
});

describe('no answer comes from a buffer the caller overwrote', () => {
  it('a certificate buffer overwritten in place is validated as its new bytes', async () => {
    expect([leafA.der.length, crlRevokingA.length]).toEqual([leafB.der.length, crlRevokingB.length]);
    const buf = new Uint8Array(leafA.der);
    const first = await validatePath(buf, options([crlRevokingB]));
    buf.set(leafB.der);
    const second = await validatePath(buf, options([crlRevokingB]));
    expect([first.code, second.code, second.path[0]?.serial]).toEqual(['OK', 'CERT_REVOKED', '2b']);
  });

  it('a CRL buffer overwritten in place is read as its new bytes', async () => {
    const crl = new Uint8Array(crlRevokingB);
    const first = await validatePath(leafA.der, options([crl]));
    crl.set(crlRevokingA);
    const second = await validatePath(leafA.der, options([crl]));
    expect([first.code, second.code]).toEqual(['OK', 'CERT_REVOKED']);
  });

  it('a CRL buffer whose signature is overwritten in place is refused the second time', async () => {
    const crl = new Uint8Array(crlRevokingB);
    const first = await validatePath(leafA.der, options([crl]));
    crl[crl.length - 1]! ^= 0x01;
    const second = await validatePath(leafA.der, options([crl]));
    expect([first.code, second.code]).toEqual(['OK', 'CRL_SIGNATURE_INVALID']);
  });
});

describe('ShomeiContext', () => {
  /** WebCrypto, counting the signatures it is asked to check. */
  const counting = () => {
    const inner = webCryptoBackend();
    const backend: SignatureBackend & { calls: number } = {
      calls: 0,
      verify(spki, scheme, signature, data) {
        backend.calls++;
        return inner.verify(spki, scheme, signature, data);
      },
    };
    return backend;
  };

  it('checks every signature of a validation with the backend it was given', async () => {
    const crypto = counting();
    const r = await validatePath(leafA.der, options([crlRevokingB], new ShomeiContext({ crypto })));
    // leaf and CA certificate signatures, and the two CRLs'
    expect([r.code, crypto.calls]).toEqual(['OK', 4]);
  });

  it('keeps its verdicts to itself: another context checks the signatures again', async () => {
    const one = counting();
    const two = counting();
    const a = new ShomeiContext({ crypto: one });
    await validatePath(leafB.der, options([crlRevokingA], a));
    await validatePath(leafB.der, options([crlRevokingA], a));
    await validatePath(leafB.der, options([crlRevokingA], new ShomeiContext({ crypto: two })));
    expect([one.calls, two.calls]).toEqual([4, 4]);
  });

  it('keeps CRL signature verdicts to itself for a CrlIndex the caller shares between contexts', async () => {
    const one = counting();
    const two = counting();
    const shared = [CrlIndex.from(crlRevokingA), CrlIndex.from(rootCrl)];
    const opts = (context: ShomeiContext) => ({ ...options([], context), crls: shared });
    const a = await validatePath(leafB.der, opts(new ShomeiContext({ crypto: one })));
    const b = await validatePath(leafB.der, opts(new ShomeiContext({ crypto: two })));
    expect([a.code, b.code, one.calls, two.calls]).toEqual(['OK', 'OK', 4, 4]);
  });

  it('forgets its verdicts on clear()', async () => {
    const crypto = counting();
    const c = new ShomeiContext({ crypto });
    await validatePath(leafB.der, options([crlRevokingA], c));
    c.clear();
    await validatePath(leafB.der, options([crlRevokingA], c));
    expect(crypto.calls).toBe(8);
  });

  it('is WebCrypto by default, and the default context is one object', () => {
    expect([
      new ShomeiContext().crypto === defaultContext.crypto,
      defaultContext instanceof ShomeiContext,
    ]).toEqual([false, true]);
  });
});

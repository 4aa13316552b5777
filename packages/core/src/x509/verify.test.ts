import { ctx, DER_NULL, int, oid, seq } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from './verify.js';

const subtle = globalThis.crypto.subtle;
const data = new TextEncoder().encode('to be signed');
let pss: CryptoKeyPair;
let pssSpki: Uint8Array;

/** RSASSA-PSS-params (RFC 4055 §3.1) for SHA-256, MGF1-SHA-256, salt 32. */
const pssAlgorithm = {
  oid: '1.2.840.113549.1.1.10',
  params: seq(
    ctx(0, true, seq(oid('2.16.840.1.101.3.4.2.1'), DER_NULL)),
    ctx(1, true, seq(oid('1.2.840.113549.1.1.8'), seq(oid('2.16.840.1.101.3.4.2.1'), DER_NULL))),
    ctx(2, true, int(32)),
  ),
};

beforeAll(async () => {
  pss = (await subtle.generateKey(
    { name: 'RSA-PSS', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  pssSpki = new Uint8Array(await subtle.exportKey('spki', pss.publicKey));
});

describe('verifySignature', () => {
  it('verifies RSASSA-PSS with SHA-256 and a 32-byte salt', async () => {
    const sig = new Uint8Array(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pss.privateKey, data));
    expect(await verifySignature(pssSpki, pssAlgorithm, sig, data)).toBe(true);
  });

  it('rejects an RSASSA-PSS signature over other data', async () => {
    const sig = new Uint8Array(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pss.privateKey, data));
    expect(await verifySignature(pssSpki, pssAlgorithm, sig, Uint8Array.of(1))).toBe(false);
  });

  it('throws SIGNATURE_ALGORITHM_UNSUPPORTED for an unknown algorithm', async () => {
    await expect(verifySignature(pssSpki, { oid: '1.2.3.4' }, Uint8Array.of(1), data)).rejects.toMatchObject({
      code: 'SIGNATURE_ALGORITHM_UNSUPPORTED',
    });
  });

  it('returns false for a malformed ECDSA signature instead of throwing', async () => {
    const ec = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const spki = new Uint8Array(await subtle.exportKey('spki', ec.publicKey));
    expect(await verifySignature(spki, { oid: '1.2.840.10045.4.3.2' }, Uint8Array.of(0x30, 0x00), data)).toBe(
      false,
    );
  });
});

import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { ctx, DER_NULL, generateKey, int, oid, seq, sharedRsaKey, sign } from '@shomei/simulator/testing';
import { describe, expect, it } from 'vitest';
import type { AlgorithmIdentifier } from '../x509/certificate.js';
import { defaultContext } from '../x509/context.js';
import { verifySignature as verifyWith } from '../x509/verify.js';
import { nodeContext, nodeCryptoBackend } from './crypto-backend.js';

const data = new TextEncoder().encode('node backend');
const verifySignature = (spki: Uint8Array, alg: AlgorithmIdentifier, sig: Uint8Array, d: Uint8Array) =>
  verifyWith(spki, alg, sig, d, {}, nodeContext);

describe('the node:crypto context', () => {
  it('is a context of its own: the default context keeps WebCrypto', () => {
    expect([nodeContext === defaultContext, nodeContext.crypto === defaultContext.crypto]).toEqual([
      false,
      false,
    ]);
  });

  it('verifies RSASSA-PKCS1-v1_5 with SHA-256', async () => {
    const k = await sharedRsaKey(0);
    const sig = await sign(k, data);
    expect(await verifySignature(k.spki, { oid: '1.2.840.113549.1.1.11', params: DER_NULL }, sig, data)).toBe(
      true,
    );
  });

  it('verifies DER-encoded ECDSA P-256', async () => {
    const k = await generateKey('ec');
    const sig = await sign(k, data);
    expect(await verifySignature(k.spki, { oid: '1.2.840.10045.4.3.2' }, sig, data)).toBe(true);
  });

  it('rejects a signature over other data', async () => {
    const k = await generateKey('ec');
    const sig = await sign(k, data);
    expect(await verifySignature(k.spki, { oid: '1.2.840.10045.4.3.2' }, sig, Uint8Array.of(1))).toBe(false);
  });

  it('verifies RSASSA-PSS with the salt length from the parameters', async () => {
    const subtle = globalThis.crypto.subtle;
    const pair = (await subtle.generateKey(
      { name: 'RSA-PSS', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
    const sig = new Uint8Array(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pair.privateKey, data));
    const alg = {
      oid: '1.2.840.113549.1.1.10',
      params: seq(
        ctx(0, true, seq(oid('2.16.840.1.101.3.4.2.1'), DER_NULL)),
        ctx(1, true, seq(oid('1.2.840.113549.1.1.8'), seq(oid('2.16.840.1.101.3.4.2.1'), DER_NULL))),
        ctx(2, true, int(32)),
      ),
    };
    expect(await verifySignature(spki, alg, sig, data)).toBe(true);
  });
});

describe('nodeCryptoBackend', () => {
  it('an SPKI buffer overwritten in place with another key is checked with the new key', async () => {
    const spkiOf = () =>
      new Uint8Array(
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }),
      );
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signed = new TextEncoder().encode('signed bytes');
    const signature = new Uint8Array(nodeSign('sha256', signed, privateKey));
    const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
    const backend = nodeCryptoBackend();
    const scheme = { kind: 'ecdsa', hash: 'SHA-256' } as const;
    const first = await backend.verify(spki, scheme, signature, signed);
    const other = spkiOf();
    expect(other.length).toBe(spki.length);
    spki.set(other);
    const second = await backend.verify(spki, scheme, signature, signed);
    expect([first, second]).toEqual([true, false]);
  });
});

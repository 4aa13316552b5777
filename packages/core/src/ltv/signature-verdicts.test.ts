import { describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import type { SignatureVerifier } from '../cms/public-key.js';
import { parseCertificate } from '../x509/certificate.js';
import { ShomeiContext } from '../x509/context.js';
import { rememberingVerifier } from './signature-verdicts.js';

const cert = parseCertificate(pki.signer);
const signature = new Uint8Array(256).fill(7);
const data = new TextEncoder().encode('signed attributes');

/** A verifier that says "valid" and counts how often it is asked. */
function counting(): { verifier: SignatureVerifier; calls: () => number } {
  let n = 0;
  return {
    verifier: () => {
      n++;
      return true;
    },
    calls: () => n,
  };
}

describe('rememberingVerifier', () => {
  it('asks the verifier once for the same key, signature and signed bytes in one context', async () => {
    const { verifier, calls } = counting();
    const context = new ShomeiContext();
    await rememberingVerifier(context, verifier, undefined)(cert, 'SHA-256', signature, data);
    await rememberingVerifier(context, verifier, undefined)(cert, 'SHA-256', signature.slice(), data.slice());
    expect(calls()).toBe(1);
  });

  it('a changed byte of the signed bytes is asked again', async () => {
    const { verifier, calls } = counting();
    const v = rememberingVerifier(new ShomeiContext(), verifier, undefined);
    await v(cert, 'SHA-256', signature, data);
    const changed = data.slice();
    changed[3]! ^= 1;
    await v(cert, 'SHA-256', signature, changed);
    expect(calls()).toBe(2);
  });

  it('a changed byte of the signature is asked again', async () => {
    const { verifier, calls } = counting();
    const v = rememberingVerifier(new ShomeiContext(), verifier, undefined);
    await v(cert, 'SHA-256', signature, data);
    const changed = signature.slice();
    changed[100]! ^= 1;
    await v(cert, 'SHA-256', changed, data);
    expect(calls()).toBe(2);
  });

  it('a buffer overwritten in place after its verdict is asked again', async () => {
    const { verifier, calls } = counting();
    const v = rememberingVerifier(new ShomeiContext(), verifier, undefined);
    const buffer = data.slice();
    await v(cert, 'SHA-256', signature, buffer);
    buffer[0]! ^= 1;
    await v(cert, 'SHA-256', signature, buffer);
    expect(calls()).toBe(2);
  });

  it('another context does not see the verdict', async () => {
    const { verifier, calls } = counting();
    await rememberingVerifier(new ShomeiContext(), verifier, undefined)(cert, 'SHA-256', signature, data);
    await rememberingVerifier(new ShomeiContext(), verifier, undefined)(cert, 'SHA-256', signature, data);
    expect(calls()).toBe(2);
  });

  it('a verdict reached under SHA-1-allowing policy does not answer for the default policy', async () => {
    const { verifier, calls } = counting();
    const context = new ShomeiContext();
    await rememberingVerifier(context, verifier, { allowSha1: true })(cert, 'SHA-1', signature, data);
    await rememberingVerifier(context, verifier, undefined)(cert, 'SHA-1', signature, data);
    expect(calls()).toBe(2);
  });

  it('another verifier does not see the verdict of the first', async () => {
    const a = counting();
    const b = counting();
    const context = new ShomeiContext();
    await rememberingVerifier(context, a.verifier, undefined)(cert, 'SHA-256', signature, data);
    await rememberingVerifier(context, b.verifier, undefined)(cert, 'SHA-256', signature, data);
    expect(b.calls()).toBe(1);
  });

  it('a verifier that throws (an unusable key) is asked again next time', async () => {
    let n = 0;
    const throwing: SignatureVerifier = () => {
      n++;
      throw new Error('unusable key');
    };
    const v = rememberingVerifier(new ShomeiContext(), throwing, undefined);
    await expect(v(cert, 'SHA-256', signature, data)).rejects.toThrow();
    await expect(v(cert, 'SHA-256', signature, data)).rejects.toThrow();
    expect(n).toBe(2);
  });

  it('context.clear() forgets the verdicts', async () => {
    const { verifier, calls } = counting();
    const context = new ShomeiContext();
    await rememberingVerifier(context, verifier, undefined)(cert, 'SHA-256', signature, data);
    context.clear();
    await rememberingVerifier(context, verifier, undefined)(cert, 'SHA-256', signature, data);
    expect(calls()).toBe(2);
  });
});

import { buildOcspResponse, generateKey, issue, NOW, type TestCert } from '@shomei/simulator/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../errors.js';
import { buildOcspRequest, parseOcspResponse, verifyOcspResponse } from './ocsp.js';

let ca: TestCert;
let leaf: TestCert;

beforeAll(async () => {
  ca = await issue({ subject: 'CN=OCSP CA', key: await generateKey(), ca: true });
  leaf = await issue({ subject: 'CN=OCSP Leaf', key: await generateKey(), issuer: ca, serial: 5 });
});

describe('OCSP', () => {
  it('builds a request whose CertID matches the responder side', async () => {
    const req = await buildOcspRequest(leaf.cert, ca.cert);
    const resp = parseOcspResponse(await buildOcspResponse({ cert: leaf, issuer: ca }));
    expect(resp.responses[0]?.certId).toEqual(req.certId);
  });

  it('adds a nonce extension when asked', async () => {
    const req = await buildOcspRequest(leaf.cert, ca.cert, { nonce: true });
    expect(req.nonce?.length).toBe(32);
  });

  it('accepts a response echoing the request nonce', async () => {
    const nonce = Uint8Array.of(1, 2, 3, 4);
    const resp = parseOcspResponse(await buildOcspResponse({ cert: leaf, issuer: ca, nonce }));
    const o = await verifyOcspResponse(resp, leaf.cert, ca.cert, { time: NOW, nonce });
    expect(o.kind).toBe('status');
  });

  it('OCSP_NONCE_MISMATCH when the nonce differs', async () => {
    const resp = parseOcspResponse(
      await buildOcspResponse({ cert: leaf, issuer: ca, nonce: Uint8Array.of(9) }),
    );
    const o = await verifyOcspResponse(resp, leaf.cert, ca.cert, { time: NOW, nonce: Uint8Array.of(1) });
    expect(o).toMatchObject({ kind: 'failed', code: 'OCSP_NONCE_MISMATCH' });
  });

  it('OCSP_CERT_MISMATCH for a response about another certificate', async () => {
    const resp = parseOcspResponse(await buildOcspResponse({ cert: leaf, issuer: ca, serial: 6 }));
    const o = await verifyOcspResponse(resp, leaf.cert, ca.cert, { time: NOW });
    expect(o).toMatchObject({ kind: 'failed', code: 'OCSP_CERT_MISMATCH' });
  });

  it('rejects garbage with OCSP_MALFORMED', () => {
    expect(() => parseOcspResponse(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00))).toThrow(
      expect.objectContaining({ code: 'OCSP_MALFORMED' }),
    );
  });

  it('never throws anything but OCSP_MALFORMED on mutated responses, and verification never throws', async () => {
    const der = await buildOcspResponse({ cert: leaf, issuer: ca });
    const mutants: Uint8Array[] = [];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 0, max: 255 }), (i, b) => {
        const d = der.slice();
        d[i] = b;
        try {
          parseOcspResponse(d);
          mutants.push(d);
        } catch (e) {
          if (!hasErrorCode(e, 'OCSP_MALFORMED')) throw e;
        }
      }),
      { seed: 62, numRuns: 300 },
    );
    for (const m of mutants.slice(0, 40)) {
      const o = await verifyOcspResponse(parseOcspResponse(m), leaf.cert, ca.cert, { time: NOW });
      expect(['status', 'failed']).toContain(o.kind);
    }
  });
});

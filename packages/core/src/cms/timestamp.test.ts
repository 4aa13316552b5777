import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pki, tempFile, VECTORS } from '../../test/pki.js';
import { startTestTsa, type TestTsa } from '../../test/tsa.js';
import { hasErrorCode } from '../errors.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import type { Signer } from '../signer.js';
import { signCms } from './sign.js';
import { parseTimestampResponse, tsaTimestamp } from './timestamp.js';
import { verifyCms } from './verify.js';

const content = new TextEncoder().encode('timestamped document');
const options = { trustAnchors: [pki.root], revocation: 'off' as const };
let tsa: TestTsa;
let signer: Signer;
let stamped: Uint8Array;

beforeAll(async () => {
  tsa = await startTestTsa();
  signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  stamped = await signCms(content, signer, { timestamp: tsaTimestamp(tsa.url) });
});
afterAll(() => tsa.close());

describe('CAdES-T signature timestamps (RFC 3161, openssl ts -reply as the TSA)', () => {
  it('adds a token that verifyCms accepts', async () => {
    const r = await verifyCms(stamped, options);
    expect([r.verdict, r.checks.find((c) => c.name === 'timestamp')?.ok]).toEqual(['valid', true]);
  });

  it('reports the TSA time and authority', async () => {
    const r = await verifyCms(stamped, options);
    expect(r.timestamp?.authority).toBe('CN=Test TSA,O=shomei test,C=JP');
  });

  it('keeps the signature verifiable by openssl cms -verify', () => {
    const args = ['cms', '-verify', '-binary', '-purpose', 'any', '-inform', 'DER', '-in', tempFile(stamped)];
    args.push('-CAfile', `${VECTORS}root.pem`, '-out', '/dev/null');
    expect(() => execFileSync('openssl', args, { stdio: 'pipe' })).not.toThrow();
  });

  it('fails the timestamp check when the token covers another signature value', async () => {
    const tsaSource = tsaTimestamp(tsa.url);
    const der = await signCms(content, signer, {
      timestamp: async (_sig, o) => {
        // Ask for a token over other bytes, then attach it here (what a replayed token looks like).
        const other = new Uint8Array(256).fill(7);
        return tsaSource(other, o);
      },
    });
    const r = await verifyCms(der, options);
    expect([r.verdict, r.code]).toEqual(['invalid', 'TIMESTAMP_INVALID']);
  });

  it('throws TSA_FAILED when the TSA refuses', async () => {
    const refusing = createServer((_q, res) => {
      // TimeStampResp { PKIStatusInfo { status rejection(2) } }
      res.writeHead(200).end(Buffer.from([0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02]));
    });
    await new Promise<void>((ok) => refusing.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/`;
    try {
      await expect(signCms(content, signer, { timestamp: tsaTimestamp(url) })).rejects.toSatisfy((e) =>
        hasErrorCode(e, 'TSA_FAILED'),
      );
    } finally {
      refusing.close();
    }
  });

  it('throws TSA_FAILED when the TSA is unreachable', async () => {
    await expect(
      signCms(content, signer, { timestamp: tsaTimestamp('http://127.0.0.1:9/') }),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'TSA_FAILED'));
  });

  it('rejects a TimeStampResp that is not DER with TSA_FAILED', () => {
    expect(() => parseTimestampResponse(Uint8Array.of(1, 2, 3))).toThrow(
      expect.objectContaining({ code: 'TSA_FAILED' }),
    );
  });
});

/**
 * Hostile RFC 3161 input: TimeStampResp from a TSA and the TSTInfo inside a token. A TSA
 * answer comes from the network; a broken or malicious one must give typed errors only.
 */

import { assertHostileSync, FUZZ_RUNS, hostileBytes } from '@shomei/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCms } from '../../src/cms/sign.js';
import { parseSignedData } from '../../src/cms/signed-data.js';
import { parseTimestampResponse, parseTstInfo, tsaTimestamp } from '../../src/cms/timestamp.js';
import { encodeTlv } from '../../src/der/writer.js';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import { pki } from '../pki.js';
import { startTestTsa, type TestTsa } from '../tsa.js';

const TOKEN_OID = '1.2.840.113549.1.9.16.2.14';

let tsa: TestTsa;
let responses: Uint8Array[];
let tstInfos: Uint8Array[];

beforeAll(async () => {
  tsa = await startTestTsa();
  const signer = await pkcs8Signer(pki.signerKey, pki.signer);
  const stamped = await signCms(new TextEncoder().encode('stamp me'), signer, {
    timestamp: tsaTimestamp(tsa.url),
  });
  const token = parseSignedData(stamped).signerInfos[0]!.unsignedAttrs.find((a) => a.oid === TOKEN_OID)!
    .values[0]!;
  const granted = encodeTlv(0x30, encodeTlv(0x30, Uint8Array.of(0x02, 0x01, 0x00)), token);
  const refused = encodeTlv(0x30, encodeTlv(0x30, Uint8Array.of(0x02, 0x01, 0x02)));
  responses = [granted, refused];
  tstInfos = [parseSignedData(token).content!];
});
afterAll(() => tsa.close());

describe('hostile timestamps', () => {
  it('an empty TimeStampResp (30 00) is TSA_FAILED caused by DER_MALFORMED, not by a TypeError', () => {
    expect(() => parseTimestampResponse(Uint8Array.of(0x30, 0x00))).toThrow(
      expect.objectContaining({
        code: 'TSA_FAILED',
        cause: expect.objectContaining({ code: 'DER_MALFORMED' }),
      }),
    );
  });

  it(`parseTimestampResponse: ${FUZZ_RUNS} hostile TSA answers give TSA_FAILED only`, () => {
    assertHostileSync(hostileBytes(responses), (b) => parseTimestampResponse(b), ['TSA_FAILED']);
  });

  it(`parseTstInfo: ${FUZZ_RUNS} hostile TSTInfo give typed errors only`, () => {
    assertHostileSync(hostileBytes(tstInfos), (b) => parseTstInfo(b), [
      'TIMESTAMP_INVALID',
      'DER_MALFORMED',
      'CMS_MALFORMED',
    ]);
  });
});

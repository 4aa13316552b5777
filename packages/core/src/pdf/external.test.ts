/**
 * External PDF signing: prepare → the test key signs the DigestInfo (as the card would) → finish,
 * judged by verifyPdf and poppler's pdfsig; a signature over anything else, a changed file, another
 * certificate or broken state are refused with their codes.
 */

import { pdfsig, samplePdf } from '@shomei/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { signDigestInfo } from '../../test/support/external-signer.js';
import { startTestTsa, type TestTsa } from '../../test/tsa.js';
import { tsaTimestamp } from '../cms/timestamp.js';
import { hasErrorCode } from '../errors.js';
import { finishExternalPdf, type PreparedExternalPdf, prepareExternalPdf } from './external.js';
import { verifyPdf } from './verify.js';

const certificate = pki.signer;
const chain = [pki.intermediate];
const trust = { trustAnchors: [pki.root], revocation: 'off' as const };
const valid = (out: string) => out.match(/Signature Validation: Signature is Valid\./g)?.length ?? 0;
const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v));

let tsa: TestTsa;
beforeAll(async () => {
  tsa = await startTestTsa();
});
afterAll(() => tsa.close());

describe('prepareExternalPdf → sign the hash elsewhere → finishExternalPdf', () => {
  it.each(['adbe.pkcs7.detached', 'ETSI.CAdES.detached'] as const)(
    '%s: verifyPdf and pdfsig call the result valid',
    async (subFilter) => {
      const pdf = samplePdf();
      const prepared = roundTrip(
        await prepareExternalPdf(pdf, { certificate, chain, subFilter, reason: '申請' }),
      );
      const signed = await finishExternalPdf(pdf, prepared, signDigestInfo(prepared.digestInfo), {
        certificate,
      });
      const report = await verifyPdf(signed, trust);
      const out = pdfsig(signed);
      expect([report.verdict, valid(out), out.includes(subFilter), signed.subarray(0, pdf.length)]).toEqual([
        'valid',
        1,
        true,
        pdf,
      ]);
    },
  );

  it('adds a signature timestamp at finish (PAdES B-T) into the room reserved at prepare', async () => {
    const pdf = samplePdf();
    const prepared = await prepareExternalPdf(pdf, {
      certificate,
      chain,
      subFilter: 'ETSI.CAdES.detached',
      timestamp: true,
    });
    const signed = await finishExternalPdf(pdf, prepared, signDigestInfo(prepared.digestInfo), {
      timestamp: tsaTimestamp(tsa.url),
    });
    const report = await verifyPdf(signed, trust);
    expect([report.verdict, typeof report.signatures[0]?.timestamp?.time]).toEqual(['valid', 'string']);
  });

  it('refuses a signature made over another document', async () => {
    const pdf = samplePdf();
    const prepared = await prepareExternalPdf(pdf, { certificate, chain });
    const other = await prepareExternalPdf(samplePdf(2), { certificate, chain });
    await expect(finishExternalPdf(pdf, prepared, signDigestInfo(other.digestInfo))).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'EXTERNAL_SIGNATURE_MISMATCH'),
    );
  });

  it('refuses to finish over a file changed since prepare (same size)', async () => {
    const pdf = samplePdf();
    const prepared = await prepareExternalPdf(pdf, { certificate, chain });
    const signature = signDigestInfo(prepared.digestInfo);
    const changed = pdf.slice();
    const at = new TextDecoder('latin1').decode(pdf).indexOf('Contract');
    changed[at] = 'K'.charCodeAt(0);
    await expect(finishExternalPdf(changed, prepared, signature)).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'EXTERNAL_SIGNATURE_MISMATCH'),
    );
  });

  it('refuses a returned certificate other than the prepared one', async () => {
    const pdf = samplePdf();
    const prepared = await prepareExternalPdf(pdf, { certificate, chain });
    await expect(
      finishExternalPdf(pdf, prepared, signDigestInfo(prepared.digestInfo), { certificate: pki.weak }),
    ).rejects.toSatisfy((e) => hasErrorCode(e, 'EXTERNAL_CERTIFICATE_MISMATCH'));
  });

  it('refuses state whose update was altered (the signature no longer covers it)', async () => {
    const pdf = samplePdf();
    const prepared = await prepareExternalPdf(pdf, { certificate, chain, reason: 'approve' });
    const update = atob(prepared.update).replace('approve', 'decline');
    const altered: PreparedExternalPdf = { ...prepared, update: btoa(update) };
    await expect(finishExternalPdf(pdf, altered, signDigestInfo(prepared.digestInfo))).rejects.toSatisfy(
      (e) => hasErrorCode(e, 'EXTERNAL_SIGNATURE_MISMATCH'),
    );
  });

  it('refuses malformed state with INPUT_INVALID', async () => {
    const pdf = samplePdf();
    const prepared = await prepareExternalPdf(pdf, { certificate, chain });
    const broken = { ...prepared, holeLength: -1 } as PreparedExternalPdf;
    await expect(finishExternalPdf(pdf, broken, new Uint8Array(256))).rejects.toSatisfy((e) =>
      hasErrorCode(e, 'INPUT_INVALID'),
    );
  });
});

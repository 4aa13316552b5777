/**
 * Hostile input to XAdES long-term validation and augmentation: a report (or a typed ShomeiError
 * from augmentXml), never a crash. The end-to-end story with a TSA and OCSP is in
 * packages/simulator/test/xades-long-term.test.ts.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { rsaSigner } from '../../test/support/xml.js';
import { isShomeiError } from '../errors.js';
import { signXml } from '../xml/sign.js';
import { augmentXml } from './augment.js';
import { verifyXmlLongTerm } from './verify.js';

const DOC = '<?xml version="1.0" encoding="UTF-8"?><届出><氏名>山田 太郎</氏名></届出>';
const options = { trustAnchors: [pki.root], intermediates: [pki.intermediate] };
let signed: string;

beforeAll(async () => {
  signed = new TextDecoder().decode(await signXml(DOC, await rsaSigner(), { xades: {} }));
});

/** The signed document with unsigned signature properties spliced into its QualifyingProperties. */
const withUnsigned = (inner: string) =>
  signed.replace(
    '</xades:QualifyingProperties>',
    `<xades:UnsignedProperties><xades:UnsignedSignatureProperties>${inner}</xades:UnsignedSignatureProperties></xades:UnsignedProperties></xades:QualifyingProperties>`,
  );

describe('verifyXmlLongTerm on hostile input', () => {
  it('a XAdES-BES signature without timestamps or revocation data is judged at the validation time: TRY_LATER', async () => {
    const r = await verifyXmlLongTerm(signed, options);
    expect([r.verdict, r.code, r.level, r.proofOfExistence.kind]).toEqual([
      'indeterminate',
      'TRY_LATER',
      'B',
      'validation-time',
    ]);
  });

  it('garbage in a SignatureTimeStamp and an ArchiveTimeStamp gives untrusted timestamps, not a crash', async () => {
    const r = await verifyXmlLongTerm(
      withUnsigned(
        '<xades:SignatureTimeStamp><xades:EncapsulatedTimeStamp>!!not base64</xades:EncapsulatedTimeStamp></xades:SignatureTimeStamp>' +
          '<xades:CertificateValues><xades:EncapsulatedX509Certificate>AAAA</xades:EncapsulatedX509Certificate></xades:CertificateValues>' +
          '<xades:RevocationValues><xades:OCSPValues><xades:EncapsulatedOCSPValue>MAMCAQA=</xades:EncapsulatedOCSPValue></xades:OCSPValues></xades:RevocationValues>' +
          '<xades141:ArchiveTimeStamp xmlns:xades141="http://uri.etsi.org/01903/v1.4.1#"><xades:EncapsulatedTimeStamp>MAA=</xades:EncapsulatedTimeStamp></xades141:ArchiveTimeStamp>',
      ),
      options,
    );
    expect([r.level, r.timestamps.map((t) => [t.kind, t.ok, t.code]).sort()]).toEqual([
      'LTA',
      [
        ['archive-timestamp', false, 'FORMAT_FAILURE'],
        ['signature-timestamp', false, 'FORMAT_FAILURE'],
      ],
    ]);
  });

  it('an XMLTimeStamp is refused with its own code and a warning, never silently ignored', async () => {
    const r = await verifyXmlLongTerm(
      withUnsigned(
        '<xades:SignatureTimeStamp><xades:XMLTimeStamp><t:Stamp xmlns:t="urn:example:tsa">2020-01-01T00:00:00Z</t:Stamp></xades:XMLTimeStamp></xades:SignatureTimeStamp>',
      ),
      options,
    );
    expect([
      r.level,
      r.proofOfExistence.kind,
      r.timestamps.map((t) => [t.kind, t.ok, t.code]),
      r.warnings.some((w) => w.includes('XML_TIMESTAMP_UNSUPPORTED')),
    ]).toEqual(['T', 'validation-time', [['signature-timestamp', false, 'XML_TIMESTAMP_UNSUPPORTED']], true]);
  });

  it('any one-character change of the document gives a report (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom('<', '>', '"', 'x', '/', '&', ' '), async (at, c) => {
        const i = at % signed.length;
        const r = await verifyXmlLongTerm(signed.slice(0, i) + c + signed.slice(i + 1), options);
        expect(['valid', 'invalid', 'indeterminate']).toContain(r.verdict);
      }),
      { numRuns: 40 },
    );
  });

  it('augmentXml refuses what it cannot augment with typed errors', async () => {
    const codes = [];
    for (const input of ['<a/>', 'not xml', signed.replace('xades:', 'xadesx:')]) {
      try {
        await augmentXml(input, { level: 'T', trustAnchors: [pki.root] });
        codes.push('none');
      } catch (e) {
        codes.push(isShomeiError(e) ? e.code : String(e));
      }
    }
    expect(codes).toEqual(['XML_SIGNATURE_NOT_FOUND', 'XML_MALFORMED', expect.any(String)]);
    expect(codes[2]).not.toMatch(/Error/);
  });

  it('augmenting to T without a timestamp source is LTV_TIMESTAMP_REQUIRED', async () => {
    await expect(augmentXml(signed, { level: 'T', trustAnchors: [pki.root] })).rejects.toMatchObject({
      code: 'LTV_TIMESTAMP_REQUIRED',
    });
  });
});

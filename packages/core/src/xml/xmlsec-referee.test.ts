/**
 * xmlsec1 (libxmlsec1 over libxml2 and OpenSSL) as the outside referee: it verifies what shomei signs,
 * shomei verifies what it signs from templates, and both call a tampered document invalid.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ecSigner,
  egovFolder,
  rsaSigner,
  trust,
  xmldsigjsVerifies,
  xmlsecSign,
  xmlsecVerifies,
  xmlsecVerifiesFile,
} from '../../test/support/xml.js';
import { C14N, DSIG_NS } from './algorithms.js';
import { signEgovApplication, verifyEgovApplication } from './egov.js';
import { signXml } from './sign.js';
import { verifyXml } from './verify.js';

const DOC =
  '<?xml version="1.0" encoding="UTF-8"?>\n<源泉徴収票 xmlns="urn:example:etax" xmlns:k="urn:k"><k:支払金額 Id="pay">5000000</k:支払金額><受給者>山田 太郎</受給者></源泉徴収票>\n';
const dec = new TextDecoder();
const edit = (b: Uint8Array, from: string, to: string) => {
  const t = dec.decode(b);
  expect(t.includes(from)).toBe(true);
  return t.replace(from, to);
};

describe('xmlsec1 verifies shomei signatures', () => {
  for (const [name, c] of [
    ['inclusive C14N 1.0', C14N.c14n],
    ['exclusive C14N', C14N.exc],
    ['C14N 1.1', C14N.c14n11],
  ] as const) {
    it(`enveloped, ${name}; tampered → both invalid`, async () => {
      const signed = await signXml(DOC, await rsaSigner(), { canonicalization: c });
      const bad = edit(signed, '5000000', '9000000');
      expect([xmlsecVerifies(signed), xmlsecVerifies(bad), (await verifyXml(bad, trust)).verdict]).toEqual([
        true,
        false,
        'invalid',
      ]);
    });
  }

  it('enveloped ECDSA P-256', async () => {
    expect(xmlsecVerifies(await signXml(DOC, await ecSigner()))).toBe(true);
  });

  it('detached #id reference with XAdES-BES', async () => {
    const signed = await signXml(DOC, await rsaSigner(), {
      mode: 'detached',
      references: [{ uri: '#pay' }],
      xades: {},
    });
    const ids = [
      '--id-attr:Id',
      'urn:k:支払金額',
      '--id-attr:Id',
      'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
    ];
    expect([xmlsecVerifies(signed, ids), xmlsecVerifies(edit(signed, '5000000', '5000001'), ids)]).toEqual([
      true,
      false,
    ]);
  });

  it('the e-Gov folder (raw-ID form; xmlsec1 does not percent-decode fragments); a changed form file → both invalid', async () => {
    const signed = await signEgovApplication(egovFolder(), await rsaSigner(), { rawIdUri: true });
    const dir = mkdtempSync(join(tmpdir(), 'shomei-egov-'));
    for (const [name, bytes] of signed) writeFileSync(join(dir, name), bytes);
    // Relative file references resolve beside kousei.xml ("remote" is how xmlsec1 classes them).
    const args = ['--id-attr:ID', '構成情報', '--enabled-reference-uris', 'same-doc,local,remote'];
    const ok = xmlsecVerifiesFile(join(dir, 'kousei.xml'), args);
    const changedForm = new TextEncoder().encode('<申請書>changed</申請書>');
    writeFileSync(join(dir, '900A01020000100001_01.xml'), changedForm);
    const bad = xmlsecVerifiesFile(join(dir, 'kousei.xml'), args);
    const changed = new Map(signed).set('900A01020000100001_01.xml', changedForm);
    const report = await verifyEgovApplication(changed, trust);
    expect([ok, bad, report.code]).toEqual([true, false, 'XML_DIGEST_MISMATCH']);
  });
});

const template = (c14n: string) => `<?xml version="1.0" encoding="UTF-8"?>
<源泉徴収票 xmlns="urn:example:etax" xmlns:k="urn:k"><k:支払金額>5000000</k:支払金額><!-- a comment --><受給者>山田 太郎</受給者>
<Signature xmlns="${DSIG_NS}"><SignedInfo><CanonicalizationMethod Algorithm="${c14n}"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><Transform Algorithm="${c14n}"/></Transforms>
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/>
<KeyInfo><X509Data/></KeyInfo></Signature></源泉徴収票>
`;

describe('shomei verifies xmlsec1 signatures made from templates', () => {
  for (const [name, c] of [
    ['inclusive C14N 1.0', C14N.c14n],
    ['exclusive C14N', C14N.exc],
  ] as const) {
    it(`${name}; tampered → both invalid`, async () => {
      const signed = xmlsecSign(template(c));
      const bad = edit(signed, '山田 太郎', '山田 次郎');
      const [good, tampered] = [await verifyXml(signed, trust), await verifyXml(bad, trust)];
      expect([good.verdict, tampered.code, xmlsecVerifies(bad)]).toEqual([
        'valid',
        'XML_DIGEST_MISMATCH',
        false,
      ]);
    });
  }
});

describe('xmldsigjs (a second implementation) verifies shomei XAdES-BES', () => {
  for (const [name, options] of [
    ['enveloped, default namespace', {}],
    ['enveloped, ds: prefix, exclusive C14N', { prefix: 'ds', canonicalization: C14N.exc }],
  ] as const) {
    it(`${name}; tampered → invalid`, async () => {
      const signed = dec.decode(await signXml(DOC, await rsaSigner(), { ...options, xades: {} }));
      expect([
        await xmldsigjsVerifies(signed),
        await xmldsigjsVerifies(signed.replace('5000000', '5000001')),
      ]).toEqual([true, false]);
    });
  }
});

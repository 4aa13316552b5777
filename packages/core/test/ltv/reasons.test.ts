/**
 * The sub-indication of long-term validation that needs a PKI the simulator's authority does not
 * offer: a revoked CA (the authority never revokes its own CAs), for each format. Built with the test
 * certificate and CRL factories; the other codes per format are in
 * packages/simulator/test/long-term-reasons.test.ts and the story tests beside it.
 */

import { buildCrl, ext, generateKey, issue, NOW, samplePdf, type TestCert } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCms } from '../../src/cms/sign.js';
import { fromHex } from '../../src/der/bytes.js';
import type { LongTermReport } from '../../src/ltv/evidence.js';
import { verifyPdfLongTerm } from '../../src/ltv/pdf.js';
import { verifyCmsLongTerm } from '../../src/ltv/validate-cms.js';
import { signPdf } from '../../src/pdf/sign.js';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import type { Signer } from '../../src/signer.js';
import { signXml } from '../../src/xml/sign.js';
import { verifyXmlLongTerm } from '../../src/xml-ltv/verify.js';

let root: TestCert;
let ca: TestCert;
let leaf: TestCert;
let signer: Signer;

type Options = { trustAnchors: Uint8Array[]; crls: Uint8Array[]; now: Date };
/** Each format: a B-B signature by the leaf, and its long-term validation. */
const FORMATS: Record<
  string,
  { sign(): Promise<Uint8Array>; verify(s: Uint8Array, o: Options): Promise<LongTermReport> }
> = {
  CAdES: {
    sign: () => signCms(new TextEncoder().encode('申請書'), signer),
    verify: (s, o) => verifyCmsLongTerm(s, o),
  },
  PAdES: {
    sign: () => signPdf(samplePdf(), signer, { subFilter: 'ETSI.CAdES.detached' }),
    verify: async (s, o) => (await verifyPdfLongTerm(s, o)).signatures[0]!,
  },
  XAdES: {
    sign: () => signXml('<申請書>転出</申請書>', signer, { xades: {} }),
    verify: (s, o) => verifyXmlLongTerm(s, o),
  },
};

beforeAll(async () => {
  const [rk, ck, lk] = await Promise.all([generateKey(), generateKey(), generateKey()]);
  root = await issue({ subject: 'CN=LTV Root,C=JP', key: rk!, ca: true });
  ca = await issue({ subject: 'CN=LTV CA,C=JP', key: ck!, issuer: root, ca: true });
  leaf = await issue({
    subject: 'CN=LTV Signer,C=JP',
    key: lk!,
    issuer: ca,
    extensions: [ext.keyUsage(['digitalSignature', 'nonRepudiation'])],
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', lk!.privateKey));
  signer = await pkcs8Signer(pkcs8, leaf.der, { chain: [ca.der] });
});

describe.each(Object.keys(FORMATS))('REVOKED_CA_NO_POE: %s', (format) => {
  let signed: Uint8Array;
  beforeAll(async () => {
    signed = await FORMATS[format]!.sign();
  });

  it('the signer CA was revoked before the validation time and no timestamp proves the signature earlier', async () => {
    // Both CRLs issued at the validation time (fresh for it); the root's lists the CA as revoked a day before.
    const caCrl = await buildCrl({ issuer: ca, thisUpdate: NOW });
    const rootCrl = await buildCrl({
      issuer: root,
      thisUpdate: NOW,
      entries: [
        { serial: fromHex(ca.cert.serialHex), date: new Date(NOW.getTime() - 24 * 3600_000), reason: 2 },
      ],
    });
    const r = await FORMATS[format]!.verify(signed, {
      trustAnchors: [root.der],
      crls: [caCrl, rootCrl],
      now: NOW,
    });
    expect([r.verdict, r.indication, r.code, r.chain[1]?.revocation?.status]).toEqual([
      'indeterminate',
      'INDETERMINATE',
      'REVOKED_CA_NO_POE',
      'revoked',
    ]);
  });

  it('control: the same CRLs without the CA entry give a valid signature at the validation time', async () => {
    const crls = [
      await buildCrl({ issuer: ca, thisUpdate: NOW }),
      await buildCrl({ issuer: root, thisUpdate: NOW }),
    ];
    const r = await FORMATS[format]!.verify(signed, { trustAnchors: [root.der], crls, now: NOW });
    expect([r.verdict, r.code]).toEqual(['valid', undefined]);
  });
});

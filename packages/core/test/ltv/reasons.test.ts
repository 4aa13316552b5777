/**
 * The sub-indications of long-term validation that need a PKI the simulator's authority does not
 * offer: a revoked CA (the authority never revokes its own CAs). Built with the test certificate and
 * CRL factories; the end-to-end stories per format are in packages/simulator/test/*long-term*.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { signCms } from '../../src/cms/sign.js';
import { fromHex } from '../../src/der/bytes.js';
import { verifyCmsLongTerm } from '../../src/ltv/validate-cms.js';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import { ext, generateKey, issue, NOW, type TestCert } from '../support/cert-factory.js';
import { buildCrl } from '../support/crl-factory.js';

let root: TestCert;
let ca: TestCert;
let leaf: TestCert;
let signed: Uint8Array;

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
  signed = await signCms(
    new TextEncoder().encode('申請書'),
    await pkcs8Signer(pkcs8, leaf.der, { chain: [ca.der] }),
  );
});

describe('REVOKED_CA_NO_POE', () => {
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
    const r = await verifyCmsLongTerm(signed, {
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
    const r = await verifyCmsLongTerm(signed, {
      trustAnchors: [root.der],
      crls: [
        await buildCrl({ issuer: ca, thisUpdate: NOW }),
        await buildCrl({ issuer: root, thisUpdate: NOW }),
      ],
      now: NOW,
    });
    expect([r.verdict, r.code]).toEqual(['valid', undefined]);
  });
});

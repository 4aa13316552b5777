import { beforeAll, describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { formatReport } from '../report/render.js';
import type { ValidationReport } from '../report/types.js';
import { pkcs8Signer } from '../signer/pkcs8.js';
import { signCms } from './sign.js';
import { verifyCms } from './verify.js';

// verifyCms with core's real validatePath: chain and revocation come from path/.
const content = new TextEncoder().encode('path test');
const check = (r: ValidationReport, name: string) => r.checks.find((c) => c.name === name);
let signed: Uint8Array;
beforeAll(async () => {
  const signer = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
  signed = await signCms(content, signer);
});

describe('verifyCms chain and revocation via validatePath', () => {
  it('is valid with a 3-certificate chain and good CRL status', async () => {
    const r = await verifyCms(signed, { trustAnchors: [pki.root], crls: [pki.intermediateCrl, pki.rootCrl] });
    expect([r.verdict, r.chain.map((c) => c.revocation.status)]).toEqual([
      'valid',
      ['good', 'good', 'unknown'],
    ]);
  });

  it('a valid report with good CRL status says revocation was checked', async () => {
    const r = await verifyCms(signed, { trustAnchors: [pki.root], crls: [pki.intermediateCrl, pki.rootCrl] });
    expect(r.revocationChecked).toBe(true);
    expect(formatReport(r)).toMatch(/^Verdict: {4}VALID\n/);
  });

  it.each(['off', 'prefer'] as const)(
    'revocation %s without sources: valid signature, flagged and worded as not checked',
    async (revocation) => {
      const r = await verifyCms(signed, { trustAnchors: [pki.root], revocation });
      expect(r).toMatchObject({ verdict: 'valid', revocationChecked: false });
      const text = formatReport(r);
      expect(text).toContain('VALID signature, revocation not checked');
      expect(text).toMatch(/\[skip\] revocation/);
      expect(text).not.toMatch(/\[ok {2}\] revocation/);
    },
  );

  it('fails the chain check against a wrong trust anchor', async () => {
    const r = await verifyCms(signed, { trustAnchors: [pki.otherRoot], revocation: 'off' });
    expect([r.verdict, check(r, 'chain')?.ok, check(r, 'signature')?.ok]).toEqual(['invalid', false, true]);
  });

  it('fails the revocation check with CERT_REVOKED when the signer is on the CRL', async () => {
    const r = await verifyCms(signed, { trustAnchors: [pki.root], crls: [pki.revokedCrl, pki.rootCrl] });
    expect([r.verdict, r.code, check(r, 'revocation')?.ok]).toEqual(['invalid', 'CERT_REVOKED', false]);
  });

  it('reports the revoked certificate with its reason', async () => {
    const r = await verifyCms(signed, { trustAnchors: [pki.root], crls: [pki.revokedCrl, pki.rootCrl] });
    expect(r.chain[0]?.revocation).toMatchObject({
      status: 'revoked',
      source: 'crl',
      reason: 'keyCompromise',
    });
  });

  it('is indeterminate when revocation is required but no CRL is given', async () => {
    const r = await verifyCms(signed, { trustAnchors: [pki.root], revocation: 'require' });
    expect(r.verdict).toBe('indeterminate');
  });

  it('fails the chain when validated after the certificates expire', async () => {
    const r = await verifyCms(signed, {
      trustAnchors: [pki.root],
      revocation: 'off',
      time: new Date('2099-01-01'),
    });
    expect([r.verdict, check(r, 'chain')?.code]).toEqual(['invalid', 'CERT_EXPIRED']);
  });
});

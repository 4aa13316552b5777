import { describe, expect, it } from 'vitest';
import { egovFolder, rsaSigner, trust } from '../../test/support/xml.js';
import { isShomeiError } from '../errors.js';
import { egovUri, signEgovApplication, verifyEgovApplication } from './egov.js';

const dec = new TextDecoder();

describe('the e-Gov folder', () => {
  it('percent-encodes non-ASCII the way e-Gov does', () => {
    expect([egovUri('構成情報'), egovUri('a b%.xml'), egovUri('900A_01.xml')]).toEqual([
      '%E6%A7%8B%E6%88%90%E6%83%85%E5%A0%B1',
      'a%20b%25.xml',
      '900A_01.xml',
    ]);
  });

  it('signs with the e-Gov shape: Id yyyymmddhhmmss (JST), Signature inside 署名情報, percent-encoded URIs', async () => {
    const signed = await signEgovApplication(egovFolder(), await rsaSigner(), {
      time: new Date('2026-12-04T01:02:03Z'),
    });
    const text = dec.decode(signed.get('kousei.xml'));
    expect([
      text.includes('<署名情報><Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="20261204100203">'),
      text.includes('URI="#%E6%A7%8B%E6%88%90%E6%83%85%E5%A0%B1"'),
      text.includes('URI="%E6%B7%BB%E4%BB%98%E6%9B%B8%E9%A1%9E_1.pdf"'),
    ]).toEqual([true, true, true]);
  });

  for (const rawIdUri of [false, true]) {
    it(`verifies the ${rawIdUri ? 'raw' : 'percent-encoded'} ID form and names what each reference covered`, async () => {
      const r = await verifyEgovApplication(
        await signEgovApplication(egovFolder(), await rsaSigner(), { rawIdUri }),
        trust,
      );
      expect([r.verdict, r.references.map((x) => x.path ?? x.file), r.egov.unsignedFiles]).toEqual([
        'valid',
        ['/DataRoot[1]/構成情報[1]', '900A01020000100001_01.xml', '添付書類_1.pdf'],
        [],
      ]);
    });
  }

  it('accepts an unzipped upload with one top folder', async () => {
    const signed = await signEgovApplication(egovFolder(), await rsaSigner());
    const nested = new Map([...signed].map(([k, v]) => [`申請/${k}`, v]));
    expect((await verifyEgovApplication(nested, trust)).verdict).toBe('valid');
  });

  it('refuses to sign twice', async () => {
    const signed = await signEgovApplication(egovFolder(), await rsaSigner());
    const e = await signEgovApplication(signed, await rsaSigner()).catch((x: unknown) => x);
    expect(isShomeiError(e) && e.code).toBe('EGOV_APPLICATION_INVALID');
  });

  it('refuses to sign when a listed file is missing', async () => {
    const f = egovFolder();
    f.delete('添付書類_1.pdf');
    const e = await signEgovApplication(f, await rsaSigner()).catch((x: unknown) => x);
    expect(isShomeiError(e) && e.code).toBe('EGOV_APPLICATION_INVALID');
  });

  it('reports a folder without kousei.xml as invalid', async () => {
    const r = await verifyEgovApplication(new Map([['a.xml', new Uint8Array(1)]]), trust);
    expect([r.verdict, r.code]).toEqual(['invalid', 'EGOV_APPLICATION_INVALID']);
  });
});

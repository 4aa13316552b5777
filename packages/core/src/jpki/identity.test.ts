import { describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { hasErrorCode } from '../errors.js';
import { parseJpkiIdentity } from './identity.js';

describe('parseJpkiIdentity', () => {
  it('reads the four facts and both substitute fields from the SAN otherNames', () => {
    expect(parseJpkiIdentity(pki.signer)).toEqual({
      name: '山田 太郎',
      nameSubstitute: '山田 〓郎',
      address: '東京都千代田区霞が関2-1-2',
      addressSubstitute: '東京都千代田区霞が関2-1-2',
      birthDate: '419900101',
      sex: '1',
    });
  });

  it('returns undefined for a certificate without JPKI fields', () => {
    expect(parseJpkiIdentity(pki.intermediate)).toBeUndefined();
  });

  it('rejects garbage with CERT_MALFORMED', () => {
    expect(() => parseJpkiIdentity(Uint8Array.of(0x30, 0x03, 1, 2))).toThrow(
      expect.objectContaining({ code: 'CERT_MALFORMED' }),
    );
  });

  it('throws JPKI_IDENTITY_MALFORMED when a required fact is missing', async () => {
    const { ext, generateKey, gn, issue } = await import('@shomei/simulator/testing');
    const { utf8 } = await import('@shomei/simulator/testing');
    const { der: cert } = await issue({
      subject: 'CN=Partial,C=JP',
      key: await generateKey(),
      extensions: [ext.san([gn.other('1.2.392.200149.8.5.5.1', utf8('Yamada'))])],
    });
    let error: unknown;
    try {
      parseJpkiIdentity(cert);
    } catch (e) {
      error = e;
    }
    expect(hasErrorCode(error, 'JPKI_IDENTITY_MALFORMED')).toBe(true);
  });
});

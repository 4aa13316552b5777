import { describe, expect, it } from 'vitest';
import { opensslSign } from '../../test/pki.js';
import { parseSignedData } from '../cms/signed-data.js';
import { readRawSignedData, readSignedDataViews } from './cms-structure.js';

const content = new TextEncoder().encode('one walk, two views');

describe('readSignedDataViews', () => {
  it.each([
    ['attached, one signer', opensslSign(content, ['-nodetach'])],
    ['detached, two signers, no signed attributes', opensslSign(content, ['-noattr'], ['signer', 'ec'])],
    ['detached', opensslSign(content)],
  ])('gives the parts and the parse that readRawSignedData and parseSignedData give (%s)', (_, der) => {
    const { raw, sd } = readSignedDataViews(der);
    expect(raw).toEqual(readRawSignedData(der));
    expect(sd).toEqual(parseSignedData(der));
  });

  it('refuses what readRawSignedData refuses, with the same error', () => {
    const der = opensslSign(content, ['-nodetach']);
    const cut = der.subarray(0, der.length - 40);
    let code = 'none';
    try {
      readRawSignedData(cut);
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).toBe('CMS_MALFORMED');
    expect(() => readSignedDataViews(cut)).toThrowError(expect.objectContaining({ code }));
  });
});

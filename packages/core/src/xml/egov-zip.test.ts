import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isShomeiError } from '../errors.js';
import { looksLikeZip, readEgovZip } from './egov-zip.js';

const bytes = (n: number) => new Uint8Array(n).fill(0x41);
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return isShomeiError(e) ? e.code : String(e);
  }
};

describe('readEgovZip', () => {
  it('reads the files of an application folder, leaving folders out', () => {
    const zip = zipSync({ 'app/kousei.xml': bytes(3), 'app/form.xml': bytes(2) });
    expect([looksLikeZip(zip), [...readEgovZip(zip).entries()].map(([k, v]) => [k, v.length])]).toEqual([
      true,
      [
        ['app/kousei.xml', 3],
        ['app/form.xml', 2],
      ],
    ]);
  });

  it('refuses each hostile archive with its code, and checks only the directory when asked', () => {
    const bomb = zipSync({ 'kousei.xml': bytes(2 * 1024 * 1024) }, { level: 9 });
    expect([
      codeOf(() => readEgovZip(zipSync({ 'a/b/c.xml': bytes(1) }))),
      codeOf(() => readEgovZip(zipSync({ 'C:/x.xml': bytes(1) }))),
      codeOf(() => readEgovZip(zipSync({ 'a.xml': bytes(1), 'b.xml': bytes(1) }), { maxEntries: 1 })),
      codeOf(() => readEgovZip(bomb, { maxUnzippedBytes: 1024 * 1024 }, { inflate: false })),
      codeOf(() => readEgovZip(zipSync({ 'a.xml': bytes(10) }).subarray(0, 40))),
      readEgovZip(bomb, {}, { inflate: false }).size,
    ]).toEqual([
      'EGOV_ZIP_UNSAFE_NAME',
      'EGOV_ZIP_UNSAFE_NAME',
      'EGOV_ZIP_TOO_MANY_ENTRIES',
      'EGOV_ZIP_TOO_LARGE',
      'EGOV_ZIP_MALFORMED',
      0,
    ]);
  });
});

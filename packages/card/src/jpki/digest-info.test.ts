import { toHex } from '@shomei/core';
import { describe, expect, it } from 'vitest';
import { digestInfo } from './digest-info.js';
import { checkDigestInfo } from './sign-input.js';

describe('digestInfo', () => {
  // Vector: spec/jpki-card.md §3.2 and the LOCAL OpenSC trace `80 2A 00 80 33 30 31 30 0D …` (SHA-256).
  it.each([
    ['SHA-1', 20, '3021300906052b0e03021a05000414'],
    ['SHA-256', 32, '3031300d060960864801650304020105000420'],
    ['SHA-384', 48, '3041300d060960864801650304020205000430'],
    ['SHA-512', 64, '3051300d060960864801650304020305000440'],
  ] as const)('prefixes a %s digest with the PKCS#1 DigestInfo header', (hash, length, prefix) => {
    const info = digestInfo(hash, new Uint8Array(length).fill(0xab));
    expect(toHex(info)).toBe(prefix + 'ab'.repeat(length));
  });

  it('rejects a digest of the wrong length', () => {
    expect(() => digestInfo('SHA-256', new Uint8Array(20))).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });

  it('recognises its own output as a DigestInfo', () => {
    expect(checkDigestInfo(digestInfo('SHA-384', new Uint8Array(48)))).toBe('SHA-384');
  });

  it('accepts a DigestInfo of the hash the caller names', () => {
    expect(checkDigestInfo(digestInfo('SHA-512', new Uint8Array(64)), 'SHA-512')).toBe('SHA-512');
  });

  it('refuses a DigestInfo of another hash than the caller names', () => {
    expect(() => checkDigestInfo(digestInfo('SHA-256', new Uint8Array(32)), 'SHA-384')).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });

  it('rejects bytes that are not a known DigestInfo', () => {
    expect(() => checkDigestInfo(new Uint8Array(51))).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });
});

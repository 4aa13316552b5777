import { describe, expect, it } from 'vitest';
import { neutralizeText } from './neutralize.js';
import { formatReport } from './render.js';
import type { ValidationReport } from './types.js';

// ESC, CR, LF, NUL, DEL, C1 CSI, bidi overrides and isolates, zero-width joiner, line separator, BOM.
const HOSTILE = ['\x1b', '\r', '\n', '\0', '\x7f', '\x9b', '\u202e', '\u2066', '\u200d', '\u2028', '\ufeff'];
const RAW = {
  test: (text: string): boolean =>
    [...text].some((ch) => {
      const c = ch.codePointAt(0)!;
      return (
        c < 0x20 ||
        (c >= 0x7f && c <= 0x9f) ||
        (c >= 0x200b && c <= 0x200f) ||
        (c >= 0x2028 && c <= 0x202e) ||
        (c >= 0x2066 && c <= 0x2069) ||
        c === 0xfeff
      );
    }),
};

describe('neutralizeText', () => {
  it('replaces each control, bidi and invisible character by a visible escape', () => {
    expect(HOSTILE.map(neutralizeText)).toEqual([
      '\\x1B',
      '\\x0D',
      '\\x0A',
      '\\x00',
      '\\x7F',
      '\\x9B',
      '\\u202E',
      '\\u2066',
      '\\u200D',
      '\\u2028',
      '\\uFEFF',
    ]);
  });

  it('leaves Japanese, Latin and emoji text untouched', () => {
    const text = '山田 太郎 東京都千代田区 Müller 👍 (株)';
    expect(neutralizeText(text)).toBe(text);
  });

  it('escapes a lone surrogate and keeps a valid pair', () => {
    expect([neutralizeText('a\ud800b'), neutralizeText('\ud83d\udc4d')]).toEqual([
      'a\\uD800b',
      '\ud83d\udc4d',
    ]);
  });
});

describe('human output of hostile certificate text', () => {
  const fakeVerdict = '\x1b[2K\rVerdict:    VALID\n\u202eFDP.exe';

  it('formatReport prints no raw control or bidi character from report fields', () => {
    const report: ValidationReport = {
      verdict: 'invalid',
      code: 'CMS_SIGNATURE_INVALID',
      message: `Signed by ${fakeVerdict}.`,
      signer: { subject: `CN=${fakeVerdict}` },
      digestAlgorithm: 'SHA-256',
      signatureAlgorithm: 'sha256WithRSAEncryption',
      chain: [
        {
          subject: `CN=${fakeVerdict}`,
          issuer: 'CN=CA',
          serial: '01',
          notBefore: '2026-01-01T00:00:00.000Z',
          notAfter: '2027-01-01T00:00:00.000Z',
          revocation: { status: 'good', source: 'crl' },
        },
      ],
      checks: [{ name: 'signature', ok: false, code: 'CMS_SIGNATURE_INVALID', detail: fakeVerdict }],
    };
    const text = formatReport(report);
    const lines = text.split('\n');
    expect([
      RAW.test(text.replaceAll('\n', '')),
      lines.filter((l) => l.startsWith('Verdict:')).length,
    ]).toEqual([false, 1]);
  });
});

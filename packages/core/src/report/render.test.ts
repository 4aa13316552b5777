import { describe, expect, it } from 'vitest';
import { formatReport, reportToJson } from './render.js';
import type { ValidationReport } from './types.js';

const report: ValidationReport = {
  verdict: 'invalid',
  code: 'CERT_REVOKED',
  message: 'Revoked.',
  signer: {
    subject: 'CN=Yamada Taro,C=JP',
    jpki: { name: '山田 太郎', address: '東京都千代田区', birthDate: '419900101', sex: '1' },
  },
  signingTime: '2026-01-02T03:04:05.000Z',
  digestAlgorithm: 'SHA-256',
  signatureAlgorithm: 'sha256WithRSAEncryption',
  chain: [
    {
      subject: 'CN=Yamada Taro,C=JP',
      issuer: 'CN=CA,C=JP',
      serial: '01',
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter: '2030-01-01T00:00:00.000Z',
      revocation: {
        status: 'revoked',
        source: 'crl',
        reason: 'keyCompromise',
        revokedAt: '2026-01-01T00:00:00.000Z',
      },
    },
  ],
  checks: [
    { name: 'signature', ok: true },
    { name: 'revocation', ok: false, code: 'CERT_REVOKED', detail: 'revoked (CN=Yamada Taro,C=JP)' },
  ],
};

describe('report rendering', () => {
  it('prints the JSON document with the design §4 top-level keys', () => {
    expect(Object.keys(JSON.parse(reportToJson(report)))).toEqual([
      'verdict',
      'code',
      'message',
      'signer',
      'signingTime',
      'digestAlgorithm',
      'signatureAlgorithm',
      'chain',
      'checks',
    ]);
  });

  it('shows the verdict with its code first', () => {
    expect(formatReport(report).split('\n')[0]).toBe('Verdict:    INVALID (CERT_REVOKED)');
  });

  it('shows the JPKI facts of the holder', () => {
    expect(formatReport(report)).toContain('  Name:       山田 太郎');
  });

  it('shows a revoked chain element with time and reason', () => {
    expect(formatReport(report)).toContain('revocation: REVOKED at 2026-01-01T00:00:00.000Z (keyCompromise)');
  });

  it('marks a failing check', () => {
    expect(formatReport(report)).toContain(
      '  [FAIL] revocation — CERT_REVOKED: revoked (CN=Yamada Taro,C=JP)',
    );
  });

  it('numbers each signer of a multi-signer report', () => {
    const multi: ValidationReport = { ...report, signers: [report, { ...report, verdict: 'valid' }] };
    expect(formatReport(multi)).toContain('Signer 2 of 2:');
  });
});

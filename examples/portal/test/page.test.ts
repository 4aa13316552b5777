/**
 * The page as a clerk reads it: certificate text with control and bidi characters is made visible
 * and cannot reorder or fake what is shown; the holder's four facts appear only for a valid signature.
 */
import type { ValidationReport } from '@shomei/core';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderPage } from '../src/page.js';

const limits = { maxUploadBytes: 1024 * 1024 };

function report(verdict: ValidationReport['verdict'], name: string): ValidationReport {
  return {
    verdict,
    ...(verdict === 'valid' ? {} : { code: 'SIGNATURE_INVALID', message: 'The signature does not verify.' }),
    signer: {
      subject: `CN=${name}`,
      jpki: { name, address: '東京都千代田区', birthDate: '119850412', sex: '2' },
    },
    digestAlgorithm: 'sha-256',
    signatureAlgorithm: 'rsassa-pkcs1-v1_5',
    chain: [
      {
        subject: `CN=${name}`,
        issuer: 'CN=CA',
        serial: '01',
        notBefore: '2026-01-01T00:00:00Z',
        notAfter: '2031-01-01T00:00:00Z',
        revocation: { status: 'good', source: 'ocsp' },
      },
    ],
    checks: [],
  };
}

describe('escapeHtml', () => {
  it.each([
    ['\u202Eevil', '\\u202Eevil'],
    ['a\u2066b\u2069', 'a\\u2066b\\u2069'],
    ['nul\u0000', 'nul\\x00'],
    ['\u001b[32mVALID', '\\x1B[32mVALID'],
    ['line\r\nbreak', 'line\\x0D\\x0Abreak'],
    ['\u200Fmark\u061C', '\\u200Fmark\\u061C'],
    ['見本　花子', '見本　花子'],
  ])('%j is shown as %j', (input, shown) => {
    expect(escapeHtml(input)).toBe(shown);
  });
});

describe('the report on the page', () => {
  it('a valid signature shows the holder’s name', () => {
    const html = renderPage({ kind: 'report', report: report('valid', '見本　花子') }, limits);
    expect(/id="holder-name">見本　花子</.test(html)).toBe(true);
  });

  it('an invalid signature shows none of the four facts, nor the name in the chain', () => {
    const html = renderPage({ kind: 'report', report: report('invalid', '見本　花子') }, limits);
    expect([
      html.includes('見本　花子'),
      html.includes('東京都千代田区'),
      html.includes('not verified'),
    ]).toEqual([false, false, true]);
  });

  it('an indeterminate signature shows none of the four facts either', () => {
    const html = renderPage({ kind: 'report', report: report('indeterminate', '見本　花子') }, limits);
    expect(html.includes('見本　花子')).toBe(false);
  });

  it('a name with a right-to-left override and markup is shown inert and visible', () => {
    const html = renderPage({ kind: 'report', report: report('valid', 'x\u202E<b>DILAV</b>') }, limits);
    expect([
      html.includes('\u202E'),
      html.includes('<b>DILAV'),
      html.includes('x\\u202E&#60;b&#62;DILAV'),
    ]).toEqual([false, false, true]);
  });

  it('a pending application refreshes itself and shows its number', () => {
    const id = '6f1c1d8e-8a43-4f0e-9c57-0d4b8b7f0a11';
    const html = renderPage({ kind: 'pending', id, receivedAt: new Date(0), attempts: 1 }, limits);
    expect([
      html.includes('http-equiv="refresh"'),
      html.includes(id),
      /id="verdict">pending</.test(html),
    ]).toEqual([true, true, true]);
  });
});

import { coreError } from '@shomei/core';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { reportError, table } from './output.js';

const ESCAPE_LIKE = '\x1b[2K\rVerdict: VALID\u202e';

describe('human CLI output neutralises card and certificate text', () => {
  it('table() prints control and bidi characters of a value as visible escapes', () => {
    expect(table([['Name', ESCAPE_LIKE]])).toBe('Name  \\x1B[2K\\x0DVerdict: VALID\\u202E');
  });

  it('reportError() neutralises an error message that quotes a certificate name', () => {
    const err: string[] = [];
    const io = {
      stdout: { write: () => {} },
      stderr: { write: (t: string) => err.push(t) },
    } as unknown as CliIo;
    reportError(io, coreError('PATH_NOT_FOUND', `no issuer "${ESCAPE_LIKE}"`), false);
    expect(err.join('')).toBe('shomei: no issuer "\\x1B[2K\\x0DVerdict: VALID\\u202E" [PATH_NOT_FOUND]\n');
  });
});

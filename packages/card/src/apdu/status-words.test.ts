import { describe, expect, it } from 'vitest';
import { statusError } from './status-words.js';

describe('status words', () => {
  const table: Array<[number, string]> = [
    [0x63c2, 'PIN_INCORRECT'],
    [0x63c0, 'PIN_BLOCKED'],
    [0x6983, 'PIN_BLOCKED'],
    [0x6984, 'PIN_BLOCKED'],
    [0x6982, 'SECURITY_STATUS_NOT_SATISFIED'],
    [0x6985, 'CONDITIONS_NOT_SATISFIED'],
    [0x6a82, 'FILE_NOT_FOUND'],
    [0x6a86, 'WRONG_P1P2'],
    [0x6b00, 'WRONG_P1P2'],
    [0x6700, 'WRONG_LENGTH'],
    [0x6d00, 'INS_NOT_SUPPORTED'],
    [0x6e00, 'CLA_NOT_SUPPORTED'],
    [0x6581, 'MEMORY_FAILURE'],
    [0x6400, 'CARD_ERROR'],
    [0x9123, 'SW_UNKNOWN'],
  ];
  for (const [sw, code] of table) {
    it(`maps ${sw.toString(16).toUpperCase()} to ${code}`, () => {
      expect(statusError(sw)?.code).toBe(code);
    });
  }

  it('treats 9000 as success', () => {
    expect(statusError(0x9000)).toBeUndefined();
  });

  it('carries remainingAttempts from 63Cx', () => {
    expect(statusError(0x63c2)?.details.remainingAttempts).toBe(2);
  });

  it('carries the raw SW on unknown status words', () => {
    expect(statusError(0x9123)?.details.sw).toBe('9123');
  });

  it('names the command in the message', () => {
    expect(statusError(0x6a82, { command: 'SELECT' })?.message).toMatch(/^SELECT: /);
  });
});

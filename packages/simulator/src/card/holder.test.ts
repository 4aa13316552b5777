import { describe, expect, it } from 'vitest';
import { HOLDER, PINS } from '../../test/fixture.js';
import { resolveCardConfig } from './config.js';
import { parseHolderFile } from './holder.js';

const base = { ...HOLDER, pins: PINS };

function fieldOf(json: unknown): string {
  try {
    parseHolderFile(json);
    return 'accepted';
  } catch (e) {
    const err = e as { code?: string; details?: { field?: string }; message: string };
    if (err.code !== 'HOLDER_PROFILE_INVALID') throw e;
    return err.details?.field ?? err.message;
  }
}

describe('parseHolderFile (holder.json)', () => {
  it('accepts the documented shape and defaults the profile to mynumber', () => {
    expect(parseHolderFile(base).profile).toBe('mynumber');
  });

  it.each([
    ['birthDate', { birthDate: '1985-02-30' }],
    ['birthDate', { birthDate: '19850401' }],
    ['sex', { sex: 'f' }],
    ['name', { name: '' }],
    ['address', { address: 42 }],
    ['myNumber', { myNumber: '12345' }],
    ['myNumber', { myNumber: undefined }],
    ['pins.sign', { pins: { ...PINS, sign: 'abc123' } }],
    ['pins.sign', { pins: { ...PINS, sign: 'ABC12' } }],
    ['pins.auth', { pins: { ...PINS, auth: '12345' } }],
    ['pins.assist', { pins: { ...PINS, assist: 'abcd' } }],
  ])('rejects a bad %s', (field, change) => {
    expect(fieldOf({ ...base, ...change })).toBe(field);
  });

  it('accepts a Juki card without My Number and assist PIN', () => {
    const juki = parseHolderFile({
      ...base,
      myNumber: undefined,
      pins: { sign: 'ABC123', auth: '1234' },
      profile: 'juki',
    });
    expect([juki.profile, juki.holder.myNumber]).toEqual(['juki', undefined]);
  });

  it('rejects an unknown profile', () => {
    expect(fieldOf({ ...base, profile: 'passport' })).toMatch(/profile/);
  });

  it('rejects a non-object document', () => {
    expect(fieldOf([])).toMatch(/object/);
  });

  it('never puts a PIN value into the error message', () => {
    expect(fieldOf({ ...base, pins: { ...PINS, sign: 'SECRET!' } })).toBe('pins.sign');
  });
});

describe('resolveCardConfig', () => {
  it('fills the documented defaults', () => {
    const c = resolveCardConfig();
    expect({
      atr: Buffer.from(c.atr).toString('hex'),
      blockedPinSw: c.blockedPinSw,
      clear: c.clearVerificationOnSelectAp,
      fci: c.fciOnSelect,
      challenge: c.getChallenge,
      limits: c.retryLimits,
    }).toEqual({
      atr: '3be000ff8131fe4514',
      blockedPinSw: 0x6983,
      clear: true,
      fci: false,
      challenge: true,
      limits: { auth: 3, sign: 5, assist: 3 },
    });
  });

  it.each([
    ['an ATR not starting with 3B/3F', { atr: Uint8Array.of(0x12, 0x34) }],
    ['a 1-byte ATR', { atr: Uint8Array.of(0x3b) }],
    ['blockedPinSw 9000', { blockedPinSw: 0x9000 as 0x6983 }],
    ['a retry limit of 0', { retryLimits: { auth: 0 } }],
    ['a retry limit of 16', { retryLimits: { sign: 16 } }],
  ])('rejects %s with CARD_CONFIG_INVALID', (_, input) => {
    expect(() => resolveCardConfig(input)).toThrowError(
      expect.objectContaining({ code: 'CARD_CONFIG_INVALID' }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { CardFaults } from './card-faults.js';

describe('CardFaults argument checks', () => {
  it('refuses a status word outside 16 bits with INPUT_INVALID', () => {
    expect(() => new CardFaults().forceStatusWord(0x10000)).toThrowError(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });

  it('refuses a negative delay with INPUT_INVALID', () => {
    expect(() => new CardFaults().delayResponses(-1)).toThrowError(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });

  it('is present until removed', () => {
    const f = new CardFaults();
    const before = f.present;
    f.removeCard();
    expect([before, f.present]).toEqual([true, false]);
  });

  it('notifies presence listeners once per change', () => {
    const f = new CardFaults();
    const seen: boolean[] = [];
    f.onPresenceChange((p) => seen.push(p));
    f.removeCard();
    f.removeCard();
    f.insertCard();
    expect(seen).toEqual([false, true]);
  });
});

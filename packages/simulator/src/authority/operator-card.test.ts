import { describe, expect, it } from 'vitest';
import { OperatorCard } from './operator-card.js';

const challenge = new Uint8Array(32).fill(7);

describe('OperatorCard', () => {
  it('signs a challenge after the right PIN', () => {
    const card = OperatorCard.create({ name: 'a', pin: '1234' });
    expect(card.authenticate('1234', challenge)).toHaveLength(64);
  });

  it('blocks after three wrong PINs, then refuses even the right one', () => {
    const card = OperatorCard.create({ name: 'a', pin: '1234' });
    const codes: string[] = [];
    for (const pin of ['0000', '0000', '0000', '1234']) {
      try {
        card.authenticate(pin, challenge);
        codes.push('ok');
      } catch (e) {
        codes.push((e as { code: string }).code);
      }
    }
    expect(codes).toEqual([
      'OPERATOR_PIN_INCORRECT',
      'OPERATOR_PIN_INCORRECT',
      'OPERATOR_CARD_BLOCKED',
      'OPERATOR_CARD_BLOCKED',
    ]);
  });

  it('a right PIN resets the counter', () => {
    const card = OperatorCard.create({ name: 'a', pin: '1234' });
    expect(() => card.authenticate('0000', challenge)).toThrow();
    card.authenticate('1234', challenge);
    expect(card.triesLeft).toBe(3);
  });

  it('a malformed PIN is refused without spending a try', () => {
    const card = OperatorCard.create({ name: 'a', pin: '1234' });
    expect(() => card.authenticate('12ab', challenge)).toThrow();
    expect(card.triesLeft).toBe(3);
  });

  it('the saved file keeps the counter and never the PIN', () => {
    const card = OperatorCard.create({ name: 'a', pin: '918273' });
    expect(() => card.authenticate('000000', challenge)).toThrow();
    const text = card.save();
    expect([OperatorCard.load(text).triesLeft, text.includes('918273')]).toEqual([2, false]);
  });

  it('a file that is not an operator card is CARD_FILE_INVALID', () => {
    expect(() => OperatorCard.load('{"format":"x"}')).toThrow(
      expect.objectContaining({ code: 'CARD_FILE_INVALID' }),
    );
  });
});

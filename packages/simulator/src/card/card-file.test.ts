import { isShomeiError } from '@shomei/core';
import { describe, expect, it } from 'vitest';
import { APDU, freshCard, issuedCardFile, run, sw } from '../../test/fixture.js';
import { VirtualJpkiCard } from './virtual-card.js';

const { selectJpki, selectEf, verify, status } = APDU;

type Json = { [key: string]: unknown };

/** Loads the issued card file after setting `path` to `value` (undefined deletes); returns the field named by the error. */
async function invalidField(path: string, value: unknown): Promise<string> {
  const json = JSON.parse(await issuedCardFile()) as Json;
  const keys = path.split('.');
  let at = json;
  for (const k of keys.slice(0, -1)) at = at[k] as Json;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = typeof value === 'function' ? value(json) : value;
  try {
    VirtualJpkiCard.load(json as never);
    return 'loaded';
  } catch (e) {
    if (!isShomeiError(e) || e.code !== 'CARD_FILE_INVALID') throw e;
    return String(e.details.field ?? '(none)');
  }
}

describe('card file save/load', () => {
  it('marks its keys as test keys', async () => {
    const json = JSON.parse(await issuedCardFile());
    expect(json.testKeysNotSecret).toBe(true);
  });

  it('keeps retry counters across save and load', async () => {
    const card = await freshCard();
    run(card, selectJpki, selectEf('00 1B'), verify('WRONG1'), verify('WRONG2'));
    const again = VirtualJpkiCard.load(card.save());
    expect(sw(again, selectJpki, selectEf('00 1B'), status)).toBe('63C3');
  });

  it('does not keep verification across save and load', async () => {
    const card = await freshCard();
    run(card, selectJpki, selectEf('00 1B'), verify('TEST1234'));
    const again = VirtualJpkiCard.load(card.save());
    expect(sw(again, selectJpki, selectEf('00 01'), APDU.read(0, 4))).toBe('6982');
  });

  it('keeps a changed PIN', async () => {
    const card = await freshCard();
    run(card, selectJpki, selectEf('00 18'), verify('1234'), APDU.change('7777'));
    const again = VirtualJpkiCard.load(card.save());
    expect(sw(again, selectJpki, selectEf('00 18'), verify('7777'))).toBe('9000');
  });

  it('keeps the same keys (signatures are equal after reload)', async () => {
    const card = await freshCard();
    const flow = [
      selectJpki,
      selectEf('00 18'),
      verify('1234'),
      selectEf('00 17'),
      APDU.sign('11'.repeat(32)),
    ];
    expect(run(VirtualJpkiCard.load(card.save()), ...flow)).toBe(run(card, ...flow));
  });

  it('notifies a listener when a counter changes', async () => {
    const card = await freshCard();
    let calls = 0;
    card.onPersistentChange(() => calls++);
    run(card, selectJpki, selectEf('00 18'), status, verify('0000'));
    expect(calls).toBe(1);
  });

  it('refuses text that is not JSON', () => {
    expect(() => VirtualJpkiCard.load('{nope')).toThrowError(
      expect.objectContaining({ code: 'CARD_FILE_INVALID' }),
    );
  });

  it.each([
    ['format', 'format', 'other/1'],
    ['testKeysNotSecret', 'testKeysNotSecret', undefined],
    ['profile', 'profile', 'eid'],
    ['holder', 'holder.birthDate', '1985-13-01'],
    ['pins.auth.value', 'pins.auth.value', '12345'],
    ['pins.sign.tries', 'pins.sign.tries', 6],
    ['pins.auth.tries', 'pins.auth.tries', -1],
    ['certificates.auth', 'certificates.auth', 'AAAA'],
    ['keys.sign', 'keys.sign', 'not a key'],
    ['keys.auth', 'keys.auth', (j: Json) => (j.keys as Json).sign],
    ['config', 'config.blockedPinSw', '9000'],
    ['config.atr', 'config.atr', 'xyz'],
    ['assistKeyId', 'assistKeyId', '00'],
  ] as const)('rejects a bad %s with CARD_FILE_INVALID naming it', async (field, path, value) => {
    expect(await invalidField(path, value)).toBe(field);
  });

  it('rejects a JSON array as the root', () => {
    expect(() => VirtualJpkiCard.load('[]')).toThrowError(
      expect.objectContaining({ code: 'CARD_FILE_INVALID' }),
    );
  });
});

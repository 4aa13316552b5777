import { toHex } from '@shomei/core';
import { describe, expect, it } from 'vitest';
import { APDU, freshCard, HOLDER, run, sw } from '../../test/fixture.js';
import { VirtualJpkiCard } from './virtual-card.js';

const { selectAssist, selectJpki, selectEf, verify, read, status } = APDU;
const ASSIST_PIN = verify('5678');
const text = (s: string) => toHex(new TextEncoder().encode(s)).toUpperCase();

describe('card-input-assistance AP (spec §9)', () => {
  it('is selected by its AID', async () => {
    expect(sw(await freshCard(), selectAssist)).toBe('9000');
  });

  it('EF 0005 basic info is readable without PIN and starts with FF 40', async () => {
    const r = run(await freshCard(), selectAssist, selectEf('00 05'), read(0, 0));
    expect(r).toMatch(/^FF401ADF410401000000DF4210[0-9A-F]{32}9000$/);
  });

  it('EF 0001 needs the assist PIN (6982 before it)', async () => {
    expect(sw(await freshCard(), selectAssist, selectEf('00 01'), read(0, 17))).toBe('6982');
  });

  it('EF 0001 holds FF 10 0C and the 12 My Number digits', async () => {
    const r = run(
      await freshCard(),
      selectAssist,
      selectEf('00 11'),
      ASSIST_PIN,
      selectEf('00 01'),
      read(0, 17),
    );
    expect(r).toBe(`FF100C${text(HOLDER.myNumber!)}9000`);
  });

  it('EF 0002 holds FF 20 with name, address, birth date and sex TLVs', async () => {
    const r = run(
      await freshCard(),
      selectAssist,
      selectEf('00 11'),
      ASSIST_PIN,
      selectEf('00 02'),
      read(0, 0),
    );
    const body = r.slice(0, -4);
    expect(body.startsWith('FF20')).toBe(true);
    expect(body).toContain(
      `DF22${new TextEncoder().encode(HOLDER.name).length.toString(16).padStart(2, '0').toUpperCase()}${text(HOLDER.name)}`,
    );
    expect(body).toContain(`DF2408${text('19850401')}`);
    expect(body.endsWith(`DF2501${text('2')}`)).toBe(true);
  });

  it('EF 0002 header DF 21 points at the name TLV', async () => {
    const card = await freshCard();
    const bytes = Buffer.from(
      run(card, selectAssist, selectEf('00 11'), ASSIST_PIN, selectEf('00 02'), read(0, 0)),
      'hex',
    );
    const nameOffset = bytes.readUInt16BE(bytes.indexOf(Buffer.from([0xdf, 0x21])) + 3);
    expect(bytes.subarray(nameOffset, nameOffset + 2).toString('hex')).toBe('df22');
  });

  it('its PIN starts with 3 tries', async () => {
    expect(sw(await freshCard(), selectAssist, selectEf('00 11'), status)).toBe('63C3');
  });

  it('selecting it clears the JPKI verification', async () => {
    const card = await freshCard();
    run(card, selectJpki, selectEf('00 18'), verify('1234'), selectAssist, selectJpki);
    expect(sw(card, selectEf('00 17'), APDU.sign('00'.repeat(32)))).toBe('6982');
  });
});

describe('Juki card profile (spec §1.3)', () => {
  it('has token JPKIAPICCTOKEN and no card-input-assistance AP', async () => {
    const card = await VirtualJpkiCard.create({
      holder: { ...HOLDER, myNumber: undefined },
      pins: { sign: 'ABC123', auth: '1234', assist: '' },
      profile: 'juki',
    });
    const token = run(card, selectJpki, selectEf('00 06'), read(0, 0));
    const assist = sw(card, selectAssist);
    const reloaded = VirtualJpkiCard.load(card.save());
    expect({ token, assist, tries: reloaded.pinTries() }).toEqual({
      token: `${text('JPKIAPICCTOKEN'.padEnd(32, ' '))}9000`,
      assist: '6A82',
      tries: { auth: 3, sign: 5, assist: undefined },
    });
  });
});

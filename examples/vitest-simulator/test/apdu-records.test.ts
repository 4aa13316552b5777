/**
 * APDU records: what went over the wire, for assertions on the protocol. PIN-carrying commands
 * (VERIFY, CHANGE REFERENCE DATA) are recorded as their 4-byte header only, so a test log or a
 * snapshot can never leak a PIN, nor even its length.
 */
import { toHex } from '@shomei/core';
import type { VirtualJpkiCard } from '@shomei/simulator';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type InsertedCard, insert, issueCard, PINS } from './fixtures.js';

const INS = { select: 0xa4, readBinary: 0xb0, verify: 0x20, sign: 0x2a } as const;
const data = new TextEncoder().encode('a document');

let issued: VirtualJpkiCard;
let inserted: InsertedCard | undefined;

beforeAll(async () => {
  issued = await issueCard();
});

afterEach(async () => {
  await inserted?.card.close();
  inserted = undefined;
});

async function open(): Promise<InsertedCard> {
  inserted = await insert(issued);
  return inserted;
}

describe('APDU records', () => {
  it('records one COMPUTE DIGITAL SIGNATURE per signature', async () => {
    const { card, faults } = await open();
    await card.sign('sign', { data }, { pin: PINS.sign });
    expect(faults.countOf(INS.sign, 0x80)).toBe(1);
  });

  it('keeps only the header of a VERIFY that carried the PIN', async () => {
    const { card, faults } = await open();
    await card.sign('sign', { data }, { pin: PINS.sign });
    const verify = faults.records.find((r) => r.command[1] === INS.verify && r.redacted);
    expect(verify && toHex(verify.command)).toBe('00200080');
  });

  it('never holds the PIN bytes anywhere in the records', async () => {
    const { card, faults } = await open();
    await card.sign('sign', { data }, { pin: PINS.sign });
    const pinHex = toHex(new TextEncoder().encode(PINS.sign));
    const wire = faults.records.map((r) => toHex(r.command) + toHex(r.response)).join('');
    expect(wire).not.toContain(pinHex);
  });

  it('reads the auth certificate in chunks without any PIN', async () => {
    const { card, faults } = await open();
    await card.readCertificate('auth');
    expect({
      reads: faults.countOf(INS.readBinary) > 1,
      verifies: faults.countOf(INS.verify),
    }).toEqual({ reads: true, verifies: 0 });
  });

  it('marks exchanges shaped by a fault', async () => {
    const { card, faults } = await open();
    faults.forceStatusWord(0x6982, { ins: INS.readBinary });
    await card.readCertificate('auth').catch(() => {});
    expect(faults.records.at(-1)?.fault).toBe('forced-sw');
  });
});

/**
 * Fault injection: what your code does when the card is pulled out, answers slowly or answers
 * garbage. `CardFaults` sits between the transport and the virtual card.
 */
import type { VirtualJpkiCard } from '@shomei/simulator';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type InsertedCard, insert, issueCard, PINS } from './fixtures.js';

const INS_COMPUTE_DIGITAL_SIGNATURE = 0x2a;
const data = new TextEncoder().encode('a document');

let issued: VirtualJpkiCard;
let inserted: InsertedCard | undefined;

beforeAll(async () => {
  issued = await issueCard();
});

afterEach(async () => {
  vi.useRealTimers();
  await inserted?.card.close();
  inserted = undefined;
});

async function open(): Promise<InsertedCard> {
  inserted = await insert(issued);
  return inserted;
}

/**
 * Pulls the card out the moment the next command with `ins` reaches the reader. A forced status
 * word whose matcher never matches is the hook for "during this command"; the matcher runs once per
 * command, before the card answers.
 */
function removeCardDuring(faults: InsertedCard['faults'], ins: number): void {
  faults.forceStatusWord(0x9000, (command) => {
    if (command[1] === ins) faults.removeCard();
    return false;
  });
}

describe('card removed', () => {
  it('fails a signature with CARD_REMOVED when the card is pulled out mid-sign', async () => {
    const { card, faults } = await open();
    removeCardDuring(faults, INS_COMPUTE_DIGITAL_SIGNATURE);
    await expect(card.sign('sign', { data }, { pin: PINS.sign })).rejects.toMatchObject({
      code: 'CARD_REMOVED',
    });
  });

  it('signs after the card is put back', async () => {
    const { card, faults } = await open();
    removeCardDuring(faults, INS_COMPUTE_DIGITAL_SIGNATURE);
    await card.sign('sign', { data }, { pin: PINS.sign }).catch(() => {});
    faults.clearFaults();
    faults.insertCard();
    expect(await card.sign('sign', { data }, { pin: PINS.sign })).toHaveLength(256);
  });

  it('does not count a PIN try when the card is pulled out after VERIFY', async () => {
    const { card, faults, virtual } = await open();
    removeCardDuring(faults, INS_COMPUTE_DIGITAL_SIGNATURE);
    await card.sign('sign', { data }, { pin: PINS.sign }).catch(() => {});
    expect(virtual.pinTries().sign).toBe(5);
  });
});

describe('slow and broken cards', () => {
  it('times out a card that stops answering, on a fake clock', async () => {
    inserted = await insert(issued);
    vi.useFakeTimers();
    const { card, faults } = inserted;
    faults.delayResponses(60_000);
    const read = card.readCertificate('auth');
    const outcome = expect(read).rejects.toMatchObject({ code: 'TIMEOUT' });
    await vi.advanceTimersByTimeAsync(31_000);
    await outcome;
  });

  it('reports a status word the test forces (here: security status not satisfied)', async () => {
    const { card, faults } = await open();
    faults.forceStatusWord(0x6982, { ins: 0xb0 });
    await expect(card.readCertificate('auth')).rejects.toMatchObject({
      code: 'SECURITY_STATUS_NOT_SATISFIED',
    });
  });

  it('rejects a response cut short with RESPONSE_MALFORMED', async () => {
    const { card, faults } = await open();
    faults.corruptNextResponse(() => Uint8Array.of(0x90));
    await expect(card.readCertificate('auth')).rejects.toMatchObject({ code: 'RESPONSE_MALFORMED' });
  });
});

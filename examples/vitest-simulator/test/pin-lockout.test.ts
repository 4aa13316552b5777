/**
 * PIN lockout: the driver never retries a PIN, stops before the last try unless told otherwise, and
 * reports a blocked PIN. The virtual card counts tries like a real one (5 for the signature
 * password, 3 for the 4-digit PINs), and `VirtualJpkiCard.pinTries()` lets a test look inside.
 */
import type { VirtualJpkiCard } from '@shomei/simulator';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type InsertedCard, insert, issueCard, PINS } from './fixtures.js';

const WRONG_AUTH_PIN = '0000';
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

/** Uses up `n` tries of the authentication PIN with a wrong PIN. */
async function wrongTries(card: InsertedCard['card'], n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await card.verifyPin('auth', WRONG_AUTH_PIN).catch(() => {});
  }
}

describe('PIN lockout', () => {
  it('reports the tries left after a wrong PIN', async () => {
    const { card } = await open();
    await expect(card.verifyPin('auth', WRONG_AUTH_PIN)).rejects.toMatchObject({
      code: 'PIN_INCORRECT',
      details: { remainingAttempts: 2 },
    });
  });

  it('sends nothing and uses no try for a PIN of the wrong format', async () => {
    const { card, faults, virtual } = await open();
    await expect(card.verifyPin('sign', 'lower-case')).rejects.toMatchObject({ code: 'PIN_FORMAT_INVALID' });
    expect(faults.commandCount).toBe(0);
    expect(virtual.pinTries().sign).toBe(5);
  });

  it('refuses to spend the last try unless allowLastAttempt is set', async () => {
    const { card, virtual } = await open();
    await wrongTries(card, 2);
    await expect(card.verifyPin('auth', PINS.auth)).rejects.toMatchObject({ code: 'PIN_LAST_ATTEMPT_GUARD' });
    expect(virtual.pinTries().auth).toBe(1);
  });

  it('verifies with the last try when the caller allows it, which restores the counter', async () => {
    const { card, virtual } = await open();
    await wrongTries(card, 2);
    await card.verifyPin('auth', PINS.auth, { allowLastAttempt: true });
    expect(virtual.pinTries().auth).toBe(3);
  });

  it('blocks the PIN after the last wrong try, and signing then fails with PIN_BLOCKED', async () => {
    const { card } = await open();
    await wrongTries(card, 2);
    await card.verifyPin('auth', WRONG_AUTH_PIN, { allowLastAttempt: true }).catch(() => {});
    await expect(card.sign('auth', { data }, { pin: PINS.auth })).rejects.toMatchObject({
      code: 'PIN_BLOCKED',
    });
  });

  it('shows a blocked PIN in pinStatus()', async () => {
    const { card } = await open();
    await wrongTries(card, 2);
    await card.verifyPin('auth', WRONG_AUTH_PIN, { allowLastAttempt: true }).catch(() => {});
    expect((await card.pinStatus()).auth).toEqual({ remainingAttempts: 0, maxAttempts: 3, blocked: true });
  });
});

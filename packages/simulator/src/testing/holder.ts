/**
 * A fictitious holder and PINs for cards issued in tests. The PINs have the formats of
 * spec/jpki-card.md §4: signing 6–16 of A–Z0–9, authentication and card-input-assistance 4 digits.
 */
import type { CardPins, HolderProfile } from '../card/holder.js';

export const TEST_PINS = { auth: '4826', sign: 'QX7RZ2KP', assist: '9153' } as const satisfies CardPins;

export const TEST_HOLDER = {
  name: '試験　花子',
  address: '東京都千代田区霞が関二丁目一番二号',
  birthDate: '1985-04-12',
  sex: 'female',
  myNumber: '739164825031',
} as const satisfies HolderProfile;

/**
 * Test fixtures for a suite that talks to a JPKI card. Key generation inside a virtual card costs
 * two RSA-2048 key pairs, so a test file issues ONE card in `beforeAll` (`issueCard`) and every test
 * works on its own copy (`insert`): `VirtualJpkiCard.load(card.save())` restores the same keys,
 * certificates and PIN counters in microseconds, so no test sees another test's wrong PINs.
 */
import { type JpkiCard, openJpkiCard } from '@shomei/card';
import { CardFaults, MemoryTransport, VirtualJpkiCard } from '@shomei/simulator';

/** The PINs chosen "at the counter". Test values only: never put real PINs in a repository. */
export const PINS = { sign: 'TESTPIN42', auth: '1234', assist: '5678' } as const;

/** The holder's four facts (plus the My Number, which a My Number card always carries). */
export const HOLDER = {
  name: '検証　一郎',
  address: '大阪府大阪市北区中之島一丁目三番二十号',
  birthDate: '1990-01-31',
  sex: 'male' as const,
  myNumber: '123456789018',
};

/** Issues a virtual My Number card; its certificates chain to the simulator's built-in test CA. */
export function issueCard(): Promise<VirtualJpkiCard> {
  return VirtualJpkiCard.create({ holder: HOLDER, pins: { ...PINS } });
}

/** One test's card in a reader: a private copy of the issued card, its faults, and the driver on it. */
export interface InsertedCard {
  /** The virtual card itself (read its PIN counters, certificates, holder). */
  virtual: VirtualJpkiCard;
  /** Remove/insert the card, delay or corrupt responses, force status words, read APDU records. */
  faults: CardFaults;
  /** The card driver, exactly as an application would use it with a real reader. */
  card: JpkiCard;
}

export async function insert(issued: VirtualJpkiCard): Promise<InsertedCard> {
  const virtual = VirtualJpkiCard.load(issued.save());
  const faults = new CardFaults();
  const card = await openJpkiCard({ transport: new MemoryTransport(virtual, { faults }) });
  // openJpkiCard identified the card (SELECT + READ BINARY); start each test with clean records.
  faults.clearRecords();
  return { virtual, faults, card };
}

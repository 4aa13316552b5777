/**
 * Setup of every real-PC/SC test file (vitest.pcsc.config.ts): wait until no vpcd reader lists a card.
 * A card that the previous file removed stays listed until pcscd's next presence poll (~400 ms);
 * a file that inserted its own card before then would talk to the old card's closed connection.
 */
import { beforeAll } from 'vitest';
import { PcscContext } from '../../packages/card/src/transport/pcsc-context.js';

beforeAll(async () => {
  if (!process.env.SHOMEI_PCSC) return;
  const context = await PcscContext.open();
  try {
    const deadline = Date.now() + 10_000;
    while (context.readers().some((r) => r.cardPresent)) {
      if (Date.now() > deadline) {
        const full = context
          .readers()
          .filter((r) => r.cardPresent)
          .map((r) => r.name);
        throw new Error(`PC/SC readers still hold a card from an earlier test file: ${full.join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    context.close();
  }
});

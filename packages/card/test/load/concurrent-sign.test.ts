/**
 * Load: 100 concurrent sign requests on one card, in process. The card can only do one
 * thing at a time, so JpkiCard must queue them: every request succeeds, each one's APDUs are contiguous
 * (no request's COMPUTE DIGITAL SIGNATURE runs between another's VERIFY and its own), and the PIN
 * counter is untouched. (The portal's 1,000 concurrent verifications belong to the portal's tests.)
 */
import { createVerify, X509Certificate } from 'node:crypto';
import type { VirtualJpkiCard } from '@shomei/simulator';
import { recordCases } from '@shomei/simulator/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { JpkiCard } from '../../src/jpki/jpki-card.js';
import { issueTemplate, PINS, rig } from '../fixtures/virtual-cards.js';

let template: VirtualJpkiCard;
beforeAll(async () => {
  template = await issueTemplate();
});

const REQUESTS = 100;

describe('load: concurrent signing on one card', () => {
  it(`${REQUESTS} concurrent sign requests are serialized and all succeed`, async () => {
    const { card, faults, transport } = rig(template);
    const jpki = new JpkiCard(transport);
    let inFlight = 0;
    let maxInFlight = 0;
    const inner = transport.transmit.bind(transport);
    transport.transmit = async (command, options) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await inner(command, options);
      } finally {
        inFlight--;
      }
    };
    faults.delayResponses(1); // let the event loop interleave, if anything would
    const messages = Array.from({ length: REQUESTS }, (_, i) => new TextEncoder().encode(`document ${i}`));
    const signatures = await Promise.all(
      messages.map((data) => jpki.sign('sign', { data }, { pin: PINS.sign })),
    );

    expect(maxInFlight).toBe(1);
    const publicKey = new X509Certificate(Buffer.from(card.certificate('sign'))).publicKey;
    signatures.forEach((signature, i) => {
      const v = createVerify('sha256');
      v.update(messages[i]!);
      expect(v.verify(publicKey, signature), `signature ${i}`).toBe(true);
    });
    // Between two COMPUTE DIGITAL SIGNATUREs there is exactly one PIN VERIFY: no interleaving.
    const ins = faults.records.map((r) =>
      r.command[1] === 0x20 && r.redacted ? 'V' : r.command[1] === 0x2a ? 'S' : '',
    );
    const pattern = ins.filter(Boolean).join('');
    expect(pattern).toBe('VS'.repeat(REQUESTS));
    expect(card.pinTries().sign).toBe(5);
    recordCases(REQUESTS);
    await jpki.close();
  });
});

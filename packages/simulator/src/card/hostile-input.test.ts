import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APDU, freshCard, h } from '../../test/fixture.js';
import { parseCommandApdu } from './command-apdu.js';

const SEED = 20261127;

/** Random APDUs biased towards the card's own CLA/INS values, so the handlers are reached. */
const apdu = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .tuple(
      fc.constantFrom(0x00, 0x80, 0x0c, 0xff),
      fc.constantFrom(0xa4, 0xb0, 0x20, 0x24, 0x2a, 0x84, 0xc0, 0xca),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.uint8Array({ maxLength: 270 }),
    )
    .map(([cla, ins, p1, p2, rest]) => Uint8Array.of(cla, ins, p1, p2, ...rest)),
);

describe('hostile input (spec §7 item 13)', () => {
  it('random APDU sequences always get ≥ 2 response bytes and never throw', async () => {
    const card = await freshCard();
    const setup = [APDU.selectJpki, APDU.selectEf('00 18'), APDU.verify('1234')].map(h);
    fc.assert(
      fc.property(fc.array(apdu, { maxLength: 20 }), (commands) => {
        for (const c of setup) card.transmit(c);
        for (const c of commands) {
          const r = card.transmit(c);
          if (r.length < 2) return false;
        }
        return true;
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('the parser accepts exactly the ISO 7816-4 short and extended layouts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const parsed = parseCommandApdu(bytes);
        if (!parsed.ok) return true;
        const c = parsed.command;
        // Re-encode from the parsed fields and compare with the input.
        const short = !c.extended;
        const lc = c.data.length;
        const head = [c.cla, c.ins, c.p1, c.p2];
        const lcBytes = lc === 0 ? [] : short ? [lc] : [0, lc >> 8, lc & 0xff];
        const le = c.le;
        const leBytes =
          le === undefined
            ? []
            : short
              ? [le & 0xff]
              : lc === 0
                ? [0, (le >> 8) & 0xff, le & 0xff]
                : [(le >> 8) & 0xff, le & 0xff];
        const again = Uint8Array.of(...head, ...lcBytes, ...c.data, ...leBytes);
        return Buffer.from(again).equals(Buffer.from(bytes));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('the parser reads a case-4 short APDU', () => {
    const parsed = parseCommandApdu(h('80 2A 00 80 02 AA BB 00'));
    expect(parsed).toEqual({
      ok: true,
      command: { cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: h('AA BB'), le: 256, extended: false },
    });
  });

  it('the parser refuses an inconsistent Lc', () => {
    expect(parseCommandApdu(h('00 A4 04 0C 05 01 02'))).toEqual({ ok: false, reason: 'length' });
  });
});

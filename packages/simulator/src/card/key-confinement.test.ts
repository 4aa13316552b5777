import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { APDU, freshCard, run } from '../../test/fixture.js';
import type { VirtualJpkiCard } from './virtual-card.js';

/** The RSA primes of both card keys (hex), taken from the card file, the only place they are written. */
function primes(card: VirtualJpkiCard): string[] {
  const keys = JSON.parse(card.save()).keys as Record<string, string>;
  return Object.values(keys).flatMap((pem) => {
    const jwk = createPrivateKey(pem).export({ format: 'jwk' });
    return [jwk.p!, jwk.q!, jwk.d!].map((b64) => Buffer.from(b64, 'base64url').toString('hex').toUpperCase());
  });
}

describe('keys never leave the card ', () => {
  it('no EF of any AP contains private-key material, even with every PIN verified', async () => {
    const card = await freshCard();
    const secrets = primes(card).map((p) => p.slice(0, 64));
    const seen: string[] = [];
    const readAll = (ap: string, pinEf: string, pin: string, fids: string[]) => {
      for (const fid of fids) {
        run(card, ap, APDU.selectEf(pinEf), APDU.verify(pin), APDU.selectEf(fid));
        for (let off = 0; off < 0x1000; off += 256) {
          const r = run(card, APDU.read(off, 0));
          seen.push(r);
          if (!r.endsWith('9000')) break;
        }
      }
    };
    readAll(APDU.selectJpki, '00 1B', 'TEST1234', [
      '00 01',
      '00 02',
      '00 06',
      '00 0A',
      '00 0B',
      '00 17',
      '00 18',
      '00 1A',
      '00 1B',
    ]);
    readAll(APDU.selectJpki, '00 18', '1234', ['00 17', '00 18']);
    readAll(APDU.selectAssist, '00 11', '5678', ['00 01', '00 02', '00 05', '00 11']);
    const leaked = seen.some((r) => secrets.some((s) => r.includes(s)));
    expect([seen.length > 10, leaked]).toEqual([true, false]);
  });

  it('the card object exposes no key through its properties or JSON', async () => {
    const card = await freshCard();
    const visible = JSON.stringify({ props: Object.keys(card), json: JSON.stringify(card) });
    expect(/PRIVATE KEY|"keys"\s*:/.test(visible)).toBe(false);
  });
});

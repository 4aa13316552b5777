import { createHash, publicDecrypt, X509Certificate } from 'node:crypto';
import { fromHex, toHex } from '@shomei/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { APDU, freshCard, h, run, SHA256_DIGESTINFO_PREFIX, sw } from '../../test/fixture.js';
import type { CardConfigInput } from './config.js';

const DIGEST = createHash('sha256').update('shomei').digest('hex');
const { selectJpki, selectAssist, selectEf, status, verify, read, sign } = APDU;
const AUTH_PIN = verify('1234');
const SIGN_PIN = verify('TEST1234');

beforeAll(async () => {
  await freshCard();
});

interface Row {
  name: string;
  commands: string[];
  /** Expected full response (hex) or just its SW when 4 hex digits. */
  expect: string | RegExp;
  config?: CardConfigInput;
}

/** spec/jpki-card.md §3–4 and §7: one row per command behaviour and access rule. */
const table: Row[] = [
  // SELECT (spec §3.1, §7 items 2–4)
  { name: 'SELECT JPKI AP with P2=0C answers 9000 without data', commands: [selectJpki], expect: '9000' },
  {
    name: 'SELECT JPKI AP with P2=00 answers 9000 without FCI by default',
    commands: ['00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01'],
    expect: '9000',
  },
  {
    name: 'SELECT JPKI AP with P2=00 returns an FCI when fciOnSelect is on',
    commands: ['00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01'],
    config: { fciOnSelect: true },
    expect: '6F0C840AD392F0002601000000019000',
  },
  {
    name: 'SELECT of the MUSCLE AID answers 6A82',
    commands: ['00 A4 04 00 06 A0 00 00 00 01 01'],
    expect: '6A82',
  },
  {
    name: 'SELECT of the PIV AID answers 6A82',
    commands: ['00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00'],
    expect: '6A82',
  },
  {
    name: 'SELECT of the Kenkaku AID (not implemented) answers 6A82',
    commands: ['00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02'],
    expect: '6A82',
  },
  {
    name: 'SELECT of a prefix of the JPKI AID answers 6A82',
    commands: ['00 A4 04 0C 05 D3 92 F0 00 26'],
    expect: '6A82',
  },
  { name: 'SELECT by AID with an empty name answers 6700', commands: ['00 A4 04 0C'], expect: '6700' },
  { name: 'SELECT EF before any AP answers 6A82', commands: [selectEf('00 0A')], expect: '6A82' },
  ...['00 01', '00 02', '00 06', '00 0A', '00 0B', '00 17', '00 18', '00 1A', '00 1B'].map((fid) => ({
    name: `SELECT EF ${fid.replace(' ', '')} in the JPKI AP needs no PIN`,
    commands: [selectJpki, selectEf(fid)],
    expect: '9000',
  })),
  { name: 'SELECT of an unknown EF answers 6A82', commands: [selectJpki, selectEf('00 03')], expect: '6A82' },
  {
    name: 'SELECT EF with a 1-byte FID answers 6700',
    commands: [selectJpki, '00 A4 02 0C 01 0A'],
    expect: '6700',
  },
  {
    name: 'SELECT by path (P1=08) is refused with 6A86',
    commands: [selectJpki, '00 A4 08 0C 02 00 0A'],
    expect: '6A86',
  },
  {
    name: 'SELECT with P2=04 is refused with 6A86',
    commands: [selectJpki, '00 A4 02 04 02 00 0A'],
    expect: '6A86',
  },
  // READ BINARY (spec §4.3)
  {
    name: 'EF 0006 holds JPKIAPICCTOKEN2 padded with spaces to 32 bytes',
    commands: [selectJpki, selectEf('00 06'), read(0, 0)],
    expect: `${toHex(new TextEncoder().encode('JPKIAPICCTOKEN2'.padEnd(32, ' '))).toUpperCase()}9000`,
  },
  {
    name: 'EF 000A starts with 30 82 LL LL',
    commands: [selectJpki, selectEf('00 0A'), read(0, 4)],
    expect: /^3082[0-9A-F]{4}9000$/,
  },
  {
    name: 'READ BINARY of EF 0001 before the sign PIN answers 6982',
    commands: [selectJpki, selectEf('00 01'), read(0, 4)],
    expect: '6982',
  },
  {
    name: 'READ BINARY of EF 0001 after the sign PIN succeeds',
    commands: [selectJpki, selectEf('00 1B'), SIGN_PIN, selectEf('00 01'), read(0, 4)],
    expect: /^3082[0-9A-F]{4}9000$/,
  },
  {
    name: 'READ BINARY of EF 0001 after only the auth PIN answers 6982',
    commands: [selectJpki, selectEf('00 18'), AUTH_PIN, selectEf('00 01'), read(0, 4)],
    expect: '6982',
  },
  {
    name: 'READ BINARY at the last byte returns the 1 remaining byte',
    commands: [selectJpki, selectEf('00 06'), read(31, 0)],
    expect: '209000',
  },
  {
    name: 'READ BINARY at the end of the EF answers 6B00',
    commands: [selectJpki, selectEf('00 06'), read(32, 1)],
    expect: '6B00',
  },
  {
    name: 'READ BINARY without a current EF answers 6986',
    commands: [selectJpki, read(0, 4)],
    expect: '6986',
  },
  {
    name: 'READ BINARY of a key EF answers 6981',
    commands: [selectJpki, selectEf('00 17'), read(0, 4)],
    expect: '6981',
  },
  {
    name: 'READ BINARY without Le answers 6700',
    commands: [selectJpki, selectEf('00 06'), '00 B0 00 00'],
    expect: '6700',
  },
  {
    name: 'READ BINARY with the SFI form (P1 bit 8) answers 6A86',
    commands: [selectJpki, selectEf('00 06'), '00 B0 86 00 04'],
    expect: '6A86',
  },
  // PIN status and VERIFY (spec §4.4, §7 items 5–6)
  {
    name: 'status query of a fresh auth PIN answers 63C3',
    commands: [selectJpki, selectEf('00 18'), status],
    expect: '63C3',
  },
  {
    name: 'status query of a fresh sign PIN answers 63C5',
    commands: [selectJpki, selectEf('00 1B'), status],
    expect: '63C5',
  },
  {
    name: 'status query after a successful VERIFY still answers 63Cx',
    commands: [selectJpki, selectEf('00 18'), AUTH_PIN, status],
    expect: '63C3',
  },
  {
    name: 'status query with the T=0 P3=00 form answers 63Cx',
    commands: [selectJpki, selectEf('00 18'), '00 20 00 80 00'],
    expect: '63C3',
  },
  {
    name: 'status query without a PIN EF answers 6986',
    commands: [selectJpki, selectEf('00 0A'), status],
    expect: '6986',
  },
  {
    name: 'VERIFY with the right auth PIN answers 9000',
    commands: [selectJpki, selectEf('00 18'), AUTH_PIN],
    expect: '9000',
  },
  {
    name: 'VERIFY with a wrong auth PIN answers 63C2',
    commands: [selectJpki, selectEf('00 18'), verify('9999')],
    expect: '63C2',
  },
  {
    name: 'the third wrong auth PIN answers 63C0',
    commands: [selectJpki, selectEf('00 18'), verify('9999'), verify('9999'), verify('9999')],
    expect: '63C0',
  },
  {
    name: 'VERIFY on a blocked PIN answers 6983 by default',
    commands: [selectJpki, selectEf('00 18'), verify('9999'), verify('9999'), verify('9999'), AUTH_PIN],
    expect: '6983',
  },
  {
    name: 'VERIFY on a blocked PIN answers 6984 when configured',
    config: { blockedPinSw: 0x6984 },
    commands: [selectJpki, selectEf('00 18'), verify('9999'), verify('9999'), verify('9999'), AUTH_PIN],
    expect: '6984',
  },
  {
    name: 'status query on a blocked PIN answers 63C0 (OpenSC needs it)',
    commands: [selectJpki, selectEf('00 18'), verify('9999'), verify('9999'), verify('9999'), status],
    expect: '63C0',
  },
  {
    name: 'a correct VERIFY restores the counter to its limit',
    commands: [selectJpki, selectEf('00 1B'), verify('WRONG1'), SIGN_PIN, status],
    expect: '63C5',
  },
  {
    name: 'a wrong VERIFY drops an earlier verification',
    commands: [selectJpki, selectEf('00 1B'), SIGN_PIN, verify('WRONG1'), selectEf('00 01'), read(0, 4)],
    expect: '6982',
  },
  {
    name: 'VERIFY with P2 other than 80 answers 6A86',
    commands: [selectJpki, selectEf('00 18'), '00 20 00 81 04 31 32 33 34'],
    expect: '6A86',
  },
  // Security state (spec §4.4)
  {
    name: 'verification survives SELECT EF, status query and READ BINARY',
    commands: [
      selectJpki,
      selectEf('00 1B'),
      SIGN_PIN,
      selectEf('00 0A'),
      read(0, 4),
      selectEf('00 1B'),
      status,
      selectEf('00 01'),
      read(0, 4),
    ],
    expect: /^3082[0-9A-F]{4}9000$/,
  },
  {
    name: 're-selecting the JPKI AP clears verification by default',
    commands: [selectJpki, selectEf('00 1B'), SIGN_PIN, selectJpki, selectEf('00 01'), read(0, 4)],
    expect: '6982',
  },
  {
    name: 're-selecting the JPKI AP keeps verification when configured',
    config: { clearVerificationOnSelectAp: false },
    commands: [selectJpki, selectEf('00 1B'), SIGN_PIN, selectJpki, selectEf('00 01'), read(0, 4)],
    expect: /^3082[0-9A-F]{4}9000$/,
  },
  {
    name: 'selecting another AP clears JPKI verification even when re-select keeps it',
    config: { clearVerificationOnSelectAp: false },
    commands: [
      selectJpki,
      selectEf('00 1B'),
      SIGN_PIN,
      selectAssist,
      selectJpki,
      selectEf('00 01'),
      read(0, 4),
    ],
    expect: '6982',
  },
  {
    name: 'a failed SELECT AID keeps the current AP and its verification',
    commands: [
      selectJpki,
      selectEf('00 1B'),
      SIGN_PIN,
      '00 A4 04 00 06 A0 00 00 00 01 01',
      selectEf('00 01'),
      read(0, 4),
    ],
    expect: /^3082[0-9A-F]{4}9000$/,
  },
  // COMPUTE DIGITAL SIGNATURE (spec §4.4, §7 item 8)
  {
    name: 'signing with the auth key before its PIN answers 6982',
    commands: [selectJpki, selectEf('00 17'), sign(DIGEST)],
    expect: '6982',
  },
  {
    name: 'signing with the sign key after only the auth PIN answers 6982',
    commands: [selectJpki, selectEf('00 18'), AUTH_PIN, selectEf('00 1A'), sign(DIGEST)],
    expect: '6982',
  },
  {
    name: 'signing with a non-key EF current answers 6985',
    commands: [selectJpki, selectEf('00 18'), AUTH_PIN, sign(DIGEST)],
    expect: '6985',
  },
  {
    name: 'signing input longer than 245 bytes answers 6A80',
    commands: [
      selectJpki,
      selectEf('00 18'),
      AUTH_PIN,
      selectEf('00 17'),
      `80 2A 00 80 F6 ${'00'.repeat(246)} 00`,
    ],
    expect: '6A80',
  },
  {
    name: 'signing without data answers 6700',
    commands: [selectJpki, selectEf('00 18'), AUTH_PIN, selectEf('00 17'), '80 2A 00 80 00'],
    expect: '6700',
  },
  {
    name: 'signing with P1P2 other than 00 80 answers 6A86',
    commands: [
      selectJpki,
      selectEf('00 18'),
      AUTH_PIN,
      selectEf('00 17'),
      `80 2A 9E 9A 33 ${SHA256_DIGESTINFO_PREFIX}${DIGEST} 00`,
    ],
    expect: '6A86',
  },
  {
    name: 'signing without Le answers 6100 (T=0 style, data by GET RESPONSE)',
    commands: [
      selectJpki,
      selectEf('00 18'),
      AUTH_PIN,
      selectEf('00 17'),
      `80 2A 00 80 33 ${SHA256_DIGESTINFO_PREFIX}${DIGEST}`,
    ],
    expect: '6100',
  },
  {
    name: 'signing with Le=80 answers 6C00',
    commands: [
      selectJpki,
      selectEf('00 18'),
      AUTH_PIN,
      selectEf('00 17'),
      `80 2A 00 80 33 ${SHA256_DIGESTINFO_PREFIX}${DIGEST} 80`,
    ],
    expect: '6C00',
  },
  {
    name: 'GET RESPONSE after 6100 returns the 256-byte signature',
    commands: [
      selectJpki,
      selectEf('00 18'),
      AUTH_PIN,
      selectEf('00 17'),
      `80 2A 00 80 33 ${SHA256_DIGESTINFO_PREFIX}${DIGEST}`,
      '00 C0 00 00 00',
    ],
    expect: /^[0-9A-F]{512}9000$/,
  },
  {
    name: 'GET RESPONSE of part of the data answers 61xx with the rest',
    commands: [
      selectJpki,
      selectEf('00 18'),
      AUTH_PIN,
      selectEf('00 17'),
      `80 2A 00 80 33 ${SHA256_DIGESTINFO_PREFIX}${DIGEST}`,
      '00 C0 00 00 F0',
    ],
    expect: /^[0-9A-F]{480}6110$/,
  },
  { name: 'GET RESPONSE with nothing pending answers 6985', commands: ['00 C0 00 00 10'], expect: '6985' },
  // GET CHALLENGE (spec §3.1, §7 item 12)
  {
    name: 'GET CHALLENGE returns Le random bytes',
    commands: ['00 84 00 00 08'],
    expect: /^[0-9A-F]{16}9000$/,
  },
  { name: 'GET CHALLENGE without Le answers 6700', commands: ['00 84 00 00'], expect: '6700' },
  {
    name: 'GET CHALLENGE answers 6D00 when not supported',
    config: { getChallenge: false },
    commands: ['00 84 00 00 08'],
    expect: '6D00',
  },
  // CHANGE REFERENCE DATA (spec §3.1 [U])
  {
    name: 'CHANGE REFERENCE DATA before VERIFY answers 6982',
    commands: [selectJpki, selectEf('00 18'), APDU.change('4321')],
    expect: '6982',
  },
  {
    name: 'CHANGE REFERENCE DATA with a new PIN of the wrong format answers 6A80',
    commands: [selectJpki, selectEf('00 18'), AUTH_PIN, APDU.change('12A4')],
    expect: '6A80',
  },
  {
    name: 'CHANGE REFERENCE DATA with P1=00 answers 6A86',
    commands: [selectJpki, selectEf('00 18'), AUTH_PIN, '00 24 00 80 04 34 33 32 31'],
    expect: '6A86',
  },
  {
    name: 'after CHANGE REFERENCE DATA the new PIN verifies',
    commands: [
      selectJpki,
      selectEf('00 18'),
      AUTH_PIN,
      APDU.change('4321'),
      selectJpki,
      selectEf('00 18'),
      verify('4321'),
    ],
    expect: '9000',
  },
  {
    name: 'after CHANGE REFERENCE DATA the old PIN is wrong',
    commands: [
      selectJpki,
      selectEf('00 18'),
      AUTH_PIN,
      APDU.change('4321'),
      selectJpki,
      selectEf('00 18'),
      AUTH_PIN,
    ],
    expect: '63C2',
  },
  // Hostile input (spec §7 items 2, 13)
  { name: 'unknown INS CA answers 6D00', commands: ['00 CA DF 30 05'], expect: '6D00' },
  { name: 'unknown INS CB answers 6D00', commands: ['00 CB 3F FF 03 5C 01 7E 08'], expect: '6D00' },
  {
    name: 'unknown CLA answers 6E00',
    commands: ['0C A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01'],
    expect: '6E00',
  },
  {
    name: 'ISO PSO with CLA 00 answers 6E00',
    commands: [`00 2A 00 80 33 ${SHA256_DIGESTINFO_PREFIX}${DIGEST} 00`],
    expect: '6E00',
  },
  {
    name: 'SELECT with CLA 80 answers 6E00',
    commands: ['80 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01'],
    expect: '6E00',
  },
  { name: 'an empty command answers 6700', commands: [''], expect: '6700' },
  { name: 'a 3-byte command answers 6700', commands: ['00 A4 04'], expect: '6700' },
  { name: 'Lc longer than the data answers 6700', commands: ['00 A4 04 0C 0A D3 92'], expect: '6700' },
  {
    name: 'an extended-length APDU answers 6700',
    commands: ['00 A4 04 0C 00 00 0A D3 92 F0 00 26 01 00 00 00 01'],
    expect: '6700',
  },
];

describe('VirtualJpkiCard APDU table (spec §3–4, §7)', () => {
  it.each(table)('$name', async (row) => {
    const card = await freshCard(row.config);
    const answer = run(card, ...row.commands);
    if (row.expect instanceof RegExp) expect(answer).toMatch(row.expect);
    else if (row.expect.length === 4) expect(answer).toBe(row.expect);
    else expect(answer).toBe(row.expect);
  });
});

describe('signatures (spec §4.5)', () => {
  const signWithAuth = async () => {
    const card = await freshCard();
    const answer = fromHex(
      run(card, selectJpki, selectEf('00 18'), AUTH_PIN, selectEf('00 17'), sign(DIGEST)),
    );
    return { card, answer };
  };

  it('are exactly 256 bytes followed by 9000', async () => {
    const { answer } = await signWithAuth();
    expect(answer.length).toBe(258);
    expect(toHex(answer.subarray(256))).toBe('9000');
  });

  it('recover to the DigestInfo with the public key of the auth certificate (type-01 padding)', async () => {
    const { card, answer } = await signWithAuth();
    const key = new X509Certificate(card.certificate('auth')).publicKey;
    const recovered = publicDecrypt({ key, padding: 1 /* RSA_PKCS1_PADDING */ }, answer.subarray(0, 256));
    expect(recovered.toString('hex').toUpperCase()).toBe(
      `${SHA256_DIGESTINFO_PREFIX}${DIGEST.toUpperCase()}`,
    );
  });

  it('are deterministic', async () => {
    const a = await signWithAuth();
    const b = await signWithAuth();
    expect(toHex(a.answer)).toBe(toHex(b.answer));
  });

  it('made with the sign key verify against the sign certificate', async () => {
    const card = await freshCard();
    const answer = fromHex(
      run(card, selectJpki, selectEf('00 1B'), SIGN_PIN, selectEf('00 1A'), sign(DIGEST)),
    );
    const key = new X509Certificate(card.certificate('sign')).publicKey;
    const recovered = publicDecrypt({ key, padding: 1 }, answer.subarray(0, 256));
    expect(recovered.toString('hex').toUpperCase()).toBe(
      `${SHA256_DIGESTINFO_PREFIX}${DIGEST.toUpperCase()}`,
    );
  });

  it('several may follow one VERIFY (the flag is not cleared)', async () => {
    const card = await freshCard();
    run(card, selectJpki, selectEf('00 18'), AUTH_PIN, selectEf('00 17'));
    const first = sw(card, sign(DIGEST));
    const second = sw(card, sign(DIGEST));
    expect([first, second]).toEqual(['9000', '9000']);
  });
});

describe('power and reset (spec §4.4)', () => {
  for (const event of ['powerOff', 'powerOn', 'reset'] as const) {
    it(`${event} clears verification`, async () => {
      const card = await freshCard();
      run(card, selectJpki, selectEf('00 1B'), SIGN_PIN);
      card[event]();
      expect(sw(card, selectJpki, selectEf('00 01'), read(0, 4))).toBe('6982');
    });

    it(`${event} keeps the retry counters`, async () => {
      const card = await freshCard();
      run(card, selectJpki, selectEf('00 1B'), verify('WRONG1'));
      card[event]();
      expect(sw(card, selectJpki, selectEf('00 1B'), status)).toBe('63C4');
    });

    it(`${event} forgets the current AP`, async () => {
      const card = await freshCard();
      run(card, selectJpki);
      card[event]();
      expect(sw(card, selectEf('00 0A'))).toBe('6A82');
    });
  }
});

describe('inspection', () => {
  it('reports the tries left per PIN', async () => {
    const card = await freshCard();
    run(card, selectJpki, selectEf('00 18'), verify('0000'));
    expect(card.pinTries()).toEqual({ auth: 2, sign: 5, assist: 3 });
  });

  it('certificates of EF 000A read through APDUs equal certificate("auth")', async () => {
    const card = await freshCard();
    const head = fromHex(run(card, selectJpki, selectEf('00 0A'), read(0, 4)));
    const total = ((head[2]! << 8) | head[3]!) + 4;
    const parts: Uint8Array[] = [];
    for (let off = 0; off < total; off += 256) {
      const r = fromHex(run(card, read(off, Math.min(256, total - off))));
      parts.push(r.subarray(0, r.length - 2));
    }
    expect(toHex(Buffer.concat(parts))).toBe(toHex(card.certificate('auth')));
  });

  it('the ATR defaults to OpenSC jpki table entry 3BE000FF8131FE4514', async () => {
    const card = await freshCard();
    expect(toHex(card.atr).toUpperCase()).toBe('3BE000FF8131FE4514');
  });

  it('a configured ATR is used', async () => {
    const atr = '3BDA13FF8131FB468012392F31C173C601C03B';
    const card = await freshCard({ atr: h(atr) });
    expect(toHex(card.atr).toUpperCase()).toBe(atr);
  });
});

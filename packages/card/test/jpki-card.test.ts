import { createVerify, verify as rsaVerify, X509Certificate } from 'node:crypto';
import type { VirtualJpkiCard } from '@shomei/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { digestInfo } from '../src/jpki/digest-info.js';
import { JpkiCard } from '../src/jpki/jpki-card.js';
import { openJpkiCard } from '../src/jpki/open.js';
import type { Transport } from '../src/transport/transport.js';
import { HOLDER, issueTemplate, MY_NUMBER, PINS, pinVerifies, rig } from './fixtures/virtual-cards.js';

let template: VirtualJpkiCard;
let juki: VirtualJpkiCard;

beforeAll(async () => {
  [template, juki] = await Promise.all([issueTemplate(), issueTemplate('juki')]);
});

async function open(source: VirtualJpkiCard = template) {
  const r = rig(source);
  const card = await openJpkiCard({ transport: r.transport });
  r.faults.clearRecords();
  return { ...r, jpki: card };
}

const certificateKey = (certificate: Uint8Array) => new X509Certificate(Buffer.from(certificate)).publicKey;

describe('openJpkiCard / info', () => {
  it('identifies a My Number card from the token EF', async () => {
    const { jpki, card } = await open();
    const info = await jpki.info();
    expect(info).toMatchObject({
      kind: 'mynumber-card',
      token: 'JPKIAPICCTOKEN2',
      reader: 'Virtual JPKI (memory)',
    });
    expect(info.atr).toEqual(card.atr);
  });

  it('identifies a Juki card from the token EF', async () => {
    const { jpki } = await open(juki);
    expect((await jpki.info()).kind).toBe('juki-card');
  });

  it('refuses a card without the JPKI AP with NOT_JPKI_CARD', async () => {
    const notJpki: Transport = {
      name: 'other',
      connected: false,
      atr: undefined,
      async connect() {
        (this as { connected: boolean }).connected = true;
      },
      async transmit() {
        return Uint8Array.of(0x6a, 0x82);
      },
      async disconnect() {
        (this as { connected: boolean }).connected = false;
      },
      async close() {},
    };
    await expect(openJpkiCard({ transport: notJpki })).rejects.toMatchObject({ code: 'NOT_JPKI_CARD' });
  });
});

describe('pinStatus', () => {
  it('reports the tries left for the three PINs', async () => {
    const { jpki } = await open();
    const status = await jpki.pinStatus();
    expect([
      status.auth.remainingAttempts,
      status.sign.remainingAttempts,
      status.assist?.remainingAttempts,
    ]).toEqual([3, 5, 3]);
  });

  it('consumes no try', async () => {
    const { jpki, card } = await open();
    await jpki.pinStatus();
    await jpki.pinStatus();
    expect(card.pinTries()).toEqual({ auth: 3, sign: 5, assist: 3 });
  });

  it('reports no card-input-assistance PIN on a Juki card', async () => {
    const { jpki } = await open(juki);
    expect((await jpki.pinStatus()).assist).toBeNull();
  });
});

describe('verifyPin', () => {
  it('accepts the right PIN', async () => {
    const { jpki } = await open();
    await expect(jpki.verifyPin('auth', PINS.auth)).resolves.toBeUndefined();
  });

  it('reports a wrong PIN with the tries left', async () => {
    const { jpki } = await open();
    await expect(jpki.verifyPin('sign', 'WRONG1')).rejects.toMatchObject({
      code: 'PIN_INCORRECT',
      details: { kind: 'sign', remainingAttempts: 4 },
    });
  });

  it('sends a wrong PIN exactly once (no automatic retry)', async () => {
    const { jpki, faults } = await open();
    await jpki.verifyPin('auth', '0000').catch(() => {});
    expect(pinVerifies(faults)).toBe(1);
  });

  it('resets the counter when the right PIN follows a wrong one', async () => {
    const { jpki, card } = await open();
    await jpki.verifyPin('auth', '0000').catch(() => {});
    await jpki.verifyPin('auth', PINS.auth);
    expect(card.pinTries().auth).toBe(3);
  });

  it('upper-cases a lower-case signature password', async () => {
    const { jpki } = await open();
    await expect(jpki.verifyPin('sign', PINS.sign.toLowerCase())).resolves.toBeUndefined();
  });

  it.each([
    ['auth', '123'],
    ['auth', '12345'],
    ['auth', '12a4'],
    ['auth', '１２３４'],
    ['assist', ''],
    ['sign', 'ABC12'],
    ['sign', 'ABCDEFGHIJ1234567'],
    ['sign', 'ABC-123'],
    ['sign', 'ÄBC123'],
  ] as const)('rejects malformed %s PIN %j without sending anything', async (kind, pin) => {
    const { jpki, faults, card } = await open();
    await expect(jpki.verifyPin(kind, pin)).rejects.toMatchObject({ code: 'PIN_FORMAT_INVALID' });
    expect(faults.commandCount).toBe(0);
    expect(card.pinTries()).toEqual({ auth: 3, sign: 5, assist: 3 });
  });

  it('rejects a non-string PIN without sending anything', async () => {
    const { jpki, faults } = await open();
    await expect(jpki.verifyPin('auth', 1234 as unknown as string)).rejects.toMatchObject({
      code: 'PIN_FORMAT_INVALID',
    });
    expect(faults.commandCount).toBe(0);
  });

  it('refuses the last try without allowLastAttempt and sends no PIN', async () => {
    const { jpki, faults, card } = await open();
    await jpki.verifyPin('auth', '0000').catch(() => {});
    await jpki.verifyPin('auth', '0000').catch(() => {});
    faults.clearRecords();
    await expect(jpki.verifyPin('auth', PINS.auth)).rejects.toMatchObject({
      code: 'PIN_LAST_ATTEMPT_GUARD',
      details: { remainingAttempts: 1 },
    });
    expect(pinVerifies(faults)).toBe(0);
    expect(card.pinTries().auth).toBe(1);
  });

  it('uses the last try when allowLastAttempt is set', async () => {
    const { jpki, card } = await open();
    await jpki.verifyPin('auth', '0000').catch(() => {});
    await jpki.verifyPin('auth', '0000').catch(() => {});
    await jpki.verifyPin('auth', PINS.auth, { allowLastAttempt: true });
    expect(card.pinTries().auth).toBe(3);
  });

  it('reports PIN_BLOCKED when the last try was wrong', async () => {
    const { jpki } = await open();
    await jpki.verifyPin('auth', '0000').catch(() => {});
    await jpki.verifyPin('auth', '0000').catch(() => {});
    await expect(jpki.verifyPin('auth', '0000', { allowLastAttempt: true })).rejects.toMatchObject({
      code: 'PIN_BLOCKED',
      details: { remainingAttempts: 0 },
    });
  });

  it('refuses a blocked PIN without sending it', async () => {
    const { jpki, faults } = await open();
    for (let i = 0; i < 3; i++)
      await jpki.verifyPin('auth', '0000', { allowLastAttempt: true }).catch(() => {});
    faults.clearRecords();
    await expect(jpki.verifyPin('auth', PINS.auth, { allowLastAttempt: true })).rejects.toMatchObject({
      code: 'PIN_BLOCKED',
    });
    expect(pinVerifies(faults)).toBe(0);
  });

  it('shows a blocked PIN in pinStatus', async () => {
    const { jpki } = await open();
    for (let i = 0; i < 3; i++)
      await jpki.verifyPin('auth', '0000', { allowLastAttempt: true }).catch(() => {});
    expect((await jpki.pinStatus()).auth).toEqual({ remainingAttempts: 0, maxAttempts: 3, blocked: true });
  });
});

describe('readCertificate', () => {
  it.each(['auth', 'auth-ca', 'sign-ca'] as const)('reads the %s certificate without a PIN', async (kind) => {
    const { jpki, card } = await open();
    expect(await jpki.readCertificate(kind)).toEqual(card.certificate(kind));
  });

  it('reads the signing certificate with the signature password', async () => {
    const { jpki, card } = await open();
    expect(await jpki.readCertificate('sign', { pin: PINS.sign })).toEqual(card.certificate('sign'));
  });

  it('asks for the PIN for the signing certificate before sending anything', async () => {
    const { jpki, faults } = await open();
    await expect(jpki.readCertificate('sign')).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
    expect(pinVerifies(faults)).toBe(0);
  });

  it('reads the signing certificate after verifyPin in the same session', async () => {
    const { jpki, card } = await open();
    await jpki.verifyPin('sign', PINS.sign);
    expect(await jpki.readCertificate('sign')).toEqual(card.certificate('sign'));
  });

  it('reads in chunks of at most 256 bytes', async () => {
    const { jpki, faults } = await open();
    await jpki.readCertificate('auth');
    const reads = faults.records.filter((r) => r.command[1] === 0xb0);
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.every((r) => r.response.length <= 258)).toBe(true);
  });

  it('fails when the card is removed mid-read, then succeeds after re-insertion', async () => {
    const { jpki, faults, card } = await open();
    let reads = 0;
    faults.forceStatusWord(0x9000, (command) => {
      if (command[1] === 0xb0 && ++reads === 2) faults.removeCard();
      return false;
    });
    await expect(jpki.readCertificate('auth')).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    faults.insertCard();
    faults.clearFaults();
    expect(await jpki.readCertificate('auth')).toEqual(card.certificate('auth'));
  });
});

describe('sign', () => {
  const data = new TextEncoder().encode('signed by the card');

  it('signs data with the auth key (SHA-256 DigestInfo built by the driver)', async () => {
    const { jpki, card } = await open();
    const signature = await jpki.sign('auth', { data }, { pin: PINS.auth });
    const ok = createVerify('sha256')
      .update(data)
      .verify(certificateKey(card.certificate('auth')), Buffer.from(signature));
    expect(ok).toBe(true);
  });

  it('signs a SHA-384 digest with the sign key', async () => {
    const { jpki, card } = await open();
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-384', data));
    const signature = await jpki.sign('sign', { digest, hash: 'SHA-384' }, { pin: PINS.sign });
    expect(rsaVerify('sha384', data, certificateKey(card.certificate('sign')), Buffer.from(signature))).toBe(
      true,
    );
  });

  it('returns a 256-byte signature', async () => {
    const { jpki } = await open();
    expect((await jpki.sign('auth', { data }, { pin: PINS.auth })).length).toBe(256);
  });

  it('rejects a digest of the wrong length before touching the card', async () => {
    const { jpki, faults } = await open();
    await expect(
      jpki.sign('auth', { digest: new Uint8Array(31), hash: 'SHA-256' }, { pin: PINS.auth }),
    ).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
    expect(faults.commandCount).toBe(0);
  });

  it('needs the PIN unless the session verified it', async () => {
    const { jpki } = await open();
    await expect(jpki.sign('sign', { data })).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
  });

  it('signs with a PIN verified earlier in the session', async () => {
    const { jpki } = await open();
    await jpki.verifyPin('sign', PINS.sign);
    expect((await jpki.sign('sign', { data })).length).toBe(256);
  });

  it('does not leave the PIN verified after a call that carried it', async () => {
    const { jpki } = await open();
    await jpki.sign('auth', { data }, { pin: PINS.auth });
    await expect(jpki.sign('auth', { data })).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
  });

  it('fails when the card is removed mid-sign, then succeeds after re-insertion', async () => {
    const { jpki, faults } = await open();
    faults.forceStatusWord(0x9000, (command) => {
      if (command[1] === 0x2a) faults.removeCard();
      return false;
    });
    await expect(jpki.sign('auth', { data }, { pin: PINS.auth })).rejects.toMatchObject({
      code: 'CARD_REMOVED',
    });
    faults.insertCard();
    faults.clearFaults();
    expect((await jpki.sign('auth', { data }, { pin: PINS.auth })).length).toBe(256);
  });

  it('completes 50 concurrent signatures on one card, in call order', async () => {
    const { jpki, card } = await open();
    const key = certificateKey(card.certificate('auth'));
    const finished: number[] = [];
    const inputs = Array.from({ length: 50 }, (_, i) => new TextEncoder().encode(`document ${i}`));
    const signatures = await Promise.all(
      inputs.map((input, i) =>
        jpki.sign('auth', { data: input }, { pin: PINS.auth }).then((s) => {
          finished.push(i);
          return s;
        }),
      ),
    );
    expect(finished).toEqual(inputs.map((_, i) => i));
    expect(signatures.every((s, i) => rsaVerify('sha256', inputs[i]!, key, Buffer.from(s)))).toBe(true);
  });
});

describe('card-input-assistance AP', () => {
  it('reads the four facts', async () => {
    const { jpki } = await open();
    expect(await jpki.readAttributes(PINS.assist)).toEqual({
      name: HOLDER.name,
      address: HOLDER.address,
      birthDate: '19850412',
      sex: 'female',
    });
  });

  it('reads the My Number with a stated purpose', async () => {
    const { jpki } = await open();
    expect(await jpki.readMyNumber(PINS.assist, { purpose: 'tax filing (e-Tax)' })).toBe(MY_NUMBER);
  });

  it('refuses to read the My Number without a purpose, sending nothing', async () => {
    const { jpki, faults } = await open();
    await expect(jpki.readMyNumber(PINS.assist, { purpose: ' ' })).rejects.toMatchObject({
      code: 'PURPOSE_REQUIRED',
    });
    expect(faults.commandCount).toBe(0);
  });
});

describe('changePin', () => {
  it('changes the PIN so that the new one verifies', async () => {
    const { jpki } = await open();
    await jpki.changePin('auth', PINS.auth, '7310');
    await expect(jpki.verifyPin('auth', '7310')).resolves.toBeUndefined();
  });

  it('rejects a malformed new PIN before sending the old one', async () => {
    const { jpki, faults } = await open();
    await expect(jpki.changePin('sign', PINS.sign, 'short')).rejects.toMatchObject({
      code: 'PIN_FORMAT_INVALID',
    });
    expect(faults.commandCount).toBe(0);
  });
});

describe('cancellation and timeouts', () => {
  it('rejects an already aborted call without sending anything', async () => {
    const { jpki, faults } = await open();
    const controller = new AbortController();
    controller.abort();
    await expect(jpki.readCertificate('auth', { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(faults.commandCount).toBe(0);
  });

  it('ends with TIMEOUT when the card stops answering', async () => {
    const r = rig(template);
    const jpki = new JpkiCard(r.transport, { timeoutMs: 50 });
    r.faults.delayResponses(60_000);
    await expect(jpki.readCertificate('auth')).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});

describe('disposal', () => {
  it('drops the verified state: the card is reset on close', async () => {
    const r = rig(template);
    {
      await using jpki = await openJpkiCard({ transport: r.transport });
      await jpki.verifyPin('sign', PINS.sign);
    }
    const again = await openJpkiCard({ transport: r.transport });
    await expect(again.sign('sign', { data: new Uint8Array(1) })).rejects.toMatchObject({
      code: 'PIN_REQUIRED',
    });
    // The card agrees: reading EF 0001 without a fresh VERIFY is refused by the card itself.
    await r.transport.connect();
    await r.transport.transmit(
      Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, 0x0a, 0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01),
    );
    await r.transport.transmit(Uint8Array.of(0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00, 0x01));
    const read = await r.transport.transmit(Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x04));
    expect([read.at(-2), read.at(-1)]).toEqual([0x69, 0x82]);
  });

  it('refuses calls after close', async () => {
    const { jpki } = await open();
    await jpki.close();
    await expect(jpki.pinStatus()).rejects.toMatchObject({ code: 'CARD_CLOSED' });
  });
});

describe('toSigner', () => {
  const message = new TextEncoder().encode('to be signed');

  it('adapts the sign key to core Signer with a DigestInfo input', async () => {
    const { jpki, card } = await open();
    const signer = await jpki.toSigner('sign', { pin: PINS.sign });
    expect(signer.algorithm).toEqual({ name: 'RSASSA-PKCS1-v1_5', input: 'digest-info' });
    expect(signer.certificate).toEqual(card.certificate('sign'));
    expect(signer.chain).toEqual([card.certificate('sign-ca')]);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', message));
    const signature = await signer.sign(digestInfo('SHA-256', digest));
    expect(rsaVerify('sha256', message, certificateKey(signer.certificate), Buffer.from(signature))).toBe(
      true,
    );
  });

  it('asks the pinProvider for every signature', async () => {
    const { jpki } = await open();
    let asked = 0;
    const signer = await jpki.toSigner('auth', {
      pinProvider: () => {
        asked++;
        return PINS.auth;
      },
    });
    const info = digestInfo('SHA-256', new Uint8Array(32));
    await signer.sign(info);
    await signer.sign(info);
    expect(asked).toBe(2);
  });

  it('asks for the signature PIN only once per signature when the certificate is given', async () => {
    const { jpki } = await open();
    let asked = 0;
    const signer = await jpki.toSigner('sign', {
      certificate: template.certificate('sign'),
      pinProvider: () => {
        asked++;
        return PINS.sign;
      },
    });
    await signer.sign(digestInfo('SHA-256', new Uint8Array(32)));
    expect(asked).toBe(1);
  });

  it('refuses a given certificate of another key with CERTIFICATE_MISMATCH', async () => {
    const { jpki } = await open();
    const signer = await jpki.toSigner('sign', {
      certificate: template.certificate('auth'),
      pinProvider: () => PINS.sign,
    });
    await expect(signer.sign(digestInfo('SHA-256', new Uint8Array(32)))).rejects.toMatchObject({
      code: 'CERTIFICATE_MISMATCH',
    });
  });

  it('refuses an input that is not a DigestInfo', async () => {
    const { jpki } = await open();
    const signer = await jpki.toSigner('auth', { pinProvider: () => PINS.auth });
    await expect(signer.sign(new Uint8Array(32))).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('signs the DigestInfo of the hash the call names', async () => {
    const { jpki } = await open();
    const signer = await jpki.toSigner('auth', { pinProvider: () => PINS.auth });
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-384', message));
    const signature = await signer.sign(digestInfo('SHA-384', digest), { hash: 'SHA-384' });
    expect(rsaVerify('sha384', message, certificateKey(signer.certificate), Buffer.from(signature))).toBe(
      true,
    );
  });

  it('refuses a DigestInfo of another hash than the call names, before the card is asked', async () => {
    const { jpki } = await open();
    let asked = 0;
    const signer = await jpki.toSigner('auth', {
      pinProvider: () => {
        asked++;
        return PINS.auth;
      },
    });
    await expect(
      signer.sign(digestInfo('SHA-256', new Uint8Array(32)), { hash: 'SHA-512' }),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(asked).toBe(0);
  });
});

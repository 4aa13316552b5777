/**
 * The JPKI card API through the real stack: VirtualJpkiCard → VpcdBridge → vpcd → pcscd →
 * pcsclite → PcscTransport → JpkiCard. Signatures are checked by `openssl dgst -verify`.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CardFaults, type VirtualJpkiCard, VpcdBridge } from '@shomei/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJpkiCard } from '../src/jpki/open.js';
import { PcscContext } from '../src/transport/pcsc-context.js';
import { issueTemplate, MY_NUMBER, PINS, rig } from './fixtures/virtual-cards.js';

const READER = 'Virtual PCD 00 00';

let card: VirtualJpkiCard;
let faults: CardFaults;
let bridge: VpcdBridge;
let dir: string;

async function cardPresent(present: boolean) {
  const context = await PcscContext.open();
  try {
    if (present) await context.waitForCard(READER, { timeoutMs: 5000 });
    else {
      const deadline = Date.now() + 5000;
      while (context.readers().find((r) => r.name === READER)?.cardPresent) {
        if (Date.now() > deadline) throw new Error('card still present');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    context.close();
  }
}

describe.skipIf(!process.env.SHOMEI_PCSC)('JpkiCard over pcscd + vpcd', () => {
  beforeAll(async () => {
    const template = await issueTemplate();
    ({ card } = rig(template));
    faults = new CardFaults();
    bridge = new VpcdBridge(card, { slot: 0, faults, reconnectDelayMs: 100 });
    bridge.start();
    await bridge.whenConnected();
    await cardPresent(true);
    dir = mkdtempSync(join(tmpdir(), 'shomei-card-pcsc-'));
  });

  afterAll(async () => {
    await bridge.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('identifies the card and reads the tries left', async () => {
    await using jpki = await openJpkiCard({ reader: READER });
    expect((await jpki.info()).kind).toBe('mynumber-card');
    expect((await jpki.pinStatus()).sign.remainingAttempts).toBe(5);
  });

  it('reads the four certificates', async () => {
    await using jpki = await openJpkiCard({ reader: READER });
    for (const kind of ['auth', 'auth-ca', 'sign-ca'] as const) {
      expect(await jpki.readCertificate(kind)).toEqual(card.certificate(kind));
    }
    expect(await jpki.readCertificate('sign', { pin: PINS.sign })).toEqual(card.certificate('sign'));
  });

  it.each(['auth', 'sign'] as const)(
    'signs with the %s key; openssl verifies the signature',
    async (kind) => {
      await using jpki = await openJpkiCard({ reader: READER });
      const data = new TextEncoder().encode(`signed over PC/SC with the ${kind} key`);
      const signature = await jpki.sign(kind, { data }, { pin: PINS[kind] });
      const certificate = await jpki.readCertificate(kind, kind === 'sign' ? { pin: PINS.sign } : {});
      writeFileSync(join(dir, 'data'), data);
      writeFileSync(join(dir, 'sig'), signature);
      writeFileSync(join(dir, 'cert.der'), certificate);
      execFileSync('openssl', [
        'x509',
        '-inform',
        'DER',
        '-in',
        join(dir, 'cert.der'),
        '-pubkey',
        '-noout',
        '-out',
        join(dir, 'pub.pem'),
      ]);
      const out = execFileSync('openssl', [
        'dgst',
        '-sha256',
        '-verify',
        join(dir, 'pub.pem'),
        '-signature',
        join(dir, 'sig'),
        join(dir, 'data'),
      ]).toString();
      expect(out.trim()).toBe('Verified OK');
    },
  );

  it('reads the four facts and the My Number', async () => {
    await using jpki = await openJpkiCard({ reader: READER });
    expect((await jpki.readAttributes(PINS.assist)).sex).toBe('female');
    expect(await jpki.readMyNumber(PINS.assist, { purpose: 'integration test' })).toBe(MY_NUMBER);
  });

  it('keeps a wrong PIN at one try and resets the counter with the right one', async () => {
    await using jpki = await openJpkiCard({ reader: READER });
    await expect(jpki.verifyPin('auth', '0000')).rejects.toMatchObject({
      code: 'PIN_INCORRECT',
      details: { remainingAttempts: 2 },
    });
    await jpki.verifyPin('auth', PINS.auth);
    expect(card.pinTries().auth).toBe(3);
  });

  it('runs concurrent signatures on one card in order', async () => {
    await using jpki = await openJpkiCard({ reader: READER });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        jpki.sign('auth', { data: Uint8Array.of(i) }, { pin: PINS.auth }).then(() => order.push(i)),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('fails with CARD_REMOVED when the card is pulled mid-read, and works after re-insertion', async () => {
    await using jpki = await openJpkiCard({ reader: READER });
    let reads = 0;
    faults.forceStatusWord(0x9000, (command) => {
      if (command[1] === 0xb0 && ++reads === 2) faults.removeCard();
      return false;
    });
    await expect(jpki.readCertificate('auth')).rejects.toMatchObject({
      code: expect.stringMatching(/CARD_REMOVED|NO_CARD/),
    });
    faults.clearFaults();
    await cardPresent(false);
    faults.insertCard();
    await bridge.whenConnected();
    await cardPresent(true);
    expect(await jpki.readCertificate('auth')).toEqual(card.certificate('auth'));
  });

  it('serves two processes signing at the same time; every signature succeeds and no PIN try is lost', async () => {
    const child = fileURLToPath(new URL('./fixtures/jpki-sign-process.ts', import.meta.url));
    const other = new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', child, READER, '8', PINS.auth], (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    let childDone = false;
    other.then(
      () => {
        childDone = true;
      },
      () => {
        childDone = true;
      },
    );
    await using jpki = await openJpkiCard({ reader: READER });
    const mine: Uint8Array[] = [];
    // Keep signing for as long as the child runs, so that the two really compete for the card.
    for (let i = 0; !childDone || i < 8; i++) {
      mine.push(await jpki.sign('auth', { data: Uint8Array.of(i & 0xff) }, { pin: PINS.auth }));
    }
    expect((await other).trim()).toBe('SIGNED 8');
    expect(mine.every((s) => s.length === 256)).toBe(true);
    expect(card.pinTries().auth).toBe(3);
  });

  describe('shomei CLI', () => {
    const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
    const shomei = (args: string[], stdin = '') =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ['--import', 'tsx', main, ...args],
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin?.on('error', () => {}); // a command that reads no stdin may exit first (EPIPE)
        child.stdin?.end(stdin);
      });

    it('lists the readers', async () => {
      const { code, stdout } = await shomei(['card', 'readers', '--json']);
      expect(code).toBe(0);
      expect(JSON.parse(stdout).readers[0]).toMatchObject({ name: READER, cardPresent: true });
    });

    it('reads the four facts with --pin-stdin', async () => {
      const { code, stdout } = await shomei(
        ['card', 'attrs', '--json', '--pin-stdin', '--reader', READER],
        `${PINS.assist}\n`,
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ sex: 'female', birthDate: '19850412' });
    });

    it('shomei sign --card writes a CAdES signature that openssl cms -verify accepts', async () => {
      const doc = join(dir, 'application.txt');
      const p7s = join(dir, 'application.p7s');
      const ca = join(dir, 'sign-ca.der');
      writeFileSync(doc, '住民票の写しの交付を請求します。\n');
      writeFileSync(ca, card.certificate('sign-ca'));
      const signed = await shomei(
        ['sign', doc, '--card', '--reader', READER, '--pin-stdin', '--detached', '--out', p7s],
        `${PINS.sign}\n`,
      );
      expect(signed.code).toBe(0);
      const caPem = join(dir, 'sign-ca.pem');
      execFileSync('openssl', ['x509', '-inform', 'DER', '-in', ca, '-out', caPem]);
      const verified = spawnSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7s, '-content', doc, '-CAfile', caPem],
        { encoding: 'utf8' },
      );
      expect(verified.stderr).toContain('Verification successful');
      const ours = await shomei(['verify', p7s, '--content', doc, '--trust', caPem, '--revocation', 'off']);
      expect(ours.code).toBe(0);
    });

    it('exits 2 without a TTY and without --pin-stdin', async () => {
      const { code, stderr } = await shomei(['card', 'attrs', '--reader', READER]);
      expect(code).toBe(2);
      expect(stderr).toContain('--pin-stdin');
    });
  });
});

/**
 * Acceptance with real components (issue 3; design.md §6; spec/jpki-card.md §7): a freshly issued
 * card served by `shomei-sim serve` into the private pcscd's vpcd reader, judged by Debian's OpenSC
 * and OpenSSL. Run with:
 *   scripts/with-pcsc.sh npx vitest run --config vitest.pcsc.config.ts packages/simulator
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualJpkiCard } from '../src/index.js';
import { HOLDER } from './fixture.js';
import {
  AUTH_TOKEN,
  CLI,
  ROOT,
  type Run,
  run,
  type ServedCard,
  SIGN_TOKEN,
  serveCard,
  sim,
} from './opensc-harness.js';

const PINS = { sign: 'ABC123', auth: '1234', assist: '5678' };

describe.runIf(process.env.SHOMEI_PCSC === '1')('OpenSC 0.23 accepts the virtual card through vpcd', () => {
  let dir: string;
  let cardPath: string;
  let served: ServedCard | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shomei-sim-pcsc-'));
    cardPath = join(dir, 'card.json');
    writeFileSync(join(dir, 'holder.json'), JSON.stringify({ ...HOLDER, pins: PINS }));
    writeFileSync(join(dir, 'data.txt'), 'shomei acceptance\n');
    const issued = await sim(['issue', '--profile', join(dir, 'holder.json'), '--out', cardPath]);
    if (issued.code !== 0) throw new Error(`issue failed: ${issued.out}`);
    served = await serveCard(cardPath);
  });

  afterAll(async () => {
    await served?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Signs data.txt with SHA256-RSA-PKCS and checks the signature with openssl and the certificate read from the card. */
  async function signAndVerify(
    token: string,
    id: string,
    pin: string,
  ): Promise<{ sign: Run; read: Run; verify: Run }> {
    const sig = join(dir, `sig-${id}.bin`);
    const certDer = join(dir, `cert-${id}.der`);
    const sign = await run('pkcs11-tool', [
      '--token-label',
      token,
      '--login',
      '--pin',
      pin,
      '--sign',
      '-m',
      'SHA256-RSA-PKCS',
      '--id',
      id,
      '-i',
      join(dir, 'data.txt'),
      '-o',
      sig,
    ]);
    // The signing certificate (id 02) is readable only after the sign PIN (spec §2), hence --login.
    const read = await run('pkcs11-tool', [
      '--token-label',
      token,
      '--login',
      '--pin',
      pin,
      '--read-object',
      '--type',
      'cert',
      '--id',
      id,
      '-o',
      certDer,
    ]);
    const pub = join(dir, `pub-${id}.pem`);
    const extract = await run('openssl', [
      'x509',
      '-inform',
      'DER',
      '-in',
      certDer,
      '-pubkey',
      '-noout',
      '-out',
      pub,
    ]);
    const verify =
      extract.code === 0
        ? await run('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig, join(dir, 'data.txt')])
        : extract;
    return { sign, read, verify };
  }

  it('pkcs11-tool -L lists the two JPKI tokens', async () => {
    const r = await run('pkcs11-tool', ['-L']);
    expect([r.code, r.out.includes(AUTH_TOKEN), r.out.includes(SIGN_TOKEN)]).toEqual([0, true, true]);
  });

  it('a SHA256-RSA-PKCS signature with key 01 (auth PIN) verifies with openssl', async () => {
    const r = await signAndVerify(AUTH_TOKEN, '01', PINS.auth);
    expect([r.sign.code, r.read.code, r.verify.out.trim()]).toEqual([0, 0, 'Verified OK']);
  });

  it('a SHA256-RSA-PKCS signature with key 02 (sign PIN) verifies with openssl', async () => {
    const r = await signAndVerify(SIGN_TOKEN, '02', PINS.sign);
    expect([r.sign.code, r.read.code, r.verify.out.trim()]).toEqual([0, 0, 'Verified OK']);
  });

  it('the certificate read through OpenSC is the one in the card file', async () => {
    const fromCard = readFileSync(join(dir, 'cert-01.der'));
    const fromFile = VirtualJpkiCard.load(readFileSync(cardPath, 'utf8')).certificate('auth');
    expect(fromCard.equals(Buffer.from(fromFile))).toBe(true);
  });

  it('pkcs11-tool --test passes every mechanism on the auth token (GET CHALLENGE included)', async () => {
    const r = await run('pkcs11-tool', [
      '--token-label',
      AUTH_TOKEN,
      '--login',
      '--pin',
      PINS.auth,
      '--test',
    ]);
    expect([r.code, /No errors/.test(r.out)]).toEqual([0, true]);
  });

  it('three wrong auth PINs each fail with CKR_PIN_INCORRECT', async () => {
    const outs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await run('pkcs11-tool', [
        '--token-label',
        AUTH_TOKEN,
        '--login',
        '--pin',
        '9999',
        '--list-objects',
      ]);
      outs.push(r.out.includes('CKR_PIN_INCORRECT') ? 'incorrect' : r.out);
    }
    expect(outs).toEqual(['incorrect', 'incorrect', 'incorrect']);
  });

  it('then OpenSC reports the auth PIN locked while still recognising the token', async () => {
    const r = await run('pkcs11-tool', ['-L']);
    const authSlot = r.out.split(/\nSlot /).find((s) => s.includes(AUTH_TOKEN)) ?? '';
    expect([authSlot.includes('user PIN locked'), r.out.includes(SIGN_TOKEN)]).toEqual([true, true]);
  });

  it('a further login fails with CKR_PIN_LOCKED (blocked-PIN SW 6983)', async () => {
    const r = await run('pkcs11-tool', [
      '--token-label',
      AUTH_TOKEN,
      '--login',
      '--pin',
      PINS.auth,
      '--list-objects',
    ]);
    expect(r.out).toContain('CKR_PIN_LOCKED');
  });

  it('serve wrote the blocked counter back to the card file', () => {
    const card = VirtualJpkiCard.load(readFileSync(cardPath, 'utf8'));
    expect(card.pinTries().auth).toBe(0);
  });

  it('a Juki card served with --reader-slot 1 appears in "Virtual PCD 00 01"', async () => {
    const jukiPath = join(dir, 'juki.json');
    const holder = {
      ...HOLDER,
      myNumber: undefined,
      profile: 'juki',
      pins: { sign: 'JUKI123', auth: '4321' },
    };
    writeFileSync(join(dir, 'juki-holder.json'), JSON.stringify(holder));
    const issued = await sim(['issue', '--profile', join(dir, 'juki-holder.json'), '--out', jukiPath]);
    if (issued.code !== 0) throw new Error(`issue failed: ${issued.out}`);
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', jukiPath, '--reader-slot', '1'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    try {
      const slot1 = async () => {
        const slots = (await run('pkcs11-tool', ['-L'])).out.split(/\nSlot /);
        return slots.filter((s) => s.includes('Virtual PCD 00 01')).join('\n');
      };
      const deadline = Date.now() + 20_000;
      let seen = await slot1();
      // pcscd may list the card while OpenSC is still binding it: wait until both tokens show.
      while (!(seen.includes(AUTH_TOKEN) && seen.includes(SIGN_TOKEN)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        seen = await slot1();
      }
      expect([seen.includes(AUTH_TOKEN), seen.includes(SIGN_TOKEN)]).toEqual([true, true]);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

/**
 * OpenSC still accepts a card issued by the Authority (issue 7 "Tests"): `shomei-sim issue
 * --authority` creates the card, `shomei-sim serve` inserts it into the private pcscd's vpcd reader,
 * pkcs11-tool lists and signs with both keys, and openssl verifies the signatures and the chain of the
 * certificate read through OpenSC to the authority's CA. Run with:
 *   scripts/with-pcsc.sh npx vitest run --config vitest.pcsc.config.ts packages/simulator
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authority } from '../src/authority/authority.js';
import { HOLDER } from './fixture.js';
import { AUTH_TOKEN, run, type ServedCard, SIGN_TOKEN, serveCard, sim } from './opensc-harness.js';

const PINS = { sign: 'ABC123', auth: '1234', assist: '5678' };

describe.runIf(process.env.SHOMEI_PCSC === '1')(
  'OpenSC accepts an authority-issued card through vpcd',
  () => {
    let dir: string;
    let served: ServedCard | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'shomei-authority-pcsc-'));
      writeFileSync(join(dir, 'holder.json'), JSON.stringify({ ...HOLDER, pins: PINS }));
      writeFileSync(join(dir, 'data.txt'), 'shomei authority acceptance\n');
      const issued = await sim(
        [
          'issue',
          '--profile',
          join(dir, 'holder.json'),
          '--out',
          join(dir, 'card.json'),
          '--authority',
          join(dir, 'authority'),
          '--operator-card',
          join(dir, 'operator.json'),
          '--pin-stdin',
        ],
        '2468\n',
      );
      if (issued.code !== 0) throw new Error(`issue failed: ${issued.out}`);
      const authority = Authority.open(join(dir, 'authority'));
      writeFileSync(join(dir, 'sign-ca.pem'), toPem('CERTIFICATE', authority.caCertificate('sign')));
      writeFileSync(join(dir, 'auth-ca.pem'), toPem('CERTIFICATE', authority.caCertificate('auth')));
      served = await serveCard(join(dir, 'card.json'));
    });

    afterAll(async () => {
      await served?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Signs with pkcs11-tool, reads the certificate through OpenSC, verifies signature and chain with openssl. */
    async function signAndVerify(token: string, id: string, pin: string, caPem: string): Promise<string[]> {
      const sig = join(dir, `sig-${id}.bin`);
      const cert = join(dir, `cert-${id}.der`);
      const login = ['--token-label', token, '--login', '--pin', pin];
      const sign = await run('pkcs11-tool', [
        ...login,
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
      await run('pkcs11-tool', [...login, '--read-object', '--type', 'cert', '--id', id, '-o', cert]);
      await run('openssl', ['x509', '-inform', 'DER', '-in', cert, '-out', `${cert}.pem`]);
      await run('openssl', ['x509', '-in', `${cert}.pem`, '-pubkey', '-noout', '-out', `${cert}.pub`]);
      const verify = await run('openssl', [
        'dgst',
        '-sha256',
        '-verify',
        `${cert}.pub`,
        '-signature',
        sig,
        join(dir, 'data.txt'),
      ]);
      const chain = await run('openssl', ['verify', '-CAfile', caPem, `${cert}.pem`]);
      return [
        String(sign.code),
        verify.out.trim(),
        chain.out.trim().endsWith(': OK') ? 'chain OK' : chain.out,
      ];
    }

    it('pkcs11-tool -L lists the two JPKI tokens', async () => {
      const r = await run('pkcs11-tool', ['-L']);
      expect([r.code, r.out.includes(AUTH_TOKEN), r.out.includes(SIGN_TOKEN)]).toEqual([0, true, true]);
    });

    it('the auth key signs and its certificate chains to the authority’s auth CA', async () => {
      expect(await signAndVerify(AUTH_TOKEN, '01', PINS.auth, join(dir, 'auth-ca.pem'))).toEqual([
        '0',
        'Verified OK',
        'chain OK',
      ]);
    });

    it('the sign key signs and its certificate chains to the authority’s signature CA', async () => {
      expect(await signAndVerify(SIGN_TOKEN, '02', PINS.sign, join(dir, 'sign-ca.pem'))).toEqual([
        '0',
        'Verified OK',
        'chain OK',
      ]);
    });
  },
);

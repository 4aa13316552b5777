/**
 * OpenSC still accepts a card issued by the Authority (issue 7 "Tests"): `shomei-sim issue
 * --authority` creates the card, `shomei-sim serve` inserts it into the private pcscd's vpcd reader,
 * pkcs11-tool lists and signs with both keys, and openssl verifies the signatures and the chain of the
 * certificate read through OpenSC to the authority's CA. Run with:
 *   scripts/with-pcsc.sh npx vitest run --config vitest.pcsc.config.ts packages/simulator
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toPem } from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authority } from '../src/authority/authority.js';
import { HOLDER } from './fixture.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'packages/simulator/src/cli/main.ts');
const PINS = { sign: 'ABC123', auth: '1234', assist: '5678' };
const AUTH_TOKEN = 'JPKI (User Authentication PIN)';
const SIGN_TOKEN = 'JPKI (Digital Signature PIN)';

interface Run {
  code: number;
  out: string;
}

function run(cmd: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
    child.stdin?.end(input ?? '');
  });
}

const sim = (args: string[], input?: string) =>
  run(process.execPath, ['--import', 'tsx', CLI, ...args], input);

describe.runIf(process.env.SHOMEI_PCSC === '1')(
  'OpenSC accepts an authority-issued card through vpcd',
  () => {
    let dir: string;
    let serve: ChildProcess | undefined;

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
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CLI, 'serve', join(dir, 'card.json'), '--reconnect-ms', '100'],
        {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      serve = child;
      let log = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('card inserted')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${log}`)));
      });
      const deadline = Date.now() + 20_000;
      while (!(await run('pkcs11-tool', ['-L'])).out.includes(AUTH_TOKEN)) {
        if (Date.now() > deadline) throw new Error(`pcscd never saw the card; serve said: ${log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    });

    afterAll(async () => {
      if (serve && serve.exitCode === null) {
        const exited = new Promise((r) => serve!.once('exit', r));
        serve.kill('SIGTERM');
        await exited;
      }
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

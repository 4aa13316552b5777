/**
 * `shomei sign` and `shomei verify` end to end: signing through the (virtual) card driver, checked by
 * OpenSSL as the outside referee, and verified again by our own CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '@shomei/core';
import type { VirtualJpkiCard } from '@shomei/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardCliDeps } from '../src/cli/card-options.js';
import type { CliIo } from '../src/cli/io.js';
import { defaultCommands, runCli } from '../src/cli/router.js';
import { cardError } from '../src/errors.js';
import { openJpkiCard } from '../src/jpki/open.js';
import { HOLDER, issueTemplate, PINS, rig } from './fixtures/virtual-cards.js';

let template: VirtualJpkiCard;
let dir: string;
let signCa: string;
const doc = () => join(dir, 'application.txt');

beforeAll(async () => {
  template = await issueTemplate();
  dir = mkdtempSync(join(tmpdir(), 'shomei-cli-sign-'));
  writeFileSync(doc(), '住民票の写しの交付を請求します。\n');
  signCa = join(dir, 'sign-ca.pem');
  writeFileSync(signCa, toPem('CERTIFICATE', template.certificate('sign-ca')));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(secrets: string[] = []) {
  const r = rig(template);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    async readSecret() {
      const next = secrets.shift();
      if (next === undefined) throw cardError('USAGE', 'no PIN');
      return next;
    },
    writeFile: (path, data) => writeFile(path, data),
  };
  const deps: CardCliDeps = {
    openCard: (options) => openJpkiCard({ ...options, transport: r.transport }),
    listReaders: async () => [],
  };
  return {
    run: (...argv: string[]) => runCli(argv, io, { commands: defaultCommands(deps) }),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    card: r.card,
  };
}

const openssl = (...args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });

describe('shomei sign --card', () => {
  it('writes an attached CAdES signature that openssl cms -verify accepts', async () => {
    const out = join(dir, 'attached.p7s');
    expect(await cli([PINS.sign]).run('sign', doc(), '--card', '--pin-stdin', '--out', out)).toBe(0);
    const r = openssl(
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      out,
      '-CAfile',
      signCa,
      '-purpose',
      'any',
    );
    expect(r.stderr).toContain('Verification successful');
    expect(r.stdout).toBe(readFileSync(doc(), 'utf8'));
  });

  it('writes a detached signature that openssl verifies against the file', async () => {
    const out = join(dir, 'detached.p7s');
    expect(
      await cli([PINS.sign]).run('sign', doc(), '--card', '--pin-stdin', '--detached', '--out', out),
    ).toBe(0);
    const r = openssl(
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      out,
      '-content',
      doc(),
      '-CAfile',
      signCa,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    );
    expect(r.stderr).toContain('Verification successful');
  });

  it('refuses a wrong PIN with exit 1 and writes nothing', async () => {
    const out = join(dir, 'never.p7s');
    const c = cli(['WRONG999']);
    expect(await c.run('sign', doc(), '--card', '--pin-stdin', '--out', out)).toBe(1);
    expect(c.stderr()).toContain('PIN_INCORRECT');
    expect(() => readFileSync(out)).toThrow();
  });

  it('never accepts a PIN as an argument', async () => {
    expect(await cli().run('sign', doc(), '--card', '--pin', PINS.sign)).toBe(2);
  });
});

describe('shomei verify', () => {
  it('says valid with the holder’s name for a card signature (exit 0)', async () => {
    const out = join(dir, 'v-attached.p7s');
    await cli([PINS.sign]).run('sign', doc(), '--card', '--pin-stdin', '--out', out);
    const c = cli();
    expect(await c.run('verify', out, '--trust', signCa, '--revocation', 'off')).toBe(0);
    expect(c.stdout()).toContain(HOLDER.name);
  });

  it('says invalid for tampered detached content (exit 1)', async () => {
    const out = join(dir, 'v-detached.p7s');
    await cli([PINS.sign]).run('sign', doc(), '--card', '--pin-stdin', '--detached', '--out', out);
    const tampered = join(dir, 'tampered.txt');
    writeFileSync(tampered, '住民票の写しの交付を請求しません。\n');
    const c = cli();
    expect(await c.run('verify', out, '--content', tampered, '--trust', signCa, '--json')).toBe(1);
    expect(JSON.parse(c.stdout())).toMatchObject({ verdict: 'invalid' });
  });

  it('exits 2 for a file that is not CMS', async () => {
    expect(await cli().run('verify', doc(), '--trust', signCa)).toBe(2);
  });

  it('says invalid CMS_CONTENT_MISMATCH, without the holder’s facts, for an attached .p7s given another document', async () => {
    const out = join(dir, 'v-substituted.p7s');
    await cli([PINS.sign]).run('sign', doc(), '--card', '--pin-stdin', '--out', out);
    const other = join(dir, 'other.txt');
    writeFileSync(other, '借用書 金1億円を借り受けました。\n');
    const c = cli();
    expect(await c.run('verify', out, '--content', other, '--trust', signCa, '--revocation', 'off')).toBe(1);
    expect([c.stdout().includes('CMS_CONTENT_MISMATCH'), c.stdout().includes(HOLDER.name)]).toEqual([
      true,
      false,
    ]);
  });
});

describe('shomei sign --key', () => {
  it('signs with a PKCS#8 key file and verifies with openssl', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=shomei test signer',
        '-days',
        '2',
      ],
      { stdio: 'ignore' },
    );
    const out = join(dir, 'key.p7s');
    expect(await cli().run('sign', doc(), '--key', key, '--cert', cert, '--out', out)).toBe(0);
    const r = openssl(
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      out,
      '-CAfile',
      cert,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    );
    expect(r.stderr).toContain('Verification successful');
  });
});

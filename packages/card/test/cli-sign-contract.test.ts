/**
 * `shomei sign` checks what it can before a card is asked for a PIN and before anything is written:
 * the output path, --force, a key that does not belong to its certificate; and --hash works with --key.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualJpkiCard } from '@shomei/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { defaultCommands, runCli } from '../src/cli/router.js';
import { openJpkiCard } from '../src/jpki/open.js';
import { issueTemplate, PINS, rig } from './fixtures/virtual-cards.js';

let template: VirtualJpkiCard;
let dir: string;
const at = (name: string) => join(dir, name);

function selfSigned(name: string) {
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
      '-subj',
      `/CN=${name}`,
      '-days',
      '2',
      '-keyout',
      at(`${name}.key`),
      '-out',
      at(`${name}.pem`),
    ],
    { stdio: 'ignore' },
  );
}

beforeAll(async () => {
  template = await issueTemplate();
  dir = mkdtempSync(join(tmpdir(), 'shomei-sign-contract-'));
  writeFileSync(at('doc.txt'), 'application\n');
  selfSigned('alice');
  selfSigned('bob');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(secrets: string[]) {
  const r = rig(template);
  const out: string[] = [];
  const err: string[] = [];
  let asked = 0;
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    async readSecret() {
      asked++;
      return secrets.shift() ?? '';
    },
    writeFile: (path, data) => writeFile(path, data),
  };
  const commands = defaultCommands({
    openCard: (options) => openJpkiCard({ ...options, transport: r.transport }),
    listReaders: async () => [],
  });
  return {
    run: (...argv: string[]) => runCli(argv, io, { commands }),
    /** The last JSON document printed. */
    json: () => JSON.parse(out.at(-1) ?? 'null'),
    asked: () => asked,
    triesLeft: () => r.card.pinTries().sign,
  };
}

describe('shomei sign: checks before the PIN', () => {
  it('an existing output file is OUTPUT_EXISTS (exit 2) and no PIN is asked for', async () => {
    writeFileSync(at('taken.p7s'), 'keep me');
    const c = cli([PINS.sign]);
    expect(
      await c.run('sign', at('doc.txt'), '--card', '--pin-stdin', '--out', at('taken.p7s'), '--json'),
    ).toBe(2);
    expect(c.json().error.code).toBe('OUTPUT_EXISTS');
    expect(c.asked()).toBe(0);
    expect(readFileSync(at('taken.p7s'), 'utf8')).toBe('keep me');
  });

  it('--force replaces it', async () => {
    writeFileSync(at('replace.p7s'), 'old');
    const c = cli([PINS.sign]);
    expect(
      await c.run('sign', at('doc.txt'), '--card', '--pin-stdin', '--out', at('replace.p7s'), '--force'),
    ).toBe(0);
    expect(readFileSync(at('replace.p7s'))[0]).toBe(0x30);
  });

  it('a missing output directory is OUTPUT_DIR_MISSING and no PIN is asked for', async () => {
    const c = cli([PINS.sign]);
    const out = at('no-such-dir/doc.p7s');
    expect(await c.run('sign', at('doc.txt'), '--card', '--pin-stdin', '--out', out, '--json')).toBe(2);
    expect(c.json().error.code).toBe('OUTPUT_DIR_MISSING');
    expect(c.asked()).toBe(0);
  });

  it('a missing file to sign is INPUT_NOT_FOUND', async () => {
    const c = cli([PINS.sign]);
    expect(await c.run('sign', at('absent.txt'), '--card', '--pin-stdin', '--json')).toBe(2);
    expect(c.json().error.code).toBe('INPUT_NOT_FOUND');
    expect(c.asked()).toBe(0);
  });

  it('wrong PINs show tries left as a number; the last-try guard names --allow-last-attempt', async () => {
    const c = cli(Array.from({ length: 10 }, () => 'WRONGPIN'));
    let error: { code: string; message: string; details: { remainingAttempts?: unknown } };
    do {
      expect(
        await c.run('sign', at('doc.txt'), '--card', '--pin-stdin', '--out', at('w.p7s'), '--json'),
      ).toBe(1);
      error = c.json().error;
      if (error.code === 'PIN_INCORRECT') {
        expect(typeof error.details.remainingAttempts).toBe('number');
        expect(error.message).toContain(`${error.details.remainingAttempts} `);
      }
    } while (error.code === 'PIN_INCORRECT');
    expect(error.code).toBe('PIN_LAST_ATTEMPT_GUARD');
    expect(error.message).toContain('--allow-last-attempt');
    expect(error.message).not.toContain('allowLastAttempt');
    expect(existsSync(at('w.p7s'))).toBe(false);
  });
});

describe('shomei sign --key/--cert', () => {
  it('refuses a key that does not belong to the certificate, writing nothing', async () => {
    const c = cli([]);
    const out = at('mismatch.p7s');
    expect(
      await c.run(
        'sign',
        at('doc.txt'),
        '--key',
        at('alice.key'),
        '--cert',
        at('bob.pem'),
        '--out',
        out,
        '--json',
      ),
    ).toBe(2);
    expect(c.json().error.message).toContain('does not belong to the certificate');
    expect(existsSync(out)).toBe(false);
  });

  it.each(['sha384', 'sha512'])('--hash %s works with --key', async (hash) => {
    const c = cli([]);
    const out = at(`key-${hash}.p7s`);
    expect(
      await c.run(
        'sign',
        at('doc.txt'),
        '--key',
        at('alice.key'),
        '--cert',
        at('alice.pem'),
        '--hash',
        hash,
        '--out',
        out,
      ),
    ).toBe(0);
    const text = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', out], {
      encoding: 'utf8',
    });
    expect(text).toContain(hash);
  });
});

describe('--card-file: a saved virtual card, no pcscd', () => {
  it('shomei sign --card-file signs and writes the PIN counter back to the file', async () => {
    const cardFile = at('virtual.card.json');
    writeFileSync(cardFile, template.save(), { mode: 0o600 });
    const out: string[] = [];
    const io: CliIo = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => out.push(t) },
      readSecret: async () => 'WRONGPIN',
      writeFile: (path, data) => writeFile(path, data),
    };
    const before = JSON.stringify(JSON.parse(readFileSync(cardFile, 'utf8')));
    // Default dependencies: the real card opener, which loads the simulator for --card-file.
    expect(
      await runCli(['sign', at('doc.txt'), '--card-file', cardFile, '--pin-stdin', '--out', at('v.p7s')], io),
    ).toBe(1);
    expect(out.join('')).toContain('PIN_INCORRECT');
    expect(JSON.stringify(JSON.parse(readFileSync(cardFile, 'utf8')))).not.toBe(before);
    io.readSecret = async () => PINS.sign;
    expect(
      await runCli(['sign', at('doc.txt'), '--card-file', cardFile, '--pin-stdin', '--out', at('v.p7s')], io),
    ).toBe(0);
    expect(readFileSync(at('v.p7s'))[0]).toBe(0x30);
  });

  it('--reader and --card-file together are a usage error', async () => {
    const c = cli([]);
    expect(await c.run('card', 'info', '--reader', 'x', '--card-file', 'y', '--json')).toBe(2);
    expect(c.json().error.code).toBe('USAGE');
  });
});

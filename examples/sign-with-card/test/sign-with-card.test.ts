/**
 * Runs the sign-with-card script against a virtual card (a `shomei-sim` card file, used through
 * MemoryTransport) and checks its `.p7s` with OpenSSL, the outside referee, and with core.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { toPem, verifyCms } from '@shomei/core';
import { loadCardFile, saveCardFile, VirtualJpkiCard } from '@shomei/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Io, run } from '../src/main.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SIGN_PIN = 'SIGNPIN2026';
const DOCUMENT = '住民票の写しの交付請求書\nrequested copies: 1\n';

let dir: string;
let template: string;
let caPem: string;
let caDer: Uint8Array;
let documentPath: string;
let cardCount = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sign-with-card-'));
  const card = await VirtualJpkiCard.create({
    holder: {
      name: '署名　太郎',
      address: '北海道札幌市中央区北一条西二丁目',
      birthDate: '1975-09-30',
      sex: 'male',
      myNumber: '987654321098',
    },
    pins: { sign: SIGN_PIN, auth: '2468', assist: '1357' },
  });
  template = card.save();
  caDer = card.certificate('sign-ca');
  caPem = join(dir, 'sign-ca.pem');
  writeFileSync(caPem, toPem('CERTIFICATE', caDer));
  documentPath = join(dir, 'request.txt');
  writeFileSync(documentPath, DOCUMENT);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh card file (PIN counters full) for one test. */
function cardFile(): string {
  const path = join(dir, `card-${++cardCount}.json`);
  saveCardFile(path, VirtualJpkiCard.load(template));
  return path;
}

/** Runs the script in-process with `stdin` as its standard input. */
async function sign(argv: string[], stdin = `${SIGN_PIN}\n`) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdin: Readable.from([stdin]),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

async function openssl(...args: string[]): Promise<string> {
  const { stdout } = await exec('openssl', args, { encoding: 'utf8' });
  return stdout;
}

describe('sign-with-card', () => {
  it('writes an attached .p7s whose content OpenSSL extracts and whose signature it accepts', async () => {
    const out = join(dir, 'attached.p7s');
    const result = await sign([documentPath, '--card-file', cardFile(), '--pin-stdin', '--out', out]);
    expect(result.code).toBe(0);
    const content = await openssl(
      'cms',
      '-verify',
      '-binary',
      '-purpose',
      'any',
      '-noverify',
      '-inform',
      'DER',
      '-in',
      out,
    );
    expect(content).toBe(DOCUMENT);
  });

  it('writes a detached .p7s that OpenSSL verifies against the file and the test CA', async () => {
    const out = join(dir, 'detached.p7s');
    const result = await sign([
      documentPath,
      '--card-file',
      cardFile(),
      '--pin-stdin',
      '--detached',
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    await expect(
      openssl(
        'cms',
        '-verify',
        '-binary',
        '-purpose',
        'any',
        '-CAfile',
        caPem,
        '-inform',
        'DER',
        '-in',
        out,
        '-content',
        documentPath,
        '-out',
        '/dev/null',
      ),
    ).resolves.toBeDefined();
  });

  it('produces a signature core verifies as valid, naming the holder', async () => {
    const out = join(dir, 'core.p7s');
    await sign([documentPath, '--card-file', cardFile(), '--pin-stdin', '--out', out]);
    const report = await verifyCms(readFileSync(out), { trustAnchors: [caDer], revocation: 'off' });
    expect({ verdict: report.verdict, name: report.signer.jpki?.name }).toEqual({
      verdict: 'valid',
      name: '署名　太郎',
    });
  });

  it('refuses a wrong PIN with exit 1 and PIN_INCORRECT, writing nothing', async () => {
    const out = join(dir, 'wrong-pin.p7s');
    const result = await sign(
      [documentPath, '--card-file', cardFile(), '--pin-stdin', '--out', out],
      'WRONG1\n',
    );
    expect({ code: result.code, err: result.stderr.includes('[PIN_INCORRECT]') }).toEqual({
      code: 1,
      err: true,
    });
    expect(() => readFileSync(out)).toThrow();
  });

  it('saves the used try to the card file after a wrong PIN', async () => {
    const file = cardFile();
    await sign([documentPath, '--card-file', file, '--pin-stdin'], 'WRONG1\n');
    expect(loadCardFile(file).pinTries().sign).toBe(4);
  });

  it('never echoes the PIN in its output', async () => {
    const result = await sign([documentPath, '--card-file', cardFile(), '--pin-stdin'], 'WRONG1\n');
    expect(result.stdout + result.stderr).not.toContain('WRONG1');
  });

  it('refuses a PIN given as an argument (usage, exit 2)', async () => {
    const result = await sign([documentPath, '--card-file', cardFile(), '--pin', SIGN_PIN]);
    expect(result.code).toBe(2);
  });

  it('asks for --pin-stdin when there is no terminal to prompt on', async () => {
    const result = await sign([documentPath, '--card-file', cardFile()]);
    expect({ code: result.code, hint: result.stderr.includes('--pin-stdin') }).toEqual({
      code: 2,
      hint: true,
    });
  });

  it('runs as a script with the PIN piped to its standard input', async () => {
    const out = join(dir, 'script.p7s');
    const child = execFile(
      join(ROOT, 'node_modules/.bin/tsx'),
      [
        '--tsconfig',
        join(ROOT, 'tsconfig.json'),
        'examples/sign-with-card/src/main.ts',
        documentPath,
        '--card-file',
        cardFile(),
        '--pin-stdin',
        '--out',
        out,
      ],
      { cwd: ROOT },
    );
    child.stdin?.end(`${SIGN_PIN}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(
      await openssl(
        'cms',
        '-verify',
        '-binary',
        '-purpose',
        'any',
        '-noverify',
        '-inform',
        'DER',
        '-in',
        out,
      ),
    ).toBe(DOCUMENT);
  });
});

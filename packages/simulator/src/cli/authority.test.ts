import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { toPem } from '@shomei/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOLDER, PINS } from '../../test/fixture.js';
import { Authority } from '../authority/authority.js';
import { OperatorCard } from '../authority/operator-card.js';
import { VirtualJpkiCard } from '../card/virtual-card.js';
import { runCli as main } from './run.js';

let dir: string;
let authorityDir: string;
let operatorFile: string;
let cardFile: string;
let serving: Promise<number>;
let serverUrl: string;
const OPERATOR_PIN = '2468';

/** Runs the CLI in-process with `stdin` as standard input and captures its output. */
async function cli(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([stdin]), configurable: true });
  try {
    return { code: await main(argv), out, err };
  } finally {
    Object.defineProperty(process, 'stdin', original);
    o.mockRestore();
    e.mockRestore();
  }
}

const ocspStatus = (leafPem: string, caPem: string) =>
  new Promise<string>((resolve) =>
    execFile(
      'openssl',
      ['ocsp', '-issuer', caPem, '-cert', leafPem, '-CAfile', caPem, '-url', `${serverUrl}/ocsp`],
      { encoding: 'utf8' },
      (_err, stdout) => resolve(stdout),
    ),
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-sim-authority-cli-'));
  authorityDir = join(dir, 'authority');
  operatorFile = join(dir, 'operator.json');
  const init = await cli(
    [
      'authority',
      'init',
      '--dir',
      authorityDir,
      '--operator-name',
      'counter 1',
      '--operator-card',
      operatorFile,
      '--pin-stdin',
    ],
    `${OPERATOR_PIN}\n`,
  );
  if (init.code !== 0) throw new Error(init.err);
  // Issue one card through the library (the counter), then serve the directory from the CLI.
  const authority = Authority.open(authorityDir);
  const session = authority.openSession(OperatorCard.load(readFileSync(operatorFile, 'utf8')), OPERATOR_PIN);
  const { card } = await authority.issue(session, { holder: HOLDER, pins: PINS });
  cardFile = join(dir, 'card.json');
  writeFileSync(cardFile, card.save());
  writeFileSync(join(dir, 'sign.pem'), toPem('CERTIFICATE', card.certificate('sign')));
  writeFileSync(join(dir, 'sign-ca.pem'), toPem('CERTIFICATE', card.certificate('sign-ca')));
  let err = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  serving = main(['authority', 'serve', '--dir', authorityDir, '--port', '0']);
  await vi.waitFor(() => expect(err).toMatch(/serving on (http:\/\/\S+)/), { timeout: 5000 });
  spy.mockRestore();
  serverUrl = /serving on (http:\/\/\S+)/.exec(err)![1]!;
});

afterAll(async () => {
  process.emit('SIGTERM');
  await serving;
  rmSync(dir, { recursive: true, force: true });
});

describe('shomei-sim authority / revoke / hold / release / audit', () => {
  it('authority init refuses an existing operator card file (exit 2)', async () => {
    const r = await cli([
      'authority',
      'init',
      '--operator-name',
      'x',
      '--operator-card',
      operatorFile,
      '--pin-stdin',
    ]);
    expect(r.code).toBe(2);
  });

  it('the served responder says good before the loss report', async () => {
    expect(await ocspStatus(join(dir, 'sign.pem'), join(dir, 'sign-ca.pem'))).toContain('sign.pem: good');
  });

  it('a wrong operator PIN refuses revoke (exit 1) and is counted on the operator card file', async () => {
    const r = await cli(
      ['revoke', cardFile, '--dir', authorityDir, '--operator-card', operatorFile, '--pin-stdin'],
      '9999\n',
    );
    expect([r.code, OperatorCard.load(readFileSync(operatorFile, 'utf8')).triesLeft]).toEqual([1, 2]);
  });

  it('revoke <card-file> revokes both certificates and the running server answers revoked', async () => {
    const r = await cli(
      ['revoke', cardFile, '--dir', authorityDir, '--operator-card', operatorFile, '--pin-stdin'],
      `${OPERATOR_PIN}\n`,
    );
    expect(r.out).toMatch(/^Revoked \(keyCompromise\): [0-9a-f]+, [0-9a-f]+\n$/);
    expect(await ocspStatus(join(dir, 'sign.pem'), join(dir, 'sign-ca.pem'))).toContain('sign.pem: revoked');
  });

  it('the served CRL lists the revoked certificate', async () => {
    const crl = new Uint8Array(await (await fetch(`${serverUrl}/crl/sign.crl`)).arrayBuffer());
    const serial = Authority.open(authorityDir).certificateStatus(
      VirtualJpkiCard.load(readFileSync(cardFile, 'utf8')).certificate('sign'),
    )!.serial;
    expect(Buffer.from(crl).toString('hex')).toContain(serial);
  });

  it('revoke with an unknown reason is a usage error (exit 2)', async () => {
    const r = await cli(
      ['revoke', '01', '--reason', 'lost', '--operator-card', operatorFile, '--pin-stdin'],
      '1\n',
    );
    expect(r.code).toBe(2);
  });

  it('hold and release a serial round-trip', async () => {
    const authority = Authority.open(authorityDir);
    const session = authority.openSession(
      OperatorCard.load(readFileSync(operatorFile, 'utf8')),
      OPERATOR_PIN,
    );
    const { serials } = await authority.issue(session, { holder: HOLDER, pins: PINS });
    const args = [serials.auth, '--dir', authorityDir, '--operator-card', operatorFile, '--pin-stdin'];
    const held = await cli(['hold', ...args], `${OPERATOR_PIN}\n`);
    const released = await cli(['release', ...args], `${OPERATOR_PIN}\n`);
    expect([
      held.code,
      released.code,
      Authority.open(authorityDir).certificateStatus(serials.auth)?.status,
    ]).toEqual([0, 0, 'good']);
  });

  it('audit verify accepts the untouched log (exit 0)', async () => {
    const r = await cli(['audit', 'verify', '--dir', authorityDir]);
    expect(r.code).toBe(0);
  });

  it('audit verify rejects a log with a removed entry (exit 1)', async () => {
    const file = join(authorityDir, 'audit.log');
    const original = readFileSync(file, 'utf8');
    const lines = original.split('\n');
    writeFileSync(file, [...lines.slice(0, 2), ...lines.slice(3)].join('\n'));
    try {
      const r = await cli(['audit', 'verify', '--dir', authorityDir]);
      expect(r.code).toBe(1);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('issue --authority creates a default authority and operator card, and the card chains to it', async () => {
    writeFileSync(join(dir, 'holder.json'), JSON.stringify({ ...HOLDER, pins: PINS }));
    const fresh = join(dir, 'fresh-authority');
    const out = join(dir, 'fresh.card.json');
    const r = await cli(
      [
        'issue',
        '--profile',
        join(dir, 'holder.json'),
        '--out',
        out,
        '--authority',
        fresh,
        '--operator-card',
        join(dir, 'fresh-operator.json'),
        '--pin-stdin',
      ],
      '1357\n',
    );
    const issued = VirtualJpkiCard.load(readFileSync(out, 'utf8'));
    const authority = Authority.open(fresh);
    expect([r.code, authority.certificateStatus(issued.certificate('sign'))?.status]).toEqual([0, 'good']);
  });

  it('issue --authority with an enrolled operator card issues under that operator', async () => {
    const out = join(dir, 'second.card.json');
    const r = await cli(
      [
        'issue',
        '--profile',
        join(dir, 'holder.json'),
        '--out',
        out,
        '--authority',
        authorityDir,
        '--operator-card',
        operatorFile,
        '--pin-stdin',
      ],
      `${OPERATOR_PIN}\n`,
    );
    expect([
      r.code,
      Authority.open(authorityDir)
        .auditLog()
        .split('\n')
        .filter((l) => l.includes('"issue"')).length,
    ]).toEqual([0, 6]);
  });
});

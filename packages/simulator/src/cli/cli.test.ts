import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '@shomei/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { APDU, HOLDER, h, PINS } from '../../test/fixture.js';
import { VirtualJpkiCard } from '../card/virtual-card.js';
import { encodeVpcdFrame, VpcdFrameReader } from '../transport/vpcd-framing.js';
import { runCli } from './run.js';

let dir: string;
let issuedPath: string;

/** Runs the CLI in-process and captures its output. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
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
  try {
    const code = await runCli(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-sim-cli-'));
  writeFileSync(join(dir, 'holder.json'), JSON.stringify({ ...HOLDER, pins: PINS }));
  issuedPath = join(dir, 'issued.card.json');
  const r = await cli('issue', '--profile', join(dir, 'holder.json'), '--out', issuedPath);
  if (r.code !== 0) throw new Error(r.err);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('shomei-sim issue', () => {
  it('writes a card file that loads', () => {
    const card = VirtualJpkiCard.load(readFileSync(issuedPath, 'utf8'));
    expect(card.holder.name).toBe(HOLDER.name);
  });

  it('refuses to overwrite an existing file without --force (exit 2)', async () => {
    const r = await cli('issue', '--profile', join(dir, 'holder.json'), '--out', issuedPath);
    expect(r.code).toBe(2);
  });

  it('rejects a holder profile with a bad PIN (exit 2) without echoing it', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...HOLDER, pins: { ...PINS, auth: '12a45' } }));
    const r = await cli('issue', '--profile', bad, '--out', join(dir, 'bad.card.json'));
    expect([r.code, r.err.includes('pins.auth'), r.err.includes('12a45')]).toEqual([2, true, false]);
  });

  it('needs --profile and --out (exit 2)', async () => {
    expect((await cli('issue')).code).toBe(2);
  });

  it('applies --blocked-pin-sw to the card', async () => {
    const out = join(dir, 'sw.card.json');
    await cli('issue', '--profile', join(dir, 'holder.json'), '--out', out, '--blocked-pin-sw', '6984');
    expect(VirtualJpkiCard.load(readFileSync(out, 'utf8')).config.blockedPinSw).toBe(0x6984);
  });
});

describe('shomei-sim inspect', () => {
  it('prints holder, certificates and counters', async () => {
    const r = await cli('inspect', issuedPath);
    expect([r.code, r.out.includes(HOLDER.name), r.out.includes('auth-ca'), r.out.includes('3/3')]).toEqual([
      0,
      true,
      true,
      true,
    ]);
  });

  it('never prints a PIN', async () => {
    const r = await cli('inspect', issuedPath, '--json');
    expect(
      [PINS.sign, PINS.auth, PINS.assist].some((p) => r.out.includes(`"${p}"`) || r.out.includes(` ${p}`)),
    ).toBe(false);
  });

  it('--json gives the counters per PIN', async () => {
    const r = await cli('inspect', issuedPath, '--json');
    expect(JSON.parse(r.out).pins.sign).toEqual({ triesLeft: 5, limit: 5, blocked: false });
  });

  it('fails with exit 2 on a missing file', async () => {
    expect((await cli('inspect', join(dir, 'missing.json'))).code).toBe(2);
  });

  it('fails with exit 2 on a corrupt card file', async () => {
    const p = join(dir, 'corrupt.json');
    writeFileSync(p, '{"format":"shomei-sim-card/1"}');
    expect((await cli('inspect', p)).code).toBe(2);
  });
});

describe('shomei-sim (other)', () => {
  it('exits 2 on an unknown command', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
  });

  it('exits 2 on an unknown option', async () => {
    expect((await cli('inspect', '--nope', issuedPath)).code).toBe(2);
  });

  it('serve rejects --reader-slot 2 (exit 2)', async () => {
    expect((await cli('serve', issuedPath, '--reader-slot', '2')).code).toBe(2);
  });
});

describe('shomei-sim serve', () => {
  it('inserts the card into vpcd and saves changed counters on SIGTERM', async () => {
    const path = join(dir, 'serve.card.json');
    writeFileSync(path, readFileSync(issuedPath));
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const serving = cli('serve', path, '--vpcd', `127.0.0.1:${port}`, '--reconnect-ms', '20');
    const [socket] = await once(server, 'connection');
    const reader = new VpcdFrameReader();
    const replies: string[] = [];
    const got = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        replies.push(...reader.push(new Uint8Array(chunk)).map((f) => toHex(f).toUpperCase()));
        if (replies.length === 4) resolve();
      });
    });
    for (const c of ['04', APDU.selectJpki, APDU.selectEf('00 18'), APDU.verify('0000')])
      socket.write(encodeVpcdFrame(h(c)));
    await got;
    process.emit('SIGTERM');
    const r = await serving;
    server.close();
    const saved = VirtualJpkiCard.load(readFileSync(path, 'utf8'));
    expect([r.code, replies[3], saved.pinTries().auth]).toEqual([0, '63C2', 2]);
  });
});

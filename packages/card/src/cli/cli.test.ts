import { X509Certificate } from 'node:crypto';
import type { VirtualJpkiCard } from '@shomei/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueTemplate, PINS, rig } from '../../test/fixtures/virtual-cards.js';
import { cardError } from '../errors.js';
import { openJpkiCard } from '../jpki/open.js';
import type { PcscReaderInfo } from '../transport/pcsc-context.js';
import type { CardCliDeps } from './card-options.js';
import type { CliIo } from './io.js';
import { defaultCommands, runCli } from './router.js';

let template: VirtualJpkiCard;

beforeAll(async () => {
  template = await issueTemplate();
});

function harness(secrets: string[] = [], readers: PcscReaderInfo[] = []) {
  const r = rig(template);
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, Uint8Array | string>();
  let asked = 0;
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    async readSecret() {
      asked++;
      const next = secrets.shift();
      if (next === undefined) throw cardError('USAGE', 'no PIN');
      return next;
    },
    async writeFile(path, data) {
      files.set(path, data);
    },
  };
  const deps: CardCliDeps = {
    openCard: (options) => openJpkiCard({ ...options, transport: r.transport }),
    listReaders: async () => readers,
  };
  const run = (...argv: string[]) => runCli(argv, io, { commands: defaultCommands(deps) });
  return {
    ...r,
    run,
    files,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    asked: () => asked,
    json: () => JSON.parse(out.join('')),
  };
}

describe('shomei card readers', () => {
  it('lists readers with card presence as JSON', async () => {
    const h = harness([], [{ name: 'Reader A', cardPresent: true, atr: Uint8Array.of(0x3b, 0x00) }]);
    expect(await h.run('card', 'readers', '--json')).toBe(0);
    expect(h.json()).toEqual({ readers: [{ name: 'Reader A', cardPresent: true, atr: '3b00' }] });
  });

  it('says so when there is no reader', async () => {
    const h = harness();
    expect(await h.run('card', 'readers')).toBe(0);
    expect(h.stdout()).toContain('No card reader found');
  });
});

describe('shomei card info', () => {
  it('prints the card kind as JSON', async () => {
    const h = harness();
    expect(await h.run('card', 'info', '--json')).toBe(0);
    expect(h.json()).toMatchObject({ kind: 'mynumber-card', token: 'JPKIAPICCTOKEN2' });
  });

  it('prints the card kind for people', async () => {
    const h = harness();
    await h.run('card', 'info');
    expect(h.stdout()).toContain('My Number card');
  });
});

describe('shomei card pin-status', () => {
  it('prints the tries left as JSON', async () => {
    const h = harness();
    expect(await h.run('card', 'pin-status', '--json')).toBe(0);
    expect(h.json()).toMatchObject({ auth: { remainingAttempts: 3 }, sign: { remainingAttempts: 5 } });
  });
});

describe('shomei card attrs', () => {
  it('reads the four facts with a prompted PIN', async () => {
    const h = harness([PINS.assist]);
    expect(await h.run('card', 'attrs', '--json')).toBe(0);
    expect(h.json()).toMatchObject({ birthDate: '19850412', sex: 'female' });
  });

  it('exits 1 on a wrong PIN without printing it', async () => {
    const h = harness(['6284']);
    expect(await h.run('card', 'attrs')).toBe(1);
    expect(h.stderr()).toContain('PIN_INCORRECT');
    expect(h.stderr() + h.stdout()).not.toContain('6284');
  });

  it('exits 2 on a malformed PIN, which reaches no card', async () => {
    const h = harness(['12']);
    expect(await h.run('card', 'attrs')).toBe(2);
    expect(h.faults.records.some((r) => r.command[1] === 0x20 && r.redacted)).toBe(false);
  });

  it('refuses a PIN given as an argument (exit 2) and asks for nothing', async () => {
    const h = harness();
    expect(await h.run('card', 'attrs', '--pin', PINS.assist)).toBe(2);
    expect(h.asked()).toBe(0);
  });
});

describe('shomei card certs', () => {
  it('reads the three public certificates', async () => {
    const h = harness();
    expect(await h.run('card', 'certs', '--json')).toBe(0);
    expect(h.json().certificates.map((c: { kind: string }) => c.kind)).toEqual([
      'auth',
      'auth-ca',
      'sign-ca',
    ]);
  });

  it('writes DER and PEM files with --out, including the signing certificate with --sign', async () => {
    const h = harness([PINS.sign]);
    expect(await h.run('card', 'certs', '--out', '/tmp/x', '--sign')).toBe(0);
    expect([...h.files.keys()].sort()).toEqual(
      ['auth', 'auth-ca', 'sign', 'sign-ca'].flatMap((k) => [`/tmp/x/${k}.der`, `/tmp/x/${k}.pem`]).sort(),
    );
    const sign = h.files.get('/tmp/x/sign.der') as Uint8Array;
    expect(new X509Certificate(Buffer.from(sign)).raw.equals(Buffer.from(h.card.certificate('sign')))).toBe(
      true,
    );
  });
});

describe('router', () => {
  it('prints help with exit 0', async () => {
    const h = harness();
    expect(await h.run('--help')).toBe(0);
    expect(h.stdout()).toContain('card pin-status');
  });

  it('rejects an unknown command with exit 2', async () => {
    const h = harness();
    expect(await h.run('card', 'frobnicate')).toBe(2);
  });

  it('prints a failure as one JSON document with --json', async () => {
    const h = harness();
    const commands = defaultCommands({
      openCard: async () => {
        throw cardError('NO_READERS');
      },
      listReaders: async () => [],
    });
    const out: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: () => {} },
    } as unknown as CliIo;
    expect(await runCli(['card', 'info', '--json'], io, { commands })).toBe(1);
    expect(JSON.parse(out.join(''))).toMatchObject({ ok: false, error: { code: 'NO_READERS' } });
    expect(h.asked()).toBe(0);
  });
});

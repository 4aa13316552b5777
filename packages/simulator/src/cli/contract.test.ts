import { optionsOfUsage } from '@shomei/card';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS, runCli, VERSION } from './run.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    return { code: await runCli(argv), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('shomei-sim: the CLI contract on every command', () => {
  for (const command of COMMANDS) {
    const name = command.path.join(' ');

    it(`${name} --help prints its usage on stdout, exit 0`, async () => {
      const r = await cli(...command.path, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: shomei-sim ${name}`);
      expect(r.err).toBe('');
    });

    it(`${name} with a mistyped option: exit 2, did-you-mean, one line on stderr`, async () => {
      const option = optionsOfUsage(command.usage).find((o) => o !== '--json' && o.length > 5) ?? '--json';
      const typo = `${option.slice(0, -1)}x`;
      const r = await cli(...command.path, typo);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(
        new RegExp(`^shomei-sim: Unknown option ${typo}\\. Did you mean "${option}"\\?.*\\[USAGE\\]\\n$`),
      );
    });

    it(`${name} --json: an error is one JSON document on stdout, nothing on stderr`, async () => {
      const r = await cli(...command.path, '--no-such-option', '--json');
      expect(r.code).toBe(2);
      expect(r.err).toBe('');
      expect(JSON.parse(r.out)).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    });
  }

  it('--version prints the package version', async () => {
    const r = await cli('--version');
    expect(r).toMatchObject({ code: 0, out: `shomei-sim ${VERSION}\n` });
  });

  it('a mistyped command is exit 2 with a did-you-mean', async () => {
    const r = await cli('isue');
    expect(r.code).toBe(2);
    expect(r.err).toContain('Unknown command "isue". Did you mean "issue"?');
  });

  it('a mistyped subcommand of a group suggests within the group, in JSON with --json', async () => {
    const r = await cli('authority', 'serv', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error.message).toContain('Did you mean "serve"?');
  });

  it('a group with --help shows each of its commands, exit 0', async () => {
    const r = await cli('authority', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('shomei-sim authority init');
    expect(r.out).toContain('shomei-sim authority serve');
  });

  it('a missing input file is INPUT_NOT_FOUND, exit 2', async () => {
    const r = await cli('inspect', '/nonexistent/card.json', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error.code).toBe('INPUT_NOT_FOUND');
  });
});

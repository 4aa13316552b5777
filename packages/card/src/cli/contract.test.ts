import { describe, expect, it } from 'vitest';
import { didYouMean, optionsOfUsage } from './contract.js';
import type { CliIo } from './io.js';
import { defaultCommands, runCli, VERSION } from './router.js';

const commands = defaultCommands();

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    readSecret: async () => {
      throw new Error('no PIN may be asked for in these tests');
    },
    writeFile: async () => {
      throw new Error('nothing may be written in these tests');
    },
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('shomei: the CLI contract on every command', () => {
  for (const command of commands) {
    const name = command.path.join(' ');

    it(`${name} --help prints its usage on stdout, exit 0`, async () => {
      const c = capture();
      expect(await runCli([...command.path, '--help'], c.io)).toBe(0);
      expect(c.out()).toContain(`Usage: shomei ${name}`);
      expect(c.err()).toBe('');
    });

    it(`${name} with a mistyped option: exit 2, did-you-mean, one line on stderr`, async () => {
      const option = optionsOfUsage(command.usage).find((o) => o !== '--json' && o.length > 5) ?? '--json';
      const typo = `${option.slice(0, -1)}x`;
      const c = capture();
      expect(await runCli([...command.path, typo], c.io)).toBe(2);
      expect(c.out()).toBe('');
      expect(c.err()).toMatch(
        new RegExp(`^shomei: Unknown option ${typo}\\. Did you mean "${option}"\\?.*\\[USAGE\\]\\n$`),
      );
    });

    it(`${name} --json: an error is one JSON document on stdout, nothing on stderr`, async () => {
      const c = capture();
      expect(await runCli([...command.path, '--no-such-option', '--json'], c.io)).toBe(2);
      expect(c.err()).toBe('');
      const doc = JSON.parse(c.out());
      expect(doc).toMatchObject({ ok: false, error: { code: 'USAGE' } });
      expect(doc.error.message).toContain('--no-such-option');
    });
  }

  it('--version prints the package version', async () => {
    const c = capture();
    expect(await runCli(['--version'], c.io)).toBe(0);
    expect(c.out()).toBe(`shomei ${VERSION}\n`);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('a mistyped command is exit 2 with a did-you-mean', async () => {
    const c = capture();
    expect(await runCli(['verfy', 'x.p7s'], c.io)).toBe(2);
    expect(c.err()).toContain('Unknown command "verfy". Did you mean "verify"?');
  });

  it('a mistyped subcommand of a group suggests within the group', async () => {
    const c = capture();
    expect(await runCli(['card', 'inf', '--json'], c.io)).toBe(2);
    expect(JSON.parse(c.out()).error.message).toContain('Did you mean "info"?');
  });

  it('a group with --help lists its commands, exit 0', async () => {
    const c = capture();
    expect(await runCli(['card', '--help'], c.io)).toBe(0);
    for (const sub of ['readers', 'info', 'certs', 'pin-status', 'attrs'])
      expect(c.out()).toContain(`card ${sub}`);
  });

  it('a group without a subcommand is a usage error naming the choices', async () => {
    const c = capture();
    expect(await runCli(['card'], c.io)).toBe(2);
    expect(c.err()).toContain('needs a command: readers, info, certs, pin-status, attrs');
  });
});

describe('didYouMean', () => {
  it('finds a close word and nothing for a distant one', () => {
    expect(didYouMean('--trsut', ['--trust', '--crl'])).toBe('--trust');
    expect(didYouMean('--pin', ['--pin-stdin', '--reader'])).toBe('--pin-stdin');
    expect(didYouMean('frobnicate', ['sign', 'verify'])).toBeUndefined();
  });
});

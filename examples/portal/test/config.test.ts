/**
 * Configuration mistakes are one sentence naming the file and the field, and the command prints
 * that one line (no stack trace) and exits with 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'shomei-portal-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('loadConfig', () => {
  it.each([
    [
      'a missing file',
      join(dir, 'absent.json'),
      /Cannot read the configuration .*absent\.json: no such file\./,
    ],
    [
      'an unknown revocation mode',
      file('mode.json', { trustAnchors: [], revocation: 'sometimes' }),
      /"revocation" in .* must be/,
    ],
    [
      'a trust anchor file that is not there',
      file('anchor.json', { trustAnchors: ['nope.pem'] }),
      /"trustAnchors" in .*cannot read .*nope\.pem/,
    ],
    [
      'a port that is not a number',
      file('port.json', { trustAnchors: [], port: '80' }),
      /"port" in .* must be a whole number/,
    ],
    ['no trust anchor at all', file('none.json', {}), /at least one trust anchor/],
  ])('%s is a ConfigError naming it', (_what, path, message) => {
    expect(() => loadConfig(path)).toThrow(ConfigError);
    expect(() => loadConfig(path)).toThrow(message);
  });
});

describe('portal web with a bad configuration', () => {
  it('prints one line and exits with 2', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const loader = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
    const r = spawnSync(
      process.execPath,
      ['--import', loader, main, 'web', '--config', join(dir, 'absent.json')],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect([
      r.status,
      r.stderr.trim().split('\n').length,
      r.stderr.startsWith('portal: Cannot read'),
    ]).toEqual([2, 1, true]);
  }, 60_000);
});

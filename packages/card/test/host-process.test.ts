/**
 * `shomei-host` as the browser runs it: a child process speaking native-messaging frames on
 * stdin/stdout. Hostile frames get error replies and the same process keeps answering; closing stdin
 * ends it with exit code 0. And `shomei-host install` writes the manifests each browser reads.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from '../src/host/framing.js';
import { EXAMPLE_EXTENSION_ID, EXAMPLE_FIREFOX_ID, runInstallCli } from '../src/host/install.js';
import type { HostReply } from '../src/host/protocol.js';

const MAIN = fileURLToPath(new URL('../src/host/main.ts', import.meta.url));
const ORIGIN = 'https://portal.example.jp';
const dir = mkdtempSync(join(tmpdir(), 'shomei-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shomei-host process', () => {
  it('survives hostile frames, answers each with a code, and exits 0 when stdin closes', async () => {
    // No reader is configured for this child: a card command fails with a typed code, not a crash.
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'chrome-extension://x/'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SHOMEI_READER: 'No Such Reader 99' },
    });
    const decoder = new FrameDecoder(1 << 20);
    const replies: HostReply[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(new Uint8Array(chunk))) {
        if (e.kind === 'message') replies.push(JSON.parse(new TextDecoder().decode(e.body)));
      }
    });
    const header = (n: number) => Buffer.from(Uint32Array.of(n).buffer);
    child.stdin.write(Buffer.concat([header(5), Buffer.from('{nope')]));
    child.stdin.write(Buffer.concat([header(2 << 20), Buffer.alloc(2 << 20)]));
    child.stdin.write(encodeFrame({ v: 1, id: 'u', type: 'erase', origin: ORIGIN }));
    child.stdin.write(
      encodeFrame({ v: 1, id: 'o', type: 'status', origin: ORIGIN, params: { origin: ORIGIN } }),
    );
    child.stdin.write(encodeFrame({ v: 1, id: 's', type: 'status', origin: ORIGIN }));
    const statusReply = new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (replies.some((r) => r.id === 's')) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    await statusReply;
    child.stdin.write(encodeFrame({ v: 1, id: 'h', type: 'hello', origin: ORIGIN }));
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.stdin.end();
    expect(await exit).toBe(0);
    const codes = replies.map((r) => `${r.id}:${r.ok ? 'ok' : r.error.code}`);
    expect(codes.slice(0, 4)).toEqual([
      'null:HOST_MESSAGE_MALFORMED',
      'null:HOST_MESSAGE_TOO_LARGE',
      'u:HOST_COMMAND_UNKNOWN',
      'o:HOST_ORIGIN_INVALID',
    ]);
    expect(codes[4]).toMatch(/^s:(READER_NOT_FOUND|NO_READERS|PCSC_NO_SERVICE|PCSC_UNAVAILABLE)$/);
    expect(codes[5]).toBe('h:ok');
  });
});

describe('shomei-host install', () => {
  // In process (the command is the same function the bin calls), with this temporary directory as HOME.
  const run = (...args: string[]) => {
    let stderr = '';
    const status = runInstallCli(args, {
      out: () => {},
      err: (text) => {
        stderr += text;
      },
      hostPath: MAIN,
      env: { home: dir, platform: 'linux' },
    });
    return { status, stderr };
  };

  it('writes the Chromium, Chrome and Firefox manifests for the current user', () => {
    const r = run('install', '--host-path', '/opt/shomei/host');
    expect(r.status).toBe(0);
    const read = (p: string) => JSON.parse(readFileSync(join(dir, p), 'utf8'));
    const chromium = read('.config/chromium/NativeMessagingHosts/jp.shomei.host.json');
    const chrome = read('.config/google-chrome/NativeMessagingHosts/jp.shomei.host.json');
    const firefox = read('.mozilla/native-messaging-hosts/jp.shomei.host.json');
    expect([chromium.allowed_origins, chrome.path, chrome.type, firefox.allowed_extensions]).toEqual([
      [`chrome-extension://${EXAMPLE_EXTENSION_ID}/`],
      '/opt/shomei/host',
      'stdio',
      [EXAMPLE_FIREFOX_ID],
    ]);
  });

  it('writes into a browser profile with --user-data-dir', () => {
    const profile = join(dir, 'profile');
    expect(run('install', '--user-data-dir', profile, '--host-path', '/opt/h').status).toBe(0);
    expect(
      JSON.parse(readFileSync(join(profile, 'NativeMessagingHosts/jp.shomei.host.json'), 'utf8')).name,
    ).toBe('jp.shomei.host');
  });

  it('refuses an extension id that is not one', () => {
    const r = run('install', '--extension-id', 'not-an-id', '--host-path', '/opt/h');
    expect([r.status, r.stderr]).toEqual([2, expect.stringContaining('not a Chromium extension id')]);
  });
});

/**
 * `shomei-host install|uninstall`: registers the native-messaging host for the current user by
 * writing its manifest where each browser looks for it (developer.chrome.com "Native messaging",
 * "Native messaging host location"; MDN "Native manifests", per-user locations).
 */
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseCommandArgs } from '../cli/args.js';
import { cardError } from '../errors.js';
import { HOST_NAME } from './protocol.js';

/** The id of the example extension (examples/browser-extension, fixed by its manifest `key`). */
export const EXAMPLE_EXTENSION_ID = 'gnehmjljkhoblnhioaamkdhjadcgaomn';
/** The example extension's Firefox add-on id (`browser_specific_settings.gecko.id`). */
export const EXAMPLE_FIREFOX_ID = 'browser-extension@shomei.example';

export type BrowserName = 'chromium' | 'chrome' | 'firefox';
const BROWSERS: readonly BrowserName[] = ['chromium', 'chrome', 'firefox'];

export interface ManifestTarget {
  browser: BrowserName;
  /** Directory holding `jp.shomei.host.json`. */
  dir: string;
}

/** Per-user manifest directories (Linux honours XDG_CONFIG_HOME like the browsers do). */
export function manifestDir(
  browser: BrowserName,
  env: { home: string; platform: string; xdgConfigHome?: string; userDataDir?: string },
): string {
  if (env.userDataDir) {
    if (browser === 'firefox')
      throw cardError('USAGE', '--user-data-dir applies to Chromium and Chrome only.');
    return join(env.userDataDir, 'NativeMessagingHosts');
  }
  if (env.platform === 'linux') {
    const config = env.xdgConfigHome || join(env.home, '.config');
    if (browser === 'chromium') return join(config, 'chromium', 'NativeMessagingHosts');
    if (browser === 'chrome') return join(config, 'google-chrome', 'NativeMessagingHosts');
    return join(env.home, '.mozilla', 'native-messaging-hosts');
  }
  if (env.platform === 'darwin') {
    const support = join(env.home, 'Library', 'Application Support');
    if (browser === 'chromium') return join(support, 'Chromium', 'NativeMessagingHosts');
    if (browser === 'chrome') return join(support, 'Google', 'Chrome', 'NativeMessagingHosts');
    return join(support, 'Mozilla', 'NativeMessagingHosts');
  }
  throw cardError(
    'HOST_INSTALL_UNSUPPORTED',
    `Automatic registration supports Linux and macOS. On ${env.platform}, write the manifest by hand and register it as documented in docs/browser.md.`,
  );
}

/** The manifest JSON for one browser. Chrome lists extension origins, Firefox add-on ids. */
export function hostManifest(
  browser: BrowserName,
  hostPath: string,
  ids: { extensionIds: readonly string[]; firefoxIds: readonly string[] },
): Record<string, unknown> {
  const base = {
    name: HOST_NAME,
    description: 'shomei: the My Number card (JPKI) for web pages',
    path: hostPath,
    type: 'stdio',
  };
  return browser === 'firefox'
    ? { ...base, allowed_extensions: [...ids.firefoxIds] }
    : { ...base, allowed_origins: ids.extensionIds.map((id) => `chrome-extension://${id}/`) };
}

const EXTENSION_ID = /^[a-p]{32}$/;

export interface InstallIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** The running host's script (argv[1]). */
  hostPath: string;
  env?: { home: string; platform: string; xdgConfigHome?: string };
}

const USAGE = `usage: shomei-host install [--browser chromium|chrome|firefox|all]… [--extension-id <id>]…
                           [--firefox-id <id>]… [--host-path <executable>] [--user-data-dir <dir>]
       shomei-host uninstall [--browser …]… [--user-data-dir <dir>]
Writes (or removes) the native-messaging manifest ${HOST_NAME}.json for the current user.
`;

/** Runs `install`/`uninstall`; returns the exit code (0 ok, 2 usage). */
export function runInstallCli(args: string[], io: InstallIo): number {
  if (args[0] === '--help' || args[0] === '-h' || args.includes('--help')) {
    io.out(USAGE);
    return 0;
  }
  try {
    const { values } = parseCommandArgs(
      args.slice(1),
      {
        browser: { type: 'string', multiple: true },
        'extension-id': { type: 'string', multiple: true },
        'firefox-id': { type: 'string', multiple: true },
        'host-path': { type: 'string' },
        'user-data-dir': { type: 'string' },
      },
      'host',
    );
    const requested = values.browser ?? ['all'];
    const browsers = requested.includes('all') ? [...BROWSERS] : requested;
    for (const b of browsers) {
      if (!BROWSERS.includes(b as BrowserName)) throw cardError('USAGE', `Unknown browser "${b}".`);
    }
    const userDataDir = values['user-data-dir'];
    const chosen = (userDataDir && !values.browser ? ['chromium'] : browsers) as BrowserName[];
    const env = io.env ?? {
      home: homedir(),
      platform: platform(),
      ...(process.env.XDG_CONFIG_HOME ? { xdgConfigHome: process.env.XDG_CONFIG_HOME } : {}),
    };
    const extensionIds = values['extension-id'] ?? [EXAMPLE_EXTENSION_ID];
    for (const id of extensionIds) {
      if (!EXTENSION_ID.test(id))
        throw cardError('USAGE', `"${id}" is not a Chromium extension id (32 letters a–p).`);
    }
    const firefoxIds = values['firefox-id'] ?? [EXAMPLE_FIREFOX_ID];
    let hostPath = values['host-path'] ?? io.hostPath;
    if (!isAbsolute(hostPath)) throw cardError('USAGE', '--host-path must be an absolute path.');
    if (!values['host-path']) hostPath = realpathSync(hostPath);
    for (const browser of chosen) {
      const dir = manifestDir(browser, { ...env, ...(userDataDir ? { userDataDir } : {}) });
      const file = join(dir, `${HOST_NAME}.json`);
      if (args[0] === 'uninstall') {
        rmSync(file, { force: true });
        io.out(`${browser}: removed ${file}\n`);
      } else {
        mkdirSync(dir, { recursive: true });
        const manifest = hostManifest(browser, hostPath, { extensionIds, firefoxIds });
        writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
        io.out(`${browser}: wrote ${file}\n`);
      }
    }
    return 0;
  } catch (error) {
    io.err(`shomei-host: ${(error as Error).message}\n`);
    return (error as { code?: string }).code === 'USAGE' ? 2 : 1;
  }
}

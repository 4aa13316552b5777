/** `shomei-sim serve`: inserts a card file's card into pcscd's vpcd reader until SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import { loadCardFile, saveCardFile } from '../card/card-file-io.js';
import { simulatorError } from '../errors.js';
import { parseVpcdAddress, VPCD_BASE_PORT, VpcdBridge } from '../transport/vpcd.js';

export async function runServe(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      card: { type: 'string' },
      vpcd: { type: 'string' },
      'reader-slot': { type: 'string' },
      'reconnect-ms': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const path = values.card ?? positionals[0];
  if (!path || positionals.length > (values.card ? 0 : 1)) {
    throw simulatorError('USAGE', 'serve needs exactly one card file: shomei-sim serve <card-file>.');
  }
  const slotText = values['reader-slot'] ?? '0';
  if (!/^[01]$/.test(slotText)) throw simulatorError('USAGE', '--reader-slot must be 0 or 1.');
  const slot = Number(slotText);
  const address = values.vpcd ? parseVpcdAddress(values.vpcd) : { host: '127.0.0.1', port: VPCD_BASE_PORT };
  // --reader-slot picks the port next to the base: vpcd listens on CHANNELID + slot (spec §13.1).
  const port = address.port + slot;
  const reconnectDelayMs = values['reconnect-ms'] ? Number(values['reconnect-ms']) : 1000;
  if (!Number.isFinite(reconnectDelayMs) || reconnectDelayMs < 1) {
    throw simulatorError('USAGE', '--reconnect-ms must be a positive number.');
  }

  const card = loadCardFile(path);
  const save = () => saveCardFile(path, card, { overwrite: true });
  // Retry counters are non-volatile (spec §4.4): write them back as soon as they change.
  card.onPersistentChange(() => {
    try {
      save();
    } catch (e) {
      process.stderr.write(`shomei-sim: could not save PIN counters: ${(e as Error).message}\n`);
    }
  });
  const log = (line: string) => process.stderr.write(`shomei-sim: ${line}\n`);
  let everConnected = false;
  let toldUnreachable = false;
  const bridge = new VpcdBridge(card, {
    host: address.host,
    port,
    reconnectDelayMs,
    onEvent: (e) => {
      if (e.type === 'connected') {
        everConnected = true;
        toldUnreachable = false;
        log(`card inserted into vpcd ${e.host}:${e.port}`);
      } else if (
        e.type === 'disconnected' &&
        e.reason === 'error' &&
        /ECONNREFUSED|EHOSTUNREACH|ENOENT/.test(e.message ?? '')
      ) {
        // Said once, plainly: nothing listens there, which is a setup problem, not a card problem.
        if (!toldUnreachable) {
          toldUnreachable = true;
          log(
            `cannot reach vpcd at ${address.host}:${port}${everConnected ? ' any more' : ''}: is pcscd running, with vsmartcard-vpcd installed? (` +
              `apt-get install pcscd vsmartcard-vpcd, or --vpcd <host:port>). Retrying every ${reconnectDelayMs} ms; Ctrl-C stops. [VPCD_UNREACHABLE]`,
          );
        }
      } else if (e.type === 'disconnected')
        log(`card removed (${e.reason}${e.message ? `: ${e.message}` : ''})`);
    },
  });
  bridge.start();
  log(`serving ${path} to vpcd ${address.host}:${port}; stop with Ctrl-C`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await bridge.stop();
  save();
  log('stopped; counters saved');
  return 0;
}

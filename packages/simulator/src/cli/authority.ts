/**
 * `shomei-sim authority init|serve`: creates an authority directory with its first operator card, and
 * serves its CRLs, OCSP responder and TSA over HTTP on loopback until SIGINT/SIGTERM.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Authority } from '../authority/authority.js';
import { OperatorCard } from '../authority/operator-card.js';
import { simulatorError } from '../errors.js';
import { readOperatorPin } from './operator-pin.js';

/** Where `authority serve`, `revoke`, `hold`, `release` and `audit verify` look without --dir. */
export const DEFAULT_AUTHORITY_DIR = '.shomei-sim/authority';

export async function runAuthority(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'init':
      return init(rest);
    case 'serve':
      return serve(rest);
    default:
      throw simulatorError('USAGE', 'authority needs a subcommand: init or serve.');
  }
}

const creationOptions = {
  dir: { type: 'string' },
  root: { type: 'boolean', default: false },
  label: { type: 'string' },
  'base-url': { type: 'string' },
} as const;

async function init(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      ...creationOptions,
      'operator-name': { type: 'string' },
      'operator-card': { type: 'string' },
      'pin-stdin': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const cardFile = values['operator-card'];
  if (!cardFile || !values['operator-name']) {
    throw simulatorError(
      'USAGE',
      'authority init needs --operator-name <name> and --operator-card <out-file>.',
    );
  }
  if (existsSync(cardFile))
    throw simulatorError('USAGE', `${cardFile} exists; choose another operator card file.`);
  const dir = values.dir ?? DEFAULT_AUTHORITY_DIR;
  const pin = await readOperatorPin(values['pin-stdin']);
  const operator = OperatorCard.create({ name: values['operator-name'], pin });
  const authority = await Authority.create({
    dir,
    root: values.root,
    ...(values.label !== undefined && { label: values.label }),
    ...(values['base-url'] !== undefined && { baseUrl: values['base-url'] }),
  });
  authority.enrolOperator(operator);
  writeFileSync(cardFile, operator.save(), { mode: 0o600 });
  process.stdout.write(`Created the authority in ${dir}; operator card for ${operator.name} → ${cardFile}\n`);
  return 0;
}

async function serve(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      ...creationOptions,
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-non-loopback': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = values.port === undefined ? 8370 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw simulatorError('USAGE', '--port must be an integer between 0 and 65535.');
  }
  const dir = values.dir ?? DEFAULT_AUTHORITY_DIR;
  const authority = await Authority.openOrCreate({
    dir,
    root: values.root,
    ...(values.label !== undefined && { label: values.label }),
    ...(values['base-url'] !== undefined && { baseUrl: values['base-url'] }),
  });
  const server = await authority.serve({
    port,
    ...(values.host !== undefined && { host: values.host }),
    allowNonLoopback: values['allow-non-loopback'],
  });
  process.stderr.write(
    `shomei-sim: authority ${dir} serving on ${server.url} (CRLs /crl/<ca>[-delta].crl, OCSP /ocsp, TSA /tsa); stop with Ctrl-C\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

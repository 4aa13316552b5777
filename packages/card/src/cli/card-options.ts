/** Options shared by the `shomei card …` commands, and how they open the card. */
import { cardError } from '../errors.js';
import type { JpkiCard } from '../jpki/jpki-card.js';
import { type OpenJpkiCardOptions, openJpkiCard } from '../jpki/open.js';
import type { PcscReaderInfo } from '../transport/pcsc-context.js';
import { listReaders } from '../transport/pcsc-context.js';
import { parseCommandArgs } from './args.js';

export interface CardCliDeps {
  openCard: (options: OpenJpkiCardOptions) => Promise<JpkiCard>;
  listReaders: (options: { signal?: AbortSignal }) => Promise<PcscReaderInfo[]>;
}

export const defaultCardDeps: CardCliDeps = { openCard: openJpkiCard, listReaders };

export interface CardArgs {
  reader: string | undefined;
  json: boolean;
  pinStdin: boolean;
  allowLastAttempt: boolean;
  /** `certs` only. */
  out: string | undefined;
  /** `certs` only: also read the signing certificate. */
  sign: boolean;
}

/** Parses arguments strictly: unknown options (e.g. a `--pin`) and positionals are usage errors. */
export function parseCardArgs(
  args: string[],
  allow: { out?: boolean; sign?: boolean } = {},
  command = 'card',
): CardArgs {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      reader: { type: 'string' },
      json: { type: 'boolean', default: false },
      'pin-stdin': { type: 'boolean', default: false },
      'allow-last-attempt': { type: 'boolean', default: false },
      ...(allow.out ? { out: { type: 'string' } } : {}),
      ...(allow.sign ? { sign: { type: 'boolean', default: false } } : {}),
    },
    command,
  );
  if (positionals.length > 0) {
    throw cardError('USAGE', `Unexpected argument "${positionals[0]}" (see shomei ${command} --help).`);
  }
  const v = values as Record<string, string | boolean | undefined>;
  return {
    reader: v.reader as string | undefined,
    json: v.json === true,
    pinStdin: v['pin-stdin'] === true,
    allowLastAttempt: v['allow-last-attempt'] === true,
    out: v.out as string | undefined,
    sign: v.sign === true,
  };
}

/** Options shared by the `shomei card …` commands, and how they open the card. */
import { parseArgs } from 'node:util';
import { cardError } from '../errors.js';
import type { JpkiCard } from '../jpki/jpki-card.js';
import { type OpenJpkiCardOptions, openJpkiCard } from '../jpki/open.js';
import type { PcscReaderInfo } from '../transport/pcsc-context.js';
import { listReaders } from '../transport/pcsc-context.js';

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
export function parseCardArgs(args: string[], allow: { out?: boolean; sign?: boolean } = {}): CardArgs {
  try {
    const { values } = parseArgs({
      args,
      options: {
        reader: { type: 'string' },
        json: { type: 'boolean', default: false },
        'pin-stdin': { type: 'boolean', default: false },
        'allow-last-attempt': { type: 'boolean', default: false },
        ...(allow.out ? { out: { type: 'string' } } : {}),
        ...(allow.sign ? { sign: { type: 'boolean', default: false } } : {}),
      },
      allowPositionals: false,
      strict: true,
    });
    return {
      reader: values.reader as string | undefined,
      json: values.json === true,
      pinStdin: values['pin-stdin'] === true,
      allowLastAttempt: values['allow-last-attempt'] === true,
      out: values.out as string | undefined,
      sign: values.sign === true,
    };
  } catch (error) {
    throw cardError('USAGE', `${(error as Error).message.split('\n')[0]} (see --help).`, { cause: error });
  }
}

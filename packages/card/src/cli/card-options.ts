/** Options shared by the `shomei card …` commands, and how they open the card. */
import { cardError } from '../errors.js';
import type { JpkiCard } from '../jpki/jpki-card.js';
import { type OpenJpkiCardOptions, openJpkiCard } from '../jpki/open.js';
import type { PcscReaderInfo } from '../transport/pcsc-context.js';
import { listReaders } from '../transport/pcsc-context.js';
import { parseCommandArgs } from './args.js';
import { virtualCardTransport } from './card-file.js';

/** Which card a command uses: a PC/SC reader, or with `--card-file` a virtual card in process. */
export interface CliCardTarget extends OpenJpkiCardOptions {
  cardFile?: string;
}

export interface CardCliDeps {
  openCard: (options: CliCardTarget) => Promise<JpkiCard>;
  listReaders: (options: { signal?: AbortSignal }) => Promise<PcscReaderInfo[]>;
}

async function openCliCard({ cardFile, ...options }: CliCardTarget): Promise<JpkiCard> {
  if (cardFile === undefined) return openJpkiCard(options);
  return openJpkiCard({
    transport: await virtualCardTransport(cardFile),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export const defaultCardDeps: CardCliDeps = { openCard: openCliCard, listReaders };

/** The options that pick the card, from parsed arguments. */
export function cardTarget(
  values: { reader?: string | undefined; cardFile?: string | undefined },
  signal: AbortSignal,
): CliCardTarget {
  if (values.reader !== undefined && values.cardFile !== undefined) {
    throw cardError('USAGE', 'Give either --reader or --card-file, not both.');
  }
  return {
    ...(values.reader !== undefined ? { reader: values.reader } : {}),
    ...(values.cardFile !== undefined ? { cardFile: values.cardFile } : {}),
    signal,
  };
}

export interface CardArgs {
  reader: string | undefined;
  cardFile: string | undefined;
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
      'card-file': { type: 'string' },
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
    cardFile: v['card-file'] as string | undefined,
    json: v.json === true,
    pinStdin: v['pin-stdin'] === true,
    allowLastAttempt: v['allow-last-attempt'] === true,
    out: v.out as string | undefined,
    sign: v.sign === true,
  };
}

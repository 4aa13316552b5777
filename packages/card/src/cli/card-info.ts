import { type CardCliDeps, cardTarget, defaultCardDeps, parseCardArgs } from './card-options.js';
import type { CliCommand } from './command.js';
import { EXIT } from './command.js';
import { printJson, table } from './output.js';

const KIND_LABEL: Record<string, string> = {
  'mynumber-card': 'My Number card (マイナンバーカード)',
  'juki-card': 'Juki card (住基カード)',
  'smartphone-android': 'smartphone JPKI (Android)',
  'smartphone-ios': 'smartphone JPKI (iPhone)',
  unknown: 'unknown JPKI token',
};

export function cardInfoCommand(deps: CardCliDeps = defaultCardDeps): CliCommand {
  return {
    path: ['card', 'info'],
    summary: 'Show the card kind (from the JPKI token), its ATR and the reader.',
    usage: 'shomei card info [--reader <name> | --card-file <card.json>] [--json]',
    async run({ args, io, signal }) {
      const values = parseCardArgs(args, {}, 'card info');
      await using card = await deps.openCard(cardTarget(values, signal));
      const info = await card.info({ signal });
      if (values.json) printJson(io, info);
      else {
        const atr = info.atr
          ? Buffer.from(info.atr)
              .toString('hex')
              .toUpperCase()
              .replace(/(..)(?!$)/g, '$1 ')
          : '-';
        io.stdout.write(
          `${table([
            ['Card', KIND_LABEL[info.kind] ?? info.kind],
            ['Token', info.token],
            ['ATR', atr],
            ['Reader', info.reader],
          ])}\n`,
        );
      }
      return EXIT.ok;
    },
  };
}

import { formatBirthDate } from '@shomei/core';
import { type CardCliDeps, cardTarget, defaultCardDeps, parseCardArgs } from './card-options.js';
import type { CliCommand } from './command.js';
import { EXIT } from './command.js';
import { printJson, table } from './output.js';

const SEX_LABEL = { male: 'male (男)', female: 'female (女)', unspecified: 'not applicable' } as const;

/** The four facts from the card-input-assistance AP. Never the My Number (restricted by law). */
export function cardAttrsCommand(deps: CardCliDeps = defaultCardDeps): CliCommand {
  return {
    path: ['card', 'attrs'],
    summary: 'Read the name, address, birth date and sex (card-input-assistance PIN).',
    usage:
      'shomei card attrs [--reader <name> | --card-file <card.json>] [--pin-stdin] [--allow-last-attempt] [--json]',
    async run({ args, io, signal }) {
      const values = parseCardArgs(args, {}, 'card attrs');
      await using card = await deps.openCard(cardTarget(values, signal));
      const pin = await io.readSecret('Card-input-assistance PIN (4 digits): ', {
        fromStdin: values.pinStdin,
        signal,
      });
      const attributes = await card.readAttributes(pin, {
        signal,
        allowLastAttempt: values.allowLastAttempt,
      });
      if (values.json) printJson(io, attributes);
      else
        io.stdout.write(
          `${table([
            ['Name', attributes.name],
            ['Address', attributes.address],
            ['Birth date', formatBirthDate(attributes.birthDate)],
            ['Sex', SEX_LABEL[attributes.sex]],
          ])}\n`,
        );
      return EXIT.ok;
    },
  };
}

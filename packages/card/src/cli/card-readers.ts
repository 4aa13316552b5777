import { type CardCliDeps, defaultCardDeps, parseCardArgs } from './card-options.js';
import type { CliCommand } from './command.js';
import { EXIT } from './command.js';
import { printJson, table } from './output.js';

export function cardReadersCommand(deps: CardCliDeps = defaultCardDeps): CliCommand {
  return {
    path: ['card', 'readers'],
    summary: 'List the PC/SC readers and whether each holds a card.',
    usage: 'shomei card readers [--json]',
    async run({ args, io, signal }) {
      const values = parseCardArgs(args, {}, 'card readers');
      const readers = await deps.listReaders({ signal });
      if (values.json) {
        printJson(io, {
          readers: readers.map((r) => ({ name: r.name, cardPresent: r.cardPresent, atr: r.atr })),
        });
      } else if (readers.length === 0) {
        io.stdout.write('No card reader found.\n');
      } else {
        io.stdout.write(`${table(readers.map((r) => [r.name, r.cardPresent ? 'card present' : 'empty']))}\n`);
      }
      return EXIT.ok;
    },
  };
}

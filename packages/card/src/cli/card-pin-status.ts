import type { PinState } from '../jpki/card-types.js';
import { type CardCliDeps, cardTarget, defaultCardDeps, parseCardArgs } from './card-options.js';
import type { CliCommand } from './command.js';
import { EXIT } from './command.js';
import { printJson, table } from './output.js';

const describe = (state: PinState | null) => {
  if (state === null) return 'not on this card';
  if (state.blocked) return 'BLOCKED (reset at the municipal office)';
  if (state.remainingAttempts === undefined) return 'unknown';
  const left = state.remainingAttempts;
  return `${left} of ${state.maxAttempts} tries left${left === 1 ? ' — last try!' : ''}`;
};

export function cardPinStatusCommand(deps: CardCliDeps = defaultCardDeps): CliCommand {
  return {
    path: ['card', 'pin-status'],
    summary: 'Show the tries left for each PIN (uses no try).',
    usage: 'shomei card pin-status [--reader <name> | --card-file <card.json>] [--json]',
    async run({ args, io, signal }) {
      const values = parseCardArgs(args, {}, 'card pin-status');
      await using card = await deps.openCard(cardTarget(values, signal));
      const status = await card.pinStatus({ signal });
      if (values.json) printJson(io, status);
      else
        io.stdout.write(
          `${table([
            ['Signature password (署名用)', describe(status.sign)],
            ['Authentication PIN (利用者証明用)', describe(status.auth)],
            ['Card-input-assistance PIN (券面事項入力補助用)', describe(status.assist)],
          ])}\n`,
        );
      return EXIT.ok;
    },
  };
}

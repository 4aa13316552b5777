/** `shomei crl <crl> [--serial <hex>]… [--json]` (design.md §4): CRL facts and serial lookups. */
import { cardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import type { CliCommand } from './command.js';
import { runCrlCommandOnFile } from './crl-report.js';

export function crlCommand(): CliCommand {
  return {
    path: ['crl'],
    summary:
      'Show a CRL (issuer, updates, count) and look up serial numbers: revoked (date, reason) or good.',
    usage: 'shomei crl <crl> [--serial <hex>]… [--json]',
    async run({ args, io }) {
      const parsed = parseCommandArgs(
        args,
        {
          serial: { type: 'string', multiple: true, default: [] },
          json: { type: 'boolean', default: false },
        },
        'crl',
      );
      if (parsed.positionals.length !== 1) throw cardError('USAGE', 'Give exactly one CRL file.');
      const out = runCrlCommandOnFile(parsed.positionals[0]!, parsed.values.serial, parsed.values.json);
      io.stdout.write(out.stdout);
      return out.exitCode;
    },
  };
}

/** `shomei-sim audit verify [--dir]`: checks the authority's hash-chained audit log (exit 0 / 1). */
import { parseArgs } from 'node:util';
import { Authority } from '../authority/authority.js';
import { simulatorError } from '../errors.js';
import { DEFAULT_AUTHORITY_DIR } from './authority.js';

export async function runAudit(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') throw simulatorError('USAGE', 'audit needs a subcommand: verify.');
  const { values } = parseArgs({
    args: [...rest],
    options: { dir: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const result = Authority.open(values.dir ?? DEFAULT_AUTHORITY_DIR).verifyAudit();
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.valid)
    process.stdout.write(`Audit log OK: ${result.entries} entries, head ${result.head}\n`);
  else process.stdout.write(`Audit log INVALID at line ${result.line}: ${result.reason}\n`);
  return result.valid ? 0 : 1;
}

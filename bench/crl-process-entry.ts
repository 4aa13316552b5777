/**
 * Entry of the whole-process `shomei crl` benchmark: `node crl-process.mjs <crl> [--serial <hex>]… [--json]`.
 * It is bundled by bench/crl-index.bench.ts and run as a real process, as the CLI would run it.
 */
import { runCrlCommandOnFile } from '../packages/core/src/node/crl-file.js';

const args = process.argv.slice(2);
const serials: string[] = [];
let file: string | undefined;
let json = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--serial') serials.push(args[++i] ?? '');
  else if (args[i] === '--json') json = true;
  else file = args[i];
}
const out = runCrlCommandOnFile(file ?? '', serials, json);
process.stdout.write(out.stdout);
process.exitCode = out.exitCode;

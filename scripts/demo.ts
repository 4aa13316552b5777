/**
 * `pnpm demo [--pcsc]`: the main job end to end with nothing but Node (see scripts/demo/flow.ts).
 * Exit 0 when every step turned out as expected, 1 otherwise, 2 for a usage error.
 */
import { runDemo } from './demo/flow.js';

const USAGE = `usage: pnpm demo [--pcsc]
  (no option)  the virtual card in memory, the authority on a loopback port
  --pcsc       the same through a real PC/SC reader: the virtual card in pcscd's vpcd reader`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.filter((a) => a !== '--pcsc');
if (unknown.length > 0) {
  console.error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  process.exit(2);
}
const ok = await runDemo({ pcsc: args.includes('--pcsc') });
process.exit(ok ? 0 : 1);

/** `shomei` command-line entry point (bin of @shomei/card). */
import { enterUserDirectory } from './contract.js';
import { nodeIo } from './io.js';
import { runCli } from './router.js';

enterUserDirectory('shomei');
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
runCli(process.argv.slice(2), nodeIo(), { signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`shomei: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

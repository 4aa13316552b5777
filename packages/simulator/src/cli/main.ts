/** `shomei-sim` process entry point (bin of @shomei/simulator); the commands live in run.ts. */
import { reportError, runCli } from './run.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportError(e);
  },
);

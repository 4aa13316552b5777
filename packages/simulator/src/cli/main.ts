/** `shomei-sim` process entry point (bin of @shomei/simulator); the commands live in run.ts. */
import { enterUserDirectory } from '@shomei/card';
import { reportError, runCli } from './run.js';

enterUserDirectory('shomei-sim');

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportError(e);
  },
);

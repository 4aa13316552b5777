/** `shomei-sim` command-line entry point. */
process.stderr.write('shomei-sim: no commands yet\n');
process.exitCode = 2;

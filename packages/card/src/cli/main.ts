/** `shomei` command-line entry point. */
process.stderr.write('shomei: no commands yet\n');
process.exitCode = 2;

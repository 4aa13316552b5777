/**
 * Writes docs/errors.md (see errors-doc.ts). `--check` fails when the file is out of date; CI also
 * checks it in examples/docs-check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ERRORS_DOC, errorTables, readErrorExtra, renderErrorsDoc } from './errors-doc.js';

const md = renderErrorsDoc(errorTables(), readErrorExtra());
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(ERRORS_DOC, 'utf8');
  } catch {
    // missing counts as out of date
  }
  if (current !== md) {
    console.error('docs/errors.md is out of date: run `pnpm docs:errors`.');
    process.exit(1);
  }
} else {
  writeFileSync(ERRORS_DOC, md);
}

/**
 * Writes docs/errors.md from the packages' error tables (the single source of the codes and their
 * default messages). `--check` fails when the file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as card from '../packages/card/src/index.js';
import * as core from '../packages/core/src/index.js';
import * as simulator from '../packages/simulator/src/index.js';

type Table = Record<string, { message: string; docs: string }>;
const tables: Array<[string, Table | undefined]> = [
  ['@shomei/core', core.CORE_ERRORS],
  ['@shomei/card', card.CARD_ERRORS],
  ['@shomei/simulator', (simulator as { SIMULATOR_ERRORS?: Table }).SIMULATOR_ERRORS],
];

let md = `# Error codes\n\nEvery shomei error is a \`ShomeiError\` with a stable \`code\` (branch on it) and a \`message\` for a person.\nUse \`isShomeiError(e)\` from \`@shomei/core\` to recognise them. This page is generated from the error tables\n(\`pnpm docs:errors\`); do not edit it by hand.\n`;
for (const [pkg, table] of tables) {
  if (!table) continue;
  md += `\n## ${pkg}\n\n| code | meaning and what to do |\n|---|---|\n`;
  for (const [code, info] of Object.entries(table)) {
    md += `| <a id="${info.docs}"></a>\`${code}\` | ${info.message.replace(/\|/g, '\\|')} |\n`;
  }
}

const target = new URL('../docs/errors.md', import.meta.url);
if (process.argv.includes('--check')) {
  const current = (() => {
    try {
      return readFileSync(target, 'utf8');
    } catch {
      return '';
    }
  })();
  if (current !== md) {
    console.error('docs/errors.md is out of date: run `pnpm docs:errors`.');
    process.exit(1);
  }
} else {
  writeFileSync(target, md);
}

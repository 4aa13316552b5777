/**
 * Every ```ts block in the Markdown pages under docs/ type-checks against the current sources,
 * so a renamed option or a changed signature breaks CI instead of the guides.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BlockDiagnostic,
  type CodeBlock,
  extractTsBlocks,
  typeCheckBlocks,
} from '../src/code-blocks.js';
import { documentedPages } from '../src/pages.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const pages = documentedPages(ROOT);
const blocks: CodeBlock[] = pages.flatMap((page) =>
  extractTsBlocks(page, readFileSync(join(ROOT, page), 'utf8')),
);

let diagnostics: BlockDiagnostic[];

beforeAll(() => {
  diagnostics = typeCheckBlocks(ROOT, blocks);
}, 120_000);

describe('TypeScript blocks in the documented pages', () => {
  it('finds TypeScript blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  const withBlocks = pages.filter((page) => blocks.some((b) => b.page === page));
  it.each(withBlocks)('%s type-checks', (page) => {
    const errors = diagnostics.filter((d) => d.page === page).map((d) => `${d.page}:${d.line}: ${d.message}`);
    expect(errors).toEqual([]);
  });
});

describe('the checker itself', () => {
  const page = 'example.md';
  const markdown = [
    '# Example',
    '```ts',
    "import { openJpkiCard } from '@shomei/card';",
    'const card = await openJpkiCard();',
    "await card.readCertificate('no-such-kind');",
    '```',
    '```ts no-check',
    'this is not TypeScript',
    '```',
    '```sh',
    'echo not checked',
    '```',
  ].join('\n');

  it('extracts ts blocks with their page line and skips no-check and other languages', () => {
    expect(extractTsBlocks(page, markdown).map((b) => b.line)).toEqual([3]);
  });

  it('reports a wrong API use at its line in the page', () => {
    const found = typeCheckBlocks(ROOT, extractTsBlocks(page, markdown));
    expect(found.map((d) => d.line)).toEqual([5]);
  }, 120_000);
});

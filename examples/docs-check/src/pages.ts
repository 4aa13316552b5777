/**
 * The Markdown pages whose code is checked and run: README.md, DEVELOPERS.md, every page under docs/
 * (the generated API reference excluded) and every examples/<name>/README.md. A page added to one of
 * those places is covered without touching the checks.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Pages under docs/, relative to it. */
export function markdownPages(docs: string): string[] {
  return (readdirSync(docs, { recursive: true }) as string[])
    .map((f) => f.replaceAll('\\', '/'))
    .filter((f) => f.endsWith('.md') && !f.startsWith('api/'))
    .sort();
}

/** Every documented page, relative to the repository root. */
export function documentedPages(root: string): string[] {
  const examples = readdirSync(join(root, 'examples'))
    .map((name) => `examples/${name}/README.md`)
    .filter((page) => existsSync(join(root, page)));
  return [
    'README.md',
    'DEVELOPERS.md',
    ...markdownPages(join(root, 'docs')).map((page) => `docs/${page}`),
    ...examples.sort(),
  ];
}

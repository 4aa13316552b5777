/**
 * Relative links in the documented pages (README.md, DEVELOPERS.md, docs/, examples/<name>/README.md)
 * point at files that exist inside the repository, and `#anchors` at headings or explicit anchors
 * that exist, so renaming a heading or an error code leaves no dead link.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { documentedPages } from '../src/pages.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const pages = documentedPages(ROOT);

/** GitHub's heading slug, for the plain headings these pages use. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const anchors = new Set<string>();
  for (const m of text.matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(m[1]!);
  for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) anchors.add(slug(m[1]!));
  return anchors;
}

function deadLinks(page: string): string[] {
  const file = join(ROOT, page);
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const dead: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (/^[a-z]+:/.test(target)) continue; // http:, https:, mailto:
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const resolved = path === '' ? file : resolve(dirname(file), path);
    if (relative(ROOT, resolved).startsWith('..')) dead.push(`${target} (outside the repository)`);
    else if (!existsSync(resolved)) dead.push(target);
    else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) dead.push(target);
  }
  return dead;
}

describe('links in the documented pages', () => {
  it.each(pages)('%s has no dead relative links', (page) => {
    expect(deadLinks(page)).toEqual([]);
  });
});

/** The Markdown pages under docs/, as paths relative to it (the generated API reference excluded). */
import { readdirSync } from 'node:fs';

export function markdownPages(docs: string): string[] {
  return (readdirSync(docs, { recursive: true }) as string[])
    .map((f) => f.replaceAll('\\', '/'))
    .filter((f) => f.endsWith('.md') && !f.startsWith('api/'))
    .sort();
}

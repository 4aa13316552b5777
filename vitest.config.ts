import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

// Tests run against the sources (no build first): each package name resolves to its src/.
const alias = {
  '@shomei/core/node': src('core/src/node.ts'),
  '@shomei/core': src('core/src/index.ts'),
  '@shomei/card': src('card/src/index.ts'),
  '@shomei/simulator': src('simulator/src/index.ts'),
};

const project = (name: string, extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: {
    name,
    include: [`packages/${name}/{src,test}/**/*.test.ts`],
    exclude: ['**/*.pcsc.test.ts', '**/node_modules/**'],
    testTimeout: 30_000,
    ...extra,
  },
});

export default defineConfig({
  test: {
    projects: [
      project('core'),
      project('card'),
      project('simulator'),
      {
        resolve: { alias },
        test: {
          name: 'examples',
          include: ['examples/*/test/**/*.test.ts'],
          exclude: ['**/*.pcsc.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});

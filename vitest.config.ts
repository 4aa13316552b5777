import { defineConfig } from 'vitest/config';
import { alias } from './vitest.shared.js';

// Unit and in-process integration tests. Real-PC/SC tests (*.pcsc.test.ts) run through
// vitest.pcsc.config.ts inside scripts/with-pcsc.sh.
const project = (name: string, include: string[]) => ({
  resolve: { alias },
  test: {
    name,
    include,
    exclude: ['**/*.pcsc.test.ts', '**/node_modules/**'],
    testTimeout: 30_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      project('core', ['packages/core/{src,test}/**/*.test.ts']),
      project('card', ['packages/card/{src,test}/**/*.test.ts']),
      project('simulator', ['packages/simulator/{src,test}/**/*.test.ts']),
      project('examples', ['examples/*/test/**/*.test.ts']),
      project('scripts', ['scripts/**/*.test.ts']),
    ],
  },
});

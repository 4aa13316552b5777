import { defineConfig } from 'vitest/config';
import { alias } from './vitest.shared.js';

// The real-PC/SC suite: *.pcsc.test.ts files, run by scripts/with-pcsc.sh inside a private namespace
// with its own pcscd + vpcd (design.md §6). Files run one after another: they share the two readers.
export default defineConfig({
  resolve: { alias },
  test: {
    include: [
      'packages/*/{src,test}/**/*.pcsc.test.ts',
      'examples/*/test/**/*.pcsc.test.ts',
      'scripts/**/*.pcsc.test.ts',
    ],
    fileParallelism: false,
    setupFiles: ['scripts/pcsc/empty-readers.setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

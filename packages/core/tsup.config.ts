import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', der: 'src/der.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  // One copy of shared modules for both entries: module state (signature backend, key and path
  // caches) must be the same whether a user imports '@shomei/core' or '@shomei/core/node'.
  splitting: true,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
});

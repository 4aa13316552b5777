import { defineConfig } from 'tsup';

/**
 * tsup config of a Node package with a library entry and a CLI entry (card, simulator); `entries`
 * adds sub-path entries built like the library one.
 */
export const nodePackageConfig = (entries: Record<string, string> = {}) =>
  defineConfig([
    {
      entry: { index: 'src/index.ts', ...entries },
      format: ['esm', 'cjs'],
      dts: true,
      clean: true,
      sourcemap: true,
      target: 'node20',
      platform: 'node',
      splitting: false,
      tsconfig: 'tsconfig.build.json',
    },
    {
      entry: { cli: 'src/cli/main.ts' },
      format: ['esm'],
      dts: false,
      sourcemap: true,
      target: 'node20',
      platform: 'node',
      splitting: false,
      banner: { js: '#!/usr/bin/env node' },
      tsconfig: 'tsconfig.build.json',
    },
  ]);

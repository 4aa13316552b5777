import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

/** Each package name resolves to its sources, so tests need no build first. */
export const alias = {
  '@shomei/core/node': src('core/src/node.ts'),
  '@shomei/core/der': src('core/src/der.ts'),
  '@shomei/core': src('core/src/index.ts'),
  '@shomei/card': src('card/src/index.ts'),
  '@shomei/simulator/testing': src('simulator/src/testing/index.ts'),
  '@shomei/simulator': src('simulator/src/index.ts'),
};

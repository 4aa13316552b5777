// @ts-check
/**
 * typedoc plugin: names each API module after the package entry point it documents
 * (`@shomei/core`, `@shomei/core/node`, …) instead of its source folder (`core/src`), without
 * touching the packages' sources.
 */
import { Converter, ReflectionKind } from 'typedoc';

/** Source-folder module names → the import specifiers users write. */
const NAMES = {
  'core/src': '@shomei/core',
  'core/src/node': '@shomei/core/node',
  'core/src/der': '@shomei/core/der',
  'card/src': '@shomei/card',
  'simulator/src': '@shomei/simulator',
  'simulator/src/testing': '@shomei/simulator/testing',
};

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const name = NAMES[/** @type {keyof typeof NAMES} */ (module.name)];
      if (name) module.name = name;
    }
  });
}

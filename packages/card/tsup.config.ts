import type { Options } from 'tsup';
import { nodePackageConfig } from '../../tsup.node.js';

// pcsclite is an optional native addon, loaded lazily at run time (transport/pcsc-context.ts): never
// bundle it (tsup externalizes dependencies, not optionalDependencies, and `bindings` must find the
// addon's own build directory). @shomei/simulator is loaded only for --card-file (cli/card-file.ts).
export default (nodePackageConfig() as Options[]).map((config) => ({
  ...config,
  external: [...(config.external ?? []), 'pcsclite', '@shomei/simulator'],
}));

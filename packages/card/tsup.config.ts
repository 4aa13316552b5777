import type { Options } from 'tsup';
import { nodePackageConfig } from '../../tsup.node.js';

// pcsclite is an optional native addon, loaded lazily at run time (transport/pcsc-context.ts): never
// bundle it (tsup externalizes dependencies, not optionalDependencies, and `bindings` must find the
// addon's own build directory). @shomei/simulator is loaded only for --card-file (cli/card-file.ts).
const configs = nodePackageConfig() as Options[];
// The native-messaging host is a second executable, built like the CLI.
const cli = configs.find((c) => typeof c.entry === 'object' && 'cli' in (c.entry as object));
if (cli) configs.push({ ...cli, entry: { host: 'src/host/main.ts' } });
export default configs.map((config) => ({
  ...config,
  external: [...(config.external ?? []), 'pcsclite', '@shomei/simulator'],
}));

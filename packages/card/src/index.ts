/** @shomei/card — the wire to the card: ISO 7816-4 APDUs, transports (PC/SC), and the JPKI card API. */
export * from './apdu/index.js';
// The command-line contract shared by the `shomei` and `shomei-sim` routers (docs/cli.md).
export {
  type CliErrorDocument,
  didYouMean,
  enterUserDirectory,
  errorDocument,
  optionsOfUsage,
  packageVersion,
  parseArgsMessage,
  suggestion,
  wantsHelp,
  wantsJson,
} from './cli/contract.js';
export * from './errors.js';
export * from './host/index.js';
export * from './iso7816/index.js';
export * from './jpki/index.js';
export * from './transport/card-access.js';
export * from './transport/operation-queue.js';
export {
  listReaders,
  PcscContext,
  type PcscContextOptions,
  type PcscEvent,
  type PcscReaderInfo,
  watchReaders,
} from './transport/pcsc-context.js';
export { PcscTransport, type PcscTransportOptions } from './transport/pcsc-transport.js';
export * from './transport/transport.js';

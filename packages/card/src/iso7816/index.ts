export * from './channel.js';
export * from './commands.js';
export * from './trace.js';

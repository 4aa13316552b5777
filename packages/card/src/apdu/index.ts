export * from './command.js';
export * from './response.js';
export * from './status-words.js';

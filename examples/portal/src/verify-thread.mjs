// The verification thread's entry. The example runs from its TypeScript sources, and a worker thread
// does not inherit the process's tsx loader, so the thread registers it before loading its module.
import { register } from 'tsx/esm/api';

register({
  tsconfig: process.env.TSX_TSCONFIG_PATH ?? new URL('../../../tsconfig.json', import.meta.url).pathname,
});
await import('./verify-thread.ts');

export * from './certificate.js';
export {
  type ContextSlot,
  defaultContext,
  ShomeiContext,
  type ShomeiContextOptions,
} from './context.js';
export { type BackendScheme, type SignatureBackend, webCryptoBackend } from './crypto-backend.js';
export * from './extensions.js';
export * from './general-name.js';
export * from './name.js';
export * from './oids.js';
export * from './verify.js';

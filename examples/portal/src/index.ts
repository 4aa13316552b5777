/** The e-government upload portal example: configuration, the web and worker processes, the page. */
export {
  ConfigError,
  DEFAULT_MAX_UPLOAD_BYTES,
  loadConfig,
  type PortalConfig,
  portalConfig,
} from './config.js';
export { FORMATS, type Format, formatOf, type Upload, type VerifyContext } from './formats.js';
export { escapeHtml, type PageResult, renderPage } from './page.js';
export { PortalProblem, type ProblemCode } from './problem.js';
export { ApplicationStore } from './store.js';
export { startWeb } from './web.js';
export { type PortalWorker, startWorker } from './worker.js';

/** The e-government upload portal example: configuration, server, and the verification it runs. */
export { DEFAULT_MAX_UPLOAD_BYTES, loadConfig, type PortalConfig, portalConfig } from './config.js';
export { type FormPart, parseMultipart } from './multipart.js';
export { escapeHtml, type PageResult, renderPage } from './page.js';
export { PortalProblem, type ProblemCode } from './problem.js';
export { createPortalServer } from './server.js';
export { type Upload, verifyUpload } from './verify-upload.js';

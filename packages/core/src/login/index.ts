export { fromBase64Url, toBase64Url } from './base64url.js';
export {
  type CreateLoginChallengeOptions,
  createLoginChallenge,
  LOGIN_NONCE_BYTES,
  type LoginChallenge,
} from './challenge.js';
export * from './token.js';
export * from './verify.js';

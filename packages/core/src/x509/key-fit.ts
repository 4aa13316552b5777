import { hasErrorCode } from '../errors.js';

/**
 * For a caller asking "was this signed by that key?": a key or signature algorithm that does not fit
 * (`SIGNATURE_ALGORITHM_UNSUPPORTED`) or that the policy refuses (`SIGNATURE_ALGORITHM_WEAK`) answers
 * "no" and returns false. Anything else (an abort, a missing crypto backend, a bug) is no answer
 * about the signature and is rethrown, so that it is not reported as an invalid signature.
 */
export function notSignedByKey(error: unknown): false {
  if (
    hasErrorCode(error, 'SIGNATURE_ALGORITHM_UNSUPPORTED') ||
    hasErrorCode(error, 'SIGNATURE_ALGORITHM_WEAK')
  )
    return false;
  throw error;
}

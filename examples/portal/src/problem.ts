/**
 * What the portal tells a citizen when an upload cannot be verified at all: a sentence and a stable
 * code (listed in the README), and the HTTP status. Verification results are reports, not problems.
 */
export type ProblemCode =
  | 'UPLOAD_TOO_LARGE'
  | 'UPLOAD_MALFORMED'
  | 'UPLOAD_NO_SIGNATURE'
  | 'UPLOAD_NOT_CMS'
  | 'UPLOAD_UNSUPPORTED_TYPE'
  | 'APPLICATION_NOT_FOUND'
  | 'SERVICE_UNAVAILABLE'
  | 'VERIFY_FAILED';

const STATUS: Readonly<Record<ProblemCode, number>> = {
  UPLOAD_TOO_LARGE: 413,
  UPLOAD_MALFORMED: 400,
  UPLOAD_NO_SIGNATURE: 400,
  UPLOAD_NOT_CMS: 422,
  UPLOAD_UNSUPPORTED_TYPE: 415,
  APPLICATION_NOT_FOUND: 404,
  SERVICE_UNAVAILABLE: 503,
  VERIFY_FAILED: 500,
};

export class PortalProblem extends Error {
  readonly code: ProblemCode;
  readonly status: number;

  constructor(code: ProblemCode, sentence: string, options?: { cause?: unknown }) {
    super(sentence, options);
    this.name = 'PortalProblem';
    this.code = code;
    this.status = STATUS[code];
  }
}

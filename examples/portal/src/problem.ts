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
  | 'UPLOAD_UNEXPECTED_DOCUMENT'
  | 'UPLOAD_ZIP_MALFORMED'
  | 'UPLOAD_ZIP_TOO_MANY_ENTRIES'
  | 'UPLOAD_ZIP_TOO_LARGE'
  | 'UPLOAD_ZIP_UNSAFE_NAME'
  | 'APPLICATION_NOT_FOUND'
  | 'SERVICE_UNAVAILABLE'
  | 'VERIFY_FAILED';

const STATUS: Readonly<Record<ProblemCode, number>> = {
  UPLOAD_TOO_LARGE: 413,
  UPLOAD_MALFORMED: 400,
  UPLOAD_NO_SIGNATURE: 400,
  UPLOAD_NOT_CMS: 422,
  UPLOAD_UNSUPPORTED_TYPE: 415,
  UPLOAD_UNEXPECTED_DOCUMENT: 400,
  UPLOAD_ZIP_MALFORMED: 422,
  UPLOAD_ZIP_TOO_MANY_ENTRIES: 422,
  UPLOAD_ZIP_TOO_LARGE: 413,
  UPLOAD_ZIP_UNSAFE_NAME: 422,
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

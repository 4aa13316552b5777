/**
 * A small, bounded multipart/form-data reader (RFC 7578) for the portal's two file inputs. It works
 * on a body already read in full under the upload limit, so its cost is bounded by that limit; it
 * accepts at most `maxParts` parts and reads only the headers it needs (Content-Disposition name
 * and filename). Anything else it cannot make sense of is UPLOAD_MALFORMED.
 */
import { PortalProblem } from './problem.js';

export interface FormPart {
  /** The form field's name. */
  readonly name: string;
  /** The uploaded file's name, when the part is a file. */
  readonly filename?: string;
  readonly data: Uint8Array;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');

/** RFC 2046 §5.1.1: the boundary is 1–70 characters. */
export function boundaryOf(contentType: string | undefined): string {
  const m = /^multipart\/form-data\s*;.*?boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) {
    throw new PortalProblem(
      'UPLOAD_MALFORMED',
      'The upload is not a multipart/form-data form with a boundary.',
    );
  }
  return boundary;
}

export function parseMultipart(body: Uint8Array, contentType: string | undefined, maxParts = 4): FormPart[] {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const parts: FormPart[] = [];
  let at = buffer.indexOf(delimiter);
  if (at < 0) throw malformed('no part starts with the boundary');
  for (;;) {
    at += delimiter.length;
    // "--" after a delimiter closes the body (RFC 2046 §5.1.1).
    if (buffer[at] === 0x2d && buffer[at + 1] === 0x2d) return parts;
    if (buffer[at] !== 0x0d || buffer[at + 1] !== 0x0a)
      throw malformed('a boundary line does not end in CRLF');
    const headerEnd = buffer.indexOf(CRLF_CRLF, at);
    if (headerEnd < 0) throw malformed('a part has no end of headers');
    const next = buffer.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd);
    if (next < 0) throw malformed('the body has no closing boundary');
    if (parts.length === maxParts) throw malformed(`more than ${maxParts} parts`);
    const headers = buffer.subarray(at + 2, headerEnd).toString('utf8');
    parts.push({ ...dispositionOf(headers), data: new Uint8Array(buffer.subarray(headerEnd + 4, next)) });
    at = next + 2;
  }
}

function dispositionOf(headers: string): { name: string; filename?: string } {
  const line = headers.split('\r\n').find((h) => /^content-disposition\s*:/i.test(h));
  const name = line && /;\s*name="([^"]*)"/i.exec(line)?.[1];
  if (!line || name === undefined || name === null) throw malformed('a part has no Content-Disposition name');
  const filename = /;\s*filename="([^"]*)"/i.exec(line)?.[1];
  return filename === undefined ? { name } : { name, filename };
}

const malformed = (why: string) =>
  new PortalProblem(
    'UPLOAD_MALFORMED',
    `The upload could not be read as a form (${why}). Please send it again.`,
  );

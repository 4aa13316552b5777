/**
 * The portal's view of an uploaded e-Gov application zip: core's hostile-zip reader (`readEgovZip`,
 * limits checked on the central directory before a byte is inflated) with the portal's limits, its
 * refusals turned into the portal's problem codes (`EGOV_ZIP_X` → `UPLOAD_ZIP_X`).
 */
import { isShomeiError, looksLikeZip, readEgovZip } from '@shomei/core';

export { looksLikeZip };

export interface ZipLimits {
  /** Most entries (files and folders) the archive may list. */
  readonly maxEntries: number;
  /** Most bytes all files together may inflate to. */
  readonly maxUnzippedBytes: number;
}

export type ZipProblemCode =
  | 'UPLOAD_ZIP_MALFORMED'
  | 'UPLOAD_ZIP_TOO_MANY_ENTRIES'
  | 'UPLOAD_ZIP_TOO_LARGE'
  | 'UPLOAD_ZIP_UNSAFE_NAME';

export class ZipRefused extends Error {
  override readonly name = 'ZipRefused';
  constructor(
    readonly code: ZipProblemCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads the archive's files (folders are left out) within `limits`; throws ZipRefused with the
 * problem code otherwise. With `inflate: false` only the central directory is checked (the web
 * process does this before storing the upload; the worker inflates).
 */
export function readZip(
  bytes: Uint8Array,
  limits: ZipLimits,
  options: { inflate?: boolean } = {},
): Map<string, Uint8Array> {
  try {
    return readEgovZip(bytes, limits, options);
  } catch (e) {
    if (isShomeiError(e) && e.code.startsWith('EGOV_ZIP_')) {
      throw new ZipRefused(`UPLOAD_${e.code.slice('EGOV_'.length)}` as ZipProblemCode, e.message);
    }
    throw e;
  }
}

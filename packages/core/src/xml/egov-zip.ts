/**
 * An e-Gov application travels as a zip of its folder (kousei.xml and the files it lists, possibly
 * inside one top folder). A zip is hostile until read: its central directory may claim thousands of
 * entries, a few kilobytes may inflate to gigabytes (a zip bomb), and its names may climb out of the
 * folder (`../`, `/etc/…`, `C:\…`). The limits are checked on the central directory before a byte is
 * inflated, and each entry is inflated into a buffer of its declared size, so memory never exceeds
 * the declared total. An entry that inflates to less is refused as malformed; one whose data runs
 * past its declared size is cut there (and then fails its reference digest), the extra inflation
 * costing CPU only — bounded by the archive size times deflate's maximum ratio (about 1032:1,
 * RFC 1951). Browser-safe (fflate is plain JavaScript).
 */
import { unzipSync } from 'fflate';
import { coreError, isShomeiError } from '../errors.js';

export interface EgovZipLimits {
  /** Most entries (files and folders) the archive may list. Default 100. */
  readonly maxEntries?: number;
  /** Most bytes all files together may inflate to. Default 16 MiB. */
  readonly maxUnzippedBytes?: number;
}

export const EGOV_ZIP_DEFAULT_LIMITS: Required<EgovZipLimits> = Object.freeze({
  maxEntries: 100,
  maxUnzippedBytes: 16 * 1024 * 1024,
});

/** A local file header (PK\3\4) or an empty archive's end record (PK\5\6). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return (
    bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && bytes[3] === bytes[2] + 1
  );
}

/**
 * A plain relative name: at most one folder level (the application's folder), no empty, `.` or `..`
 * segment, no backslash, drive letter, control character or absolute path.
 */
function safeName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\\:\u0000-\u001f\u007f]/.test(name) || name.startsWith('/')) return false;
  const segments = name.replace(/\/$/, '').split('/');
  return segments.length <= 2 && segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Reads a zipped e-Gov application's files (folders are left out) within `limits`, as the name →
 * bytes map `verifyEgovApplication` takes. Throws EGOV_ZIP_TOO_MANY_ENTRIES, EGOV_ZIP_TOO_LARGE,
 * EGOV_ZIP_UNSAFE_NAME or EGOV_ZIP_MALFORMED. With `inflate: false` only the central directory is
 * checked (a portal does this before storing an upload) and the map is empty.
 */
export function readEgovZip(
  bytes: Uint8Array,
  limits: EgovZipLimits = {},
  options: { inflate?: boolean } = {},
): Map<string, Uint8Array> {
  const maxEntries = limits.maxEntries ?? EGOV_ZIP_DEFAULT_LIMITS.maxEntries;
  const maxBytes = limits.maxUnzippedBytes ?? EGOV_ZIP_DEFAULT_LIMITS.maxUnzippedBytes;
  const declared = new Map<string, number>();
  let entries = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(entry) {
        entries++;
        if (entries > maxEntries) {
          throw coreError(
            'EGOV_ZIP_TOO_MANY_ENTRIES',
            `The zip has more than ${maxEntries} entries. Zip only the application's folder.`,
          );
        }
        if (!safeName(entry.name)) {
          throw coreError(
            'EGOV_ZIP_UNSAFE_NAME',
            `The zip holds an entry named "${entry.name.slice(0, 80)}", which is not a plain file name in the application's folder. Zip only the application's folder.`,
          );
        }
        if (entry.name.endsWith('/')) return false;
        if (declared.has(entry.name)) {
          throw coreError('EGOV_ZIP_MALFORMED', `The zip holds "${entry.name}" twice.`);
        }
        total += entry.originalSize;
        if (total > maxBytes) {
          throw coreError(
            'EGOV_ZIP_TOO_LARGE',
            `The files in the zip come to more than ${maxBytes} bytes unzipped. Send a smaller application.`,
          );
        }
        declared.set(entry.name, entry.originalSize);
        return options.inflate !== false;
      },
    });
  } catch (e) {
    if (isShomeiError(e) && e.code.startsWith('EGOV_ZIP_')) throw e;
    throw coreError(
      'EGOV_ZIP_MALFORMED',
      `The zip cannot be read (${e instanceof Error ? e.message : String(e)}). Zip the application's folder again.`,
      { cause: e },
    );
  }
  const out = new Map<string, Uint8Array>();
  if (options.inflate === false) return out;
  for (const [name, data] of Object.entries(files)) {
    if (data.length !== declared.get(name)) {
      throw coreError(
        'EGOV_ZIP_MALFORMED',
        `The zip entry "${name}" does not inflate to the size its directory declares.`,
      );
    }
    out.set(name, data);
  }
  return out;
}

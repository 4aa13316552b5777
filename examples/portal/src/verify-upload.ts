/**
 * One upload's verification: content checks first (is this a CMS signature at all?), then core's
 * verifyCms against the configured anchors, CRLs and OCSP. Nothing is written anywhere unless the
 * configuration names a directory to keep uploads in.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ValidationReport } from '@shomei/core';
import { verifyCms } from '@shomei/core/node';
import type { PortalConfig } from './config.js';
import { PortalProblem } from './problem.js';

export interface Upload {
  /** The `.p7s`: attached (the document inside), or detached with `document` beside it. */
  readonly signature: Uint8Array;
  readonly document?: Uint8Array;
}

const PEM_START = new TextEncoder().encode('-----BEGIN');

/** DER SignedData starts with a SEQUENCE (0x30); a PEM file with "-----BEGIN". Nothing else is CMS. */
function looksLikeCms(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x30) return true;
  const start = bytes.subarray(0, 64);
  const text = new TextDecoder().decode(start).trimStart();
  return text.startsWith(new TextDecoder().decode(PEM_START));
}

export async function verifyUpload(config: PortalConfig, upload: Upload): Promise<ValidationReport> {
  if (upload.signature.length === 0) {
    throw new PortalProblem(
      'UPLOAD_NO_SIGNATURE',
      'No signature file was uploaded. Choose the .p7s file and send again.',
    );
  }
  if (!looksLikeCms(upload.signature)) {
    throw new PortalProblem(
      'UPLOAD_NOT_CMS',
      'The signature file is not a CMS signature (.p7s): it is neither DER nor PEM. Upload the .p7s your signing software produced.',
    );
  }
  if (config.keepUploadsDir) await keep(config.keepUploadsDir, upload);
  try {
    return await verifyCms(upload.signature, {
      ...(upload.document ? { content: upload.document } : {}),
      trustAnchors: config.trustAnchors,
      intermediates: config.intermediates,
      crls: config.crls,
      revocation: { mode: config.revocation, fetch: config.fetchRevocation },
    });
  } catch (error) {
    throw new PortalProblem(
      'VERIFY_FAILED',
      'The signature could not be verified because of an error on our side.',
      {
        cause: error,
      },
    );
  }
}

async function keep(dir: string, upload: Upload): Promise<void> {
  await mkdir(dir, { recursive: true });
  const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}`;
  await writeFile(join(dir, `${id}.p7s`), upload.signature);
  if (upload.document) await writeFile(join(dir, `${id}.document`), upload.document);
}

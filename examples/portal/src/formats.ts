/**
 * What the portal can verify, as a table: each format says how to recognise an upload (cheaply, in
 * the web process, before anything is stored) and how to verify it (in a worker's verification
 * thread). A new format — e-Gov XML, PDF, long-term evidence — is one more entry.
 */
import type { CrlIndex, RevocationMode, ValidationReport } from '@shomei/core';
import { verifyCms } from '@shomei/core/node';

export interface Upload {
  /** The signed file: a `.p7s` (attached, or detached with `document` beside it). */
  readonly signature: Uint8Array;
  readonly document?: Uint8Array | undefined;
}

/** What every verification is given: the relying party's trust settings, held by the thread. */
export interface VerifyContext {
  readonly trustAnchors: readonly Uint8Array[];
  readonly intermediates: readonly Uint8Array[];
  readonly crls: readonly CrlIndex[];
  readonly revocation: RevocationMode;
  readonly fetchRevocation: boolean;
  readonly signal?: AbortSignal;
}

export interface VerifiedUpload {
  readonly report: ValidationReport;
  /** Long-term evidence to keep with an accepted application (an augmented file), when the format makes one. */
  readonly evidence?: Uint8Array;
}

export interface Format {
  readonly name: string;
  /** Whether the upload is of this format: a cheap look at its first bytes, no parsing. */
  detect(upload: Upload): boolean;
  verify(upload: Upload, ctx: VerifyContext): Promise<VerifiedUpload>;
}

const PEM_BEGIN = '-----BEGIN';

/** DER SignedData starts with a SEQUENCE (0x30); a PEM file with "-----BEGIN". Nothing else is CMS. */
function looksLikeCms(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x30) return true;
  return new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith(PEM_BEGIN);
}

const cms: Format = {
  name: 'cms',
  detect: (u) => looksLikeCms(u.signature),
  async verify(u, ctx) {
    const report = await verifyCms(u.signature, {
      // The uploaded document is always given as `content`: a signature is judged against the file
      // the citizen presented with it, never against whatever it happens to carry.
      ...(u.document ? { content: u.document } : {}),
      trustAnchors: ctx.trustAnchors,
      intermediates: ctx.intermediates,
      crls: ctx.crls,
      revocation: { mode: ctx.revocation, fetch: ctx.fetchRevocation },
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    return { report };
  },
};

/** Tried in order; the first whose `detect` accepts the upload verifies it. */
export const FORMATS: readonly Format[] = [cms];

export function formatOf(upload: Upload): Format | undefined {
  return FORMATS.find((f) => f.detect(upload));
}

export function formatNamed(name: string): Format | undefined {
  return FORMATS.find((f) => f.name === name);
}

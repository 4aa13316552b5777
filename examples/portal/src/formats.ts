/**
 * What the portal can verify, as a table: each format says how to recognise an upload (cheaply, in
 * the web process, before anything is stored), what to refuse before storing it, and how to verify
 * it (in a worker's verification thread). A new format is one more entry.
 */
import {
  type AugmentCmsOptions,
  type AugmentEgovOptions,
  augmentCms,
  augmentEgovApplication,
  type CrlIndex,
  type EgovValidationReport,
  httpRevocationSource,
  isShomeiError,
  type PdfReport,
  type PdfSignatureFacts,
  type RevocationFetchCache,
  type RevocationMode,
  type SignerReport,
  tsaTimestamp,
  type ValidationReport,
  verifyEgovApplication,
  type XmlReferenceReport,
} from '@shomei/core';
import { verifyCms, verifyPdf } from '@shomei/core/node';
import { looksLikeZip, readZip, type ZipLimits, ZipRefused } from './egov-zip.js';

export interface Upload {
  /** The uploaded file: a `.p7s` (attached, or detached with `document` beside it), a PDF, or a zip. */
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
  /**
   * The thread's own cache of fetched OCSP answers and CRLs (each kept until its nextUpdate); without
   * it core's default cache of the thread is used.
   */
  readonly fetchCache?: RevocationFetchCache;
  /** RFC 3161 time-stamping authority for the long-term evidence (B-LTA); without it B-LT only. */
  readonly tsaUrl?: string | undefined;
  readonly zip: ZipLimits;
  readonly signal?: AbortSignal;
}

/** What the portal kept as long-term evidence for an accepted application, or why it kept none. */
export interface EvidenceSummary {
  /** `LT` or `LTA` when the augmented file is stored; absent when none is. */
  readonly level?: 'LT' | 'LTA';
  /** Certificates for which no fresh revocation data was found (the file then falls short of B-LT for them). */
  readonly missing?: readonly string[];
  readonly reason?: string;
}

/** One PDF signature as the portal shows it: its verdict and signer, and the PDF facts. */
export interface PortalPdfSignature extends SignerReport {
  readonly pdf: PdfSignatureFacts;
}

/**
 * The report the portal stores and shows: core's report of the signer that decided the verdict, and
 * per format what else a clerk must see — for a PDF every signature and the changes after it, for an
 * e-Gov application what each reference covered and which files nothing signed.
 */
export interface PortalReport extends ValidationReport {
  readonly format?: string;
  readonly pdf?: { readonly revisions: number; readonly signatures: readonly PortalPdfSignature[] };
  readonly xml?: {
    readonly format: string;
    readonly references: readonly XmlReferenceReport[];
    readonly listedFiles?: readonly string[];
    readonly unsignedFiles?: readonly string[];
  };
  readonly evidence?: EvidenceSummary;
}

export interface VerifiedUpload {
  readonly report: PortalReport;
  /** Long-term evidence to keep with an accepted application (an augmented file), when the format makes one. */
  readonly evidence?: Uint8Array;
  /**
   * Making the evidence failed for a reason that may pass (the TSA or a responder unreachable): the
   * worker retries the job, and on its last attempt records the verdict without evidence.
   */
  readonly evidenceRetry?: string;
}

/** Thrown by `inspect`: the upload is refused before it is stored, with a problem code. */
export class UploadRefused extends Error {
  override readonly name = 'UploadRefused';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Format {
  readonly name: string;
  /** Whether the upload is of this format: a cheap look at its first bytes, no parsing. */
  detect(upload: Upload): boolean;
  /** Refuses, before it is stored, an upload this format can never verify (throws UploadRefused). */
  inspect?(upload: Upload, limits: ZipLimits): void;
  verify(upload: Upload, ctx: VerifyContext): Promise<VerifiedUpload>;
}

const PEM_BEGIN = '-----BEGIN';

/** DER SignedData starts with a SEQUENCE (0x30); a PEM file with "-----BEGIN". Nothing else is CMS. */
function looksLikeCms(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x30) return true;
  return new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith(PEM_BEGIN);
}

/** ISO 32000-1 §7.5.2: the header `%PDF-` (readers accept it within the first 1024 bytes). */
function looksLikePdf(bytes: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(bytes.subarray(0, 1024)).includes('%PDF-');
}

const noDocument = (what: string) => (u: Upload) => {
  if (u.document) {
    throw new UploadRefused(
      'UPLOAD_UNEXPECTED_DOCUMENT',
      `${what} carries what it signs: send it alone, without a separate document.`,
    );
  }
};

/** The revocation options every format passes to core. */
function revocationOptions(ctx: VerifyContext) {
  return {
    mode: ctx.revocation,
    fetch: ctx.fetchRevocation,
    ...(ctx.fetchCache ? { fetchCache: ctx.fetchCache } : {}),
  };
}

/** The path options every format passes to core. */
function trust(ctx: VerifyContext) {
  return {
    trustAnchors: ctx.trustAnchors,
    intermediates: ctx.intermediates,
    crls: ctx.crls,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}

const cms: Format = {
  name: 'cms',
  detect: (u) => looksLikeCms(u.signature),
  async verify(u, ctx) {
    const report = await verifyCms(u.signature, {
      // The uploaded document is always given as `content`: a signature is judged against the file
      // the citizen presented with it, never against whatever it happens to carry.
      ...(u.document ? { content: u.document } : {}),
      ...trust(ctx),
      revocation: revocationOptions(ctx),
    });
    if (report.verdict !== 'valid') return { report: { ...report, format: 'cms' } };
    return withEvidence({ ...report, format: 'cms' }, ctx, (sources) =>
      augmentCms(u.signature, { ...sources, ...(u.document ? { content: u.document } : {}) }),
    );
  },
};

/**
 * The long-term evidence of an accepted CMS application (docs/long-term-validation.md): the upload
 * augmented to B-LTA when a TSA is configured (signature timestamp if missing, then every certificate
 * and revocation answer, then an archive timestamp), otherwise to B-LT when the signature carries
 * its own timestamp (B-LT needs one). Revocation data comes from the sources the verification used:
 * the configured CRLs and, when fetching is on, the certificates' OCSP responders and CRL
 * distribution points.
 */
async function withEvidence(
  report: PortalReport,
  ctx: VerifyContext,
  augment: (
    o: AugmentCmsOptions & AugmentEgovOptions,
  ) => Promise<{ signed: Uint8Array; missing: readonly string[] }>,
): Promise<VerifiedUpload> {
  const noTimestamp = {
    reason:
      'No long-term evidence: the signature carries no timestamp and the portal has no TSA configured (B-LT needs a signature timestamp).',
  };
  // Known from the report already: no need to parse the signature again only to be told so.
  if (!ctx.tsaUrl && !report.timestamp) return { report: { ...report, evidence: noTimestamp } };
  const level = ctx.tsaUrl ? 'LTA' : 'LT';
  try {
    const result = await augment({
      level,
      trustAnchors: ctx.trustAnchors,
      intermediates: ctx.intermediates,
      crls: ctx.crls.map((c) => c.der),
      ...(ctx.tsaUrl ? { timestamp: tsaTimestamp(ctx.tsaUrl) } : {}),
      ...(ctx.fetchRevocation ? { revocationSource: httpRevocationSource() } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    return {
      report: { ...report, evidence: { level, missing: result.missing } },
      evidence: result.signed,
    };
  } catch (e) {
    if (isShomeiError(e) && e.code === 'LTV_TIMESTAMP_REQUIRED')
      return { report: { ...report, evidence: noTimestamp } };
    const reason = `No long-term evidence: ${e instanceof Error ? e.message : String(e)}`;
    return { report: { ...report, evidence: { reason } }, evidenceRetry: reason };
  }
}

const pdf: Format = {
  name: 'pdf',
  detect: (u) => looksLikePdf(u.signature),
  inspect: noDocument('A PDF'),
  async verify(u, ctx) {
    const r = await verifyPdf(u.signature, {
      ...trust(ctx),
      revocation: revocationOptions(ctx),
    });
    return { report: pdfReport(r) };
  },
};

/** The first signature with the worst verdict decides the top of the report, as for CMS signers. */
function pdfReport(r: PdfReport): PortalReport {
  const signatures: PortalPdfSignature[] = r.signatures.map(({ signers: _, ...s }) => s);
  const deciding = signatures.find((s) => s.verdict === r.verdict);
  const top: SignerReport = deciding ?? emptySigner(r.verdict, r.code, r.message);
  return {
    ...top,
    verdict: r.verdict,
    ...(r.code ? { code: r.code } : {}),
    ...(r.message ? { message: r.message } : {}),
    format: 'pdf',
    pdf: { revisions: r.revisions, signatures },
  };
}

const egov: Format = {
  name: 'egov-zip',
  detect: (u) => looksLikeZip(u.signature),
  inspect(u, limits) {
    noDocument('An e-Gov application zip')(u);
    try {
      readZip(u.signature, limits, { inflate: false });
    } catch (e) {
      if (e instanceof ZipRefused) throw new UploadRefused(e.code, e.message);
      throw e;
    }
  },
  async verify(u, ctx) {
    let files: Map<string, Uint8Array>;
    try {
      files = readZip(u.signature, ctx.zip);
    } catch (e) {
      if (!(e instanceof ZipRefused)) throw e;
      return { report: { ...emptySigner('indeterminate', e.code, e.message), format: 'egov' } };
    }
    const r: EgovValidationReport = await verifyEgovApplication(files, {
      ...trust(ctx),
      revocation: revocationOptions(ctx),
    });
    // JSON keeps what a report says and drops the nodes and bytes `signedContent` holds.
    const {
      references,
      egov: shape,
      format,
      ...report
    } = JSON.parse(JSON.stringify(r)) as EgovValidationReport;
    const portal: PortalReport = {
      ...report,
      format: 'egov',
      xml: {
        format,
        references,
        ...(shape ? { listedFiles: shape.listedFiles, unsignedFiles: shape.unsignedFiles } : {}),
      },
    };
    if (portal.verdict !== 'valid') return { report: portal };
    if (format === 'XMLDSig')
      return {
        report: {
          ...portal,
          evidence: { reason: 'No long-term evidence: plain XMLDSig has no XAdES properties to carry it.' },
        },
      };
    // The evidence is kousei.xml augmented to XAdES B-LT(A); the other files are the stored upload.
    return withEvidence(portal, ctx, (o) => augmentEgovApplication(files, o));
  },
};

function emptySigner(verdict: SignerReport['verdict'], code?: string, message?: string): SignerReport {
  return {
    verdict,
    ...(code ? { code } : {}),
    ...(message ? { message } : {}),
    signer: { subject: '' },
    digestAlgorithm: '',
    signatureAlgorithm: '',
    chain: [],
    checks: code ? [{ name: 'format', ok: false, code, detail: message ?? code }] : [],
  };
}

/** Tried in order; the first whose `detect` accepts the upload verifies it. */
export const FORMATS: readonly Format[] = [cms, pdf, egov];

export function formatOf(upload: Upload): Format | undefined {
  return FORMATS.find((f) => f.detect(upload));
}

export function formatNamed(name: string): Format | undefined {
  return FORMATS.find((f) => f.name === name);
}

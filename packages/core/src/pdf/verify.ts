/**
 * `verifyPdf`: one report per signature field. For each signature: the revision it signs, its
 * /ByteRange (ascending ranges from 0 to the end of that revision, the only gap exactly the /Contents
 * hex string of this dictionary), the CMS checks of `verifyCms` over the ranges (chain, revocation,
 * JPKI facts), and every later incremental update classified as allowed or not (changes.ts). A
 * signature whose later changes are not allowed is `invalid`. Malformed structure gives a typed error
 * from `PdfDocument.open`, or an `invalid`/`indeterminate` signature with a precise code.
 */

import { hashContent } from '../cms/content.js';
import { CMS_OID } from '../cms/oids.js';
import { parseSignedData } from '../cms/signed-data.js';
import { parseTstInfo, type TstInfo } from '../cms/timestamp.js';
import { type VerifyCmsOptions, verifyCms } from '../cms/verify.js';
import { bytesEqual } from '../der/bytes.js';
import { readTlv } from '../der/reader.js';
import { coreError, isShomeiError, throwIfAborted } from '../errors.js';
import type { SignerReport, Verdict } from '../report/types.js';
import { VERDICT_RANK as RANK } from '../report/verdict-rank.js';
import type { HashAlgorithmName } from '../signer.js';
import { isStrongDigest } from '../x509/algorithms.js';
import type { PdfAnnotationFact } from './annotations.js';
import { type PdfChange, type PdfRevisionChanges, revisionChanges } from './changes.js';
import { type DocMdpPermissions, docMdpOf } from './docmdp.js';
import { PdfDocument } from './document.js';
import { type SignatureField, signatureFields } from './form.js';
import { isPdfString, isRef, nameOf, type PdfDict, type PdfObject, textOf } from './objects.js';
import { bytesSource, type PdfSource, rangeChunks } from './source.js';

export type PdfCheckName = 'structure' | 'subFilter' | 'byteRange' | 'contents' | 'revision' | 'changes';

export interface PdfCheck {
  readonly name: PdfCheckName;
  readonly ok: boolean;
  readonly code?: string;
  readonly detail?: string;
}

export interface PdfSignatureFacts {
  /** Fully qualified field name. */
  readonly field: string;
  readonly subFilter: string;
  readonly byteRange: readonly number[];
  /** The revision this signature signs (0 = the original document). */
  readonly revision: number;
  /** True when the /ByteRange reaches the end of the file (no later updates). */
  readonly coversWholeFile: boolean;
  /** DocMDP level when this is a certification signature. */
  readonly certification?: DocMdpPermissions;
  readonly signingTime?: string;
  readonly reason?: string;
  readonly location?: string;
  readonly checks: readonly PdfCheck[];
  /** Every incremental update after this signature, classified. */
  readonly changesAfter: readonly PdfRevisionChanges[];
  /**
   * Annotations and widgets added or modified after this signature that can cover page content
   * (annotations.ts), whether or not DocMDP allows them: what the reader sees may differ from what
   * was signed. Absent when there are none.
   */
  readonly overlays?: readonly PdfAnnotationFact[];
}

/** A signer report with the PDF facts; verdict and code combine the CMS checks and the PDF checks. */
export interface PdfSignatureReport extends SignerReport {
  readonly pdf: PdfSignatureFacts;
  /** Every signer's report when the CMS has several. */
  readonly signers?: readonly SignerReport[];
}

export interface PdfReport {
  /** The worst verdict over all signatures (`indeterminate` with PDF_NOT_SIGNED when there is none). */
  readonly verdict: Verdict;
  readonly code?: string;
  readonly message?: string;
  readonly revisions: number;
  readonly signatures: readonly PdfSignatureReport[];
}

export type VerifyPdfOptions = Omit<VerifyCmsOptions, 'content'>;

const SUPPORTED = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached', 'ETSI.RFC3161']);

const bad = (name: PdfCheckName, code: string, detail: string): PdfCheck => ({
  name,
  ok: false,
  code,
  detail,
});
const good = (name: PdfCheckName, detail?: string): PdfCheck =>
  detail ? { name, ok: true, detail } : { name, ok: true };

/** The exact DER of the CMS in /Contents; trailing bytes must be the zero padding. */
export function cmsOf(contents: Uint8Array): Uint8Array {
  const end = readTlv(contents, 0, contents.length).end;
  for (let i = end; i < contents.length; i++) if (contents[i] !== 0) throw new Error('data after the CMS');
  return contents.subarray(0, end);
}

/** Most ranges a /ByteRange may list (writers use 2; a few split the signed bytes further). */
const MAX_RANGES = 64;

/**
 * ISO 32000-1 §12.8.1: /ByteRange is pairs of offset and length. Accepted: at least two pairs of
 * integers, the first from offset 0, each non-empty and starting at or after the end of the one
 * before (ascending, non-overlapping), the last inside the file. Returns the ranges, the gaps between
 * them (the caller requires exactly one, the /Contents value) and where the signed bytes end; or why
 * the array is unusable.
 */
export function byteRangeShape(
  raw: PdfObject | undefined,
  numbers: readonly number[],
  size: number,
): { ranges: [number, number][]; gaps: [number, number][]; end: number } | string {
  const n = numbers.length;
  if (
    !Array.isArray(raw) ||
    raw.length !== n ||
    n < 4 ||
    n % 2 !== 0 ||
    !numbers.every((x) => Number.isSafeInteger(x) && x >= 0)
  )
    return 'the /ByteRange is not pairs of non-negative integers (at least two ranges)';
  if (n / 2 > MAX_RANGES) return `the /ByteRange lists more than ${MAX_RANGES} ranges`;
  if (numbers[0] !== 0) return 'the /ByteRange does not start at offset 0';
  const ranges: [number, number][] = [];
  const gaps: [number, number][] = [];
  let end = 0;
  for (let i = 0; i < n; i += 2) {
    const [offset, length] = [numbers[i]!, numbers[i + 1]!];
    if (length === 0) return `the /ByteRange range ${i / 2 + 1} is empty`;
    if (offset < end) return 'the /ByteRange ranges overlap or are not in ascending order';
    if (offset + length > size) return 'the /ByteRange points past the end of the file';
    if (offset > end) gaps.push([end, offset]);
    ranges.push([offset, length]);
    end = offset + length;
  }
  if (gaps.length === 0) return 'the /ByteRange ranges leave no gap for /Contents';
  return { ranges, gaps, end };
}

function emptyReport(): Omit<SignerReport, 'verdict' | 'checks'> {
  return { signer: { subject: '' }, digestAlgorithm: '', signatureAlgorithm: '', chain: [] };
}

interface SigContext {
  doc: PdfDocument;
  source: PdfSource;
  options: VerifyPdfOptions;
  changes: Map<number, PdfRevisionChanges>;
  certification: { num: number; permissions: DocMdpPermissions; revision: number } | undefined;
}

async function changesAfter(ctx: SigContext, revision: number): Promise<PdfRevisionChanges[]> {
  const out: PdfRevisionChanges[] = [];
  const level: DocMdpPermissions =
    ctx.certification && ctx.certification.revision <= revision ? ctx.certification.permissions : 3;
  for (let r = revision + 1; r < ctx.doc.revisions.length; r++) {
    const key = r * 4 + level;
    let c = ctx.changes.get(key);
    if (!c) {
      c = await revisionChanges(ctx.doc, r, level);
      ctx.changes.set(key, c);
    }
    out.push(c);
  }
  const t = ctx.doc.trailingData;
  if (t) {
    const change: PdfChange = {
      kind: 'unsigned-data',
      allowed: false,
      detail: `${t.length} bytes after the last revision (offset ${t.offset}) belong to no cross-reference section`,
    };
    out.push({ revision: ctx.doc.revisions.length, allowed: false, changes: [change] });
  }
  return out;
}

async function verifySignature(ctx: SigContext, field: SignatureField): Promise<PdfSignatureReport> {
  const { doc } = ctx;
  const checks: PdfCheck[] = [];
  const holder = isRef(field.value) ? field.value.num : field.ref?.num;
  const sig = (await doc.resolveDict(field.value)) as PdfDict | undefined;
  const loc = holder === undefined ? undefined : doc.locate(holder);
  const subFilter = nameOf(sig?.map.get('SubFilter')) ?? '';
  const br = sig?.map.get('ByteRange');
  const byteRange = Array.isArray(br) ? br.filter((x): x is number => typeof x === 'number') : [];
  const facts = {
    field: field.name,
    subFilter,
    byteRange,
    revision: loc?.revision ?? -1,
    coversWholeFile: false,
    ...(sig && textOf(sig.map.get('M')) ? { signingTime: textOf(sig.map.get('M')) } : {}),
    ...(sig && textOf(sig.map.get('Reason')) ? { reason: textOf(sig.map.get('Reason')) } : {}),
    ...(sig && textOf(sig.map.get('Location')) ? { location: textOf(sig.map.get('Location')) } : {}),
  };
  const finish = (
    cms: SignerReport | undefined,
    after: PdfRevisionChanges[],
    certification?: DocMdpPermissions,
  ): PdfSignatureReport => {
    let verdict: Verdict = cms?.verdict ?? 'valid';
    let code = cms?.code;
    let message = cms?.message;
    for (const c of checks) {
      if (c.ok) continue;
      const sev: Verdict =
        c.code === 'PDF_SUBFILTER_UNSUPPORTED' || c.code === 'PDF_LIMIT_EXCEEDED'
          ? 'indeterminate'
          : 'invalid';
      if (RANK[sev] > RANK[verdict] || (RANK[sev] === RANK[verdict] && code === undefined)) {
        verdict = sev;
        code = c.code;
        message = c.detail ? `${c.detail.charAt(0).toUpperCase()}${c.detail.slice(1)}.` : c.code;
      }
    }
    const base = cms ?? { ...emptyReport(), verdict, checks: [] };
    const pdf: PdfSignatureFacts = {
      ...facts,
      ...(certification ? { certification } : {}),
      checks,
      changesAfter: after,
    };
    const {
      verdict: _v,
      code: _c,
      message: _m,
      ...rest
    } = base as SignerReport & { code?: string; message?: string };
    return { verdict, ...(code ? { code, message } : {}), ...rest, pdf } as PdfSignatureReport;
  };

  if (!sig) {
    checks.push(bad('structure', 'PDF_SIG_DICT_INVALID', 'the field value /V is not a signature dictionary'));
    return finish(undefined, []);
  }
  if (!SUPPORTED.has(subFilter)) {
    checks.push(
      bad(
        'subFilter',
        'PDF_SUBFILTER_UNSUPPORTED',
        `/SubFilter /${subFilter || '(none)'} is not verified by shomei`,
      ),
    );
    return finish(undefined, []);
  }
  checks.push(good('subFilter', subFilter));
  if (loc?.entry.kind !== 'used') {
    checks.push(
      bad('structure', 'PDF_SIG_IN_OBJECT_STREAM', 'the signature dictionary is inside an object stream'),
    );
    return finish(undefined, []);
  }
  const shape = byteRangeShape(br, byteRange, doc.size);
  if (typeof shape === 'string') {
    checks.push(bad('byteRange', 'PDF_BYTE_RANGE_INVALID', shape));
    return finish(undefined, []);
  }
  const contents = sig.map.get('Contents');
  if (!isPdfString(contents) || !contents.hex) {
    checks.push(
      bad('contents', 'PDF_CONTENTS_MALFORMED', 'the signature /Contents is missing or not a hex string'),
    );
    return finish(undefined, []);
  }
  const [gap, ...moreGaps] = shape.gaps;
  if (!gap || moreGaps.length > 0 || gap[0] !== contents.start || gap[1] !== contents.end) {
    const gaps = shape.gaps.map(([x, y]) => `[${x}, ${y})`).join(', ');
    checks.push(
      bad(
        'byteRange',
        'PDF_BYTE_RANGE_HOLE',
        `the /ByteRange ${moreGaps.length > 0 ? 'gaps' : 'gap'} ${gaps} ${moreGaps.length > 0 ? 'are' : 'is'} not exactly this signature's /Contents [${contents.start}, ${contents.end})`,
      ),
    );
    return finish(undefined, []);
  }
  const { ranges: signedRanges, end: signedEnd } = shape;
  const rev = doc.revisions[loc.revision]!;
  if (signedEnd < rev.eofEnd || signedEnd > rev.end) {
    checks.push(
      bad(
        'revision',
        'PDF_REVISION_MISMATCH',
        `the /ByteRange ends at ${signedEnd}, but the revision holding this signature (${loc.revision + 1}) ends at ${rev.eofEnd}`,
      ),
    );
    return finish(undefined, []);
  }
  checks.push(
    good(
      'byteRange',
      `covers revision ${loc.revision + 1} of ${doc.revisions.length} but the /Contents value`,
    ),
  );
  let cms: Uint8Array;
  try {
    cms = cmsOf(contents.bytes);
  } catch {
    checks.push(
      bad(
        'contents',
        'PDF_CONTENTS_MALFORMED',
        'the signature /Contents does not hold one DER object followed by zero padding',
      ),
    );
    return finish(undefined, []);
  }
  checks.push(good('contents', `${cms.length}-byte CMS`));
  const signal = ctx.options.signal;
  async function* ranges() {
    for (const [offset, length] of signedRanges) yield* rangeChunks(ctx.source, offset, length, signal);
  }
  const report =
    subFilter === 'ETSI.RFC3161'
      ? await verifyDocumentTimestamp(cms, ranges(), ctx.options, checks)
      : await verifyCms(cms, { ...ctx.options, content: ranges() });
  const after = await changesAfter(ctx, loc.revision);
  const notAllowed = after.flatMap((r) => r.changes.filter((x) => !x.allowed));
  if (notAllowed.length > 0) {
    const unsigned = notAllowed.find((x) => x.kind === 'unsigned-data');
    checks.push(
      bad(
        'changes',
        unsigned ? 'PDF_UNSIGNED_DATA' : 'PDF_CHANGE_NOT_ALLOWED',
        notAllowed
          .map((x) => x.detail)
          .slice(0, 3)
          .join('; '),
      ),
    );
  }
  // A widget is listed twice when it joins both the page's /Annots and the form's /Fields.
  const overlays = [
    ...new Map(
      after
        .flatMap((r) => r.changes.flatMap((x) => x.annotations ?? []))
        .filter((a) => a.overlay && a.action !== 'removed')
        .map((a, i) => [a.object ?? -1 - i, a] as const),
    ).values(),
  ];
  if (notAllowed.length === 0) {
    const covering =
      overlays.length > 0
        ? `; ${overlays.length} annotation(s) that can cover signed page content: ${overlays
            .slice(0, 3)
            .map((a) => `/${a.subtype}${a.object === undefined ? '' : ` ${a.object}`}`)
            .join(', ')}`
        : '';
    checks.push(
      good(
        'changes',
        after.length === 0
          ? 'no changes after this signature'
          : `${after.length} later update(s), all allowed${covering}`,
      ),
    );
  }
  const cert = ctx.certification;
  const out = finish(report, after, cert && cert.num === holder ? cert.permissions : undefined);
  return {
    ...out,
    pdf: {
      ...out.pdf,
      coversWholeFile: signedEnd === doc.size,
      ...(overlays.length > 0 ? { overlays } : {}),
    },
  };
}

/**
 * A document timestamp (ETSI EN 319 142-1 §5.4, /SubFilter /ETSI.RFC3161): /Contents is an RFC 3161
 * TimeStampToken whose TSTInfo imprint is the hash of the signed ranges. The token is verified as
 * CMS (TSA signature, chain, revocation), then the imprint is compared with the ranges' digest.
 */
async function verifyDocumentTimestamp(
  token: Uint8Array,
  ranges: AsyncIterable<Uint8Array>,
  options: VerifyPdfOptions,
  checks: PdfCheck[],
): Promise<SignerReport> {
  const report = await verifyCms(token, options);
  let info: TstInfo;
  try {
    const sd = parseSignedData(token);
    if (sd.contentType !== CMS_OID.tstInfo || !sd.content) throw new Error('not a TSTInfo token');
    info = parseTstInfo(sd.content);
  } catch {
    checks.push(
      bad('contents', 'TIMESTAMP_INVALID', 'the document timestamp /Contents is not an RFC 3161 token'),
    );
    return report;
  }
  const hash = info.hash as HashAlgorithmName;
  if (!isStrongDigest(hash)) {
    checks.push(bad('contents', 'TIMESTAMP_INVALID', `the document timestamp uses ${info.hash}`));
    return report;
  }
  const { digest } = await hashContent(ranges, hash, {
    ...(options.hasher ? { hasher: options.hasher } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  checks.push(
    bytesEqual(digest, info.imprint)
      ? good('contents', `document timestamp of ${info.genTime.toISOString()}`)
      : bad(
          'contents',
          'TIMESTAMP_INVALID',
          'the document timestamp imprint is not the hash of the signed ranges',
        ),
  );
  return { ...report, signingTime: info.genTime.toISOString() };
}

/**
 * Verifies every signature of a PDF. `pdf` is the bytes, a `PdfSource` (random access, e.g.
 * `blobSource(file)` in a browser or `fileRandomSource(path)` in Node). Throws PDF_* errors when the
 * file cannot be read as a PDF at all.
 */
export async function verifyPdf(pdf: Uint8Array | PdfSource, options: VerifyPdfOptions): Promise<PdfReport> {
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0) {
    throw coreError('INPUT_INVALID', 'verifyPdf needs at least one trust anchor (options.trustAnchors).');
  }
  throwIfAborted(options.signal);
  const source = pdf instanceof Uint8Array ? bytesSource(pdf) : pdf;
  const doc = await PdfDocument.open(source, options.signal ? { signal: options.signal } : {});
  const fields = (await signatureFields(doc)).filter((f) => f.value !== undefined);
  const mdp = await docMdpOf(doc);
  const mdpLoc = mdp ? doc.locate(mdp.signature.num) : undefined;
  const ctx: SigContext = {
    doc,
    source,
    options,
    changes: new Map(),
    certification:
      mdp && mdpLoc
        ? { num: mdp.signature.num, permissions: mdp.permissions, revision: mdpLoc.revision }
        : undefined,
  };
  const signatures: PdfSignatureReport[] = [];
  for (const f of fields) {
    try {
      signatures.push(await verifySignature(ctx, f));
    } catch (e) {
      if (isShomeiError(e) && e.code === 'ABORTED') throw e;
      if (!isShomeiError(e)) throw e;
      const check: PdfCheck = bad('structure', e.code, e.message.replace(/\.$/, ''));
      signatures.push({
        verdict: e.code === 'PDF_LIMIT_EXCEEDED' ? 'indeterminate' : 'invalid',
        code: e.code,
        message: e.message,
        ...emptyReport(),
        checks: [],
        pdf: {
          field: f.name,
          subFilter: '',
          byteRange: [],
          revision: -1,
          coversWholeFile: false,
          checks: [check],
          changesAfter: [],
        },
      });
    }
  }
  if (signatures.length === 0) {
    return {
      verdict: 'indeterminate',
      code: 'PDF_NOT_SIGNED',
      message: 'The PDF has no signed signature field.',
      revisions: doc.revisions.length,
      signatures,
    };
  }
  let worst = signatures[0]!;
  for (const s of signatures) if (RANK[s.verdict] > RANK[worst.verdict]) worst = s;
  return {
    verdict: worst.verdict,
    ...(worst.code ? { code: worst.code, message: worst.message } : {}),
    revisions: doc.revisions.length,
    signatures,
  };
}

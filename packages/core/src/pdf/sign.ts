/**
 * `signPdf`: a PDF signature added by an incremental update (ISO 32000-1 §12.8, ETSI EN 319 142-1
 * PAdES). The update holds a signature dictionary with a fixed-width /ByteRange and a zero-filled
 * /Contents hole, a signature field merged with its widget, and the changed catalog, form and page.
 * The bytes outside the hole are hashed as a stream (original first, then the update), the CMS from
 * `signCms` is written into the hole. The original bytes stay a byte-for-byte prefix.
 */
import { contentChunks } from '../cms/content.js';
import type { HashFactory } from '../cms/hasher.js';
import { type SignCmsOptions, signCms, type TimestampSource } from '../cms/sign.js';
import { coreError, throwIfAborted } from '../errors.js';
import type { HashAlgorithmName, Signer } from '../signer.js';
import { type VisibleSignature, visibleAppearance } from './appearance.js';
import { docMdpOf } from './docmdp.js';
import { PdfDocument } from './document.js';
import { fieldNames, pageAt, signatureFields } from './form.js';
import { incrementalUpdate, type UpdateObject } from './incremental.js';
import { isRef, type PdfDict, type PdfValue, pdfDict, pdfName, pdfRef, pdfText } from './objects.js';
import { latin1, objectBytes, valueText } from './serialize.js';
import { bytesSource, type PdfSource, rangeChunks } from './source.js';

export type PdfSubFilter = 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached';

export interface SignPdfOptions {
  /** Default `adbe.pkcs7.detached`; `ETSI.CAdES.detached` makes a PAdES signature (no signingTime attribute, §5.4 of EN 319 142-1). */
  subFilter?: PdfSubFilter;
  hash?: HashAlgorithmName;
  /** Field name; default `Signature<n>` with the first free n. */
  fieldName?: string;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** /Name of the signer (default: none; viewers take it from the certificate). */
  name?: string;
  /** /M and, for adbe.pkcs7.detached, the signingTime attribute. Default now. */
  signingTime?: Date;
  /** A certification signature (§12.8.2.2 DocMDP) with its permission level: 1 no changes, 2 form filling and signing, 3 also annotations. */
  certify?: { permissions: 1 | 2 | 3 };
  /** Signature timestamp (PAdES B-T), e.g. `tsaTimestamp(url)`. */
  timestamp?: TimestampSource;
  /** Bytes reserved for the CMS; default: estimated from the certificates (and 8 KiB more with a timestamp). */
  contentsSize?: number;
  /** A visible signature; default invisible (a zero-size widget on the first page). */
  visible?: VisibleSignature;
  /** 1-based page of the widget. Default 1. */
  page?: number;
  hasher?: HashFactory;
  signal?: AbortSignal;
  onProgress?: (bytesHashed: number) => void;
}

/** The update with its /Contents hole, before hashing. */
export interface PreparedPdfSignature {
  readonly originalSize: number;
  /** The incremental update with the hole still zero-filled. */
  readonly update: Uint8Array;
  /** Absolute offsets of the `<` of /Contents and just after its `>`. */
  readonly holeStart: number;
  readonly holeEnd: number;
}

const BYTE_RANGE_WIDTH = 48;

/** PDF date (§7.9.4) in UTC. */
export function pdfDate(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `D:${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

function estimateContents(signer: Signer, timestamp: boolean): number {
  const certs = [signer.certificate, ...(signer.chain ?? [])].reduce((n, c) => n + c.length, 0);
  return certs + 2048 + 1024 + (timestamp ? 8192 : 0);
}

const withEntries = (d: PdfDict, entries: Record<string, PdfValue>): PdfDict => {
  const m = new Map(d.map);
  for (const [k, v] of Object.entries(entries)) m.set(k, v);
  return { type: 'dict', map: m };
};

/** Lays out the update for a new signature (no hashing yet). */
export async function preparePdfSignature(
  doc: PdfDocument,
  signer: Signer,
  options: SignPdfOptions = {},
): Promise<PreparedPdfSignature> {
  return prepareUpdate(doc, signer, options, false);
}

/**
 * Lays out the update for a document timestamp (ETSI EN 319 142-1 §5.4.3: /Type /DocTimeStamp,
 * /SubFilter /ETSI.RFC3161, an RFC 3161 token over the ranges in /Contents). DocMDP does not restrict
 * document timestamps (EN 319 142-1 §5.4), so a certified document with P=1 accepts one.
 */
export async function prepareDocumentTimestamp(
  doc: PdfDocument,
  contentsSize: number,
): Promise<PreparedPdfSignature> {
  return prepareUpdate(doc, undefined, { contentsSize }, true);
}

async function prepareUpdate(
  doc: PdfDocument,
  signer: Signer | undefined,
  options: SignPdfOptions,
  docTimestamp: boolean,
): Promise<PreparedPdfSignature> {
  const subFilter = options.subFilter ?? 'adbe.pkcs7.detached';
  if (subFilter !== 'adbe.pkcs7.detached' && subFilter !== 'ETSI.CAdES.detached') {
    throw coreError(
      'INPUT_INVALID',
      `subFilter must be adbe.pkcs7.detached or ETSI.CAdES.detached, not ${String(subFilter)}.`,
    );
  }
  const existing = await signatureFields(doc);
  const signed = existing.filter((f) => f.value !== undefined);
  if (options.certify && signed.length > 0) {
    throw coreError(
      'PDF_CERTIFICATION_CONFLICT',
      'The document is already signed: a certification signature must come first.',
    );
  }
  const mdp = docTimestamp ? undefined : await docMdpOf(doc);
  if (mdp?.permissions === 1) {
    throw coreError(
      'PDF_CHANGE_NOT_ALLOWED',
      'The document is certified with "no changes allowed" (DocMDP P=1): another signature would break its certification.',
    );
  }
  const contentsSize =
    options.contentsSize ?? (signer ? estimateContents(signer, options.timestamp !== undefined) : 16384);
  const catalog = await doc.catalog();
  const page = await pageAt(doc, (options.page ?? 1) - 1);
  let next = Number(doc.trailer.map.get('Size') ?? 0);
  for (const s of doc.chain) next = Math.max(next, Number(s.trailer.map.get('Size') ?? 0));
  const alloc = () => next++;
  const sigNum = alloc();
  const fieldNum = alloc();
  const objects: UpdateObject[] = [];

  const names = await fieldNames(doc);
  let fieldName = options.fieldName;
  if (fieldName === undefined) {
    let i = 1;
    while (names.has(`Signature${i}`)) i++;
    fieldName = `Signature${i}`;
  } else if (names.has(fieldName)) {
    throw coreError('INPUT_INVALID', `The PDF already has a field named ${fieldName}.`);
  }

  const field: [string, PdfValue][] = [
    ['Type', pdfName('Annot')],
    ['Subtype', pdfName('Widget')],
    ['FT', pdfName('Sig')],
    ['T', pdfText(fieldName!)],
    ['V', pdfRef(sigNum)],
    // §12.5.3: Print (4) + Locked (128).
    ['F', 132],
    ['P', page.ref],
  ];
  if (options.visible && signer) {
    const ap = await visibleAppearance(options.visible, signer, alloc, options.signingTime);
    objects.push(...ap.objects);
    field.push(['Rect', ap.rect], ['AP', pdfDict({ N: pdfRef(ap.appearance) })]);
  } else field.push(['Rect', [0, 0, 0, 0]]);
  objects.push({ num: fieldNum, bytes: objectBytes(fieldNum, pdfDict(field)) });

  // Page /Annots gets the widget.
  const annots = page.dict.map.get('Annots');
  if (isRef(annots)) {
    const arr = await doc.resolve(annots);
    objects.push({
      num: annots.num,
      bytes: objectBytes(annots.num, [...(Array.isArray(arr) ? arr : []), pdfRef(fieldNum)]),
    });
  } else {
    const arr = Array.isArray(annots) ? annots : [];
    objects.push({
      num: page.ref.num,
      bytes: objectBytes(page.ref.num, withEntries(page.dict, { Annots: [...arr, pdfRef(fieldNum)] })),
    });
  }

  // The form: /Fields gets the field, /SigFlags 3 (§12.7.2: SignaturesExist | AppendOnly).
  let catalogDict = catalog.dict;
  const formRaw = catalog.dict.map.get('AcroForm');
  const form = await doc.resolveDict(formRaw);
  const fieldsRaw = form?.map.get('Fields');
  const fields = await doc.resolve(fieldsRaw);
  const fieldList = [...(Array.isArray(fields) ? fields : []), pdfRef(fieldNum)];
  let newForm: PdfDict;
  if (isRef(fieldsRaw)) {
    objects.push({ num: fieldsRaw.num, bytes: objectBytes(fieldsRaw.num, fieldList) });
    newForm = withEntries(form!, { SigFlags: 3 });
  } else newForm = withEntries(form ?? pdfDict({}), { Fields: fieldList, SigFlags: 3 });
  if (isRef(formRaw)) objects.push({ num: formRaw.num, bytes: objectBytes(formRaw.num, newForm) });
  else {
    const formNum = alloc();
    objects.push({ num: formNum, bytes: objectBytes(formNum, newForm) });
    catalogDict = withEntries(catalogDict, { AcroForm: pdfRef(formNum) });
  }

  let reference: PdfValue | undefined;
  if (options.certify) {
    const p = options.certify.permissions;
    if (p !== 1 && p !== 2 && p !== 3)
      throw coreError('INPUT_INVALID', 'certify.permissions must be 1, 2 or 3.');
    // §12.8.2.2: the signature reference dictionary of a DocMDP certification, and /Perms in the catalog.
    reference = [
      pdfDict({
        Type: pdfName('SigRef'),
        TransformMethod: pdfName('DocMDP'),
        TransformParams: pdfDict({ Type: pdfName('TransformParams'), P: p, V: pdfName('1.2') }),
      }),
    ];
    catalogDict = withEntries(catalogDict, { Perms: pdfDict({ DocMDP: pdfRef(sigNum) }) });
  }
  if (catalogDict !== catalog.dict || objects.some((o) => o.num === catalog.ref.num)) {
    const existingCat = objects.findIndex((o) => o.num === catalog.ref.num);
    if (existingCat >= 0) objects.splice(existingCat, 1);
    objects.push({ num: catalog.ref.num, bytes: objectBytes(catalog.ref.num, catalogDict) });
  }

  const time = options.signingTime ?? new Date();
  const extra: [string, PdfValue][] = [['M', pdfText(pdfDate(time))]];
  if (options.name) extra.push(['Name', pdfText(options.name)]);
  if (options.reason) extra.push(['Reason', pdfText(options.reason)]);
  if (options.location) extra.push(['Location', pdfText(options.location)]);
  if (options.contactInfo) extra.push(['ContactInfo', pdfText(options.contactInfo)]);
  if (reference) extra.push(['Reference', reference]);
  const head = docTimestamp
    ? '/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161'
    : `/Type /Sig /Filter /Adobe.PPKLite /SubFilter /${subFilter}`;
  const sigText =
    `${sigNum} 0 obj\n<<${head}` +
    ` /ByteRange [${' '.repeat(BYTE_RANGE_WIDTH)}] /Contents <${'0'.repeat(contentsSize * 2)}>` +
    `${docTimestamp ? '' : extra.map(([k, v]) => ` /${k} ${valueText(v)}`).join('')}>>\nendobj\n`;
  objects.push({ num: sigNum, bytes: latin1(sigText) });

  const update = await incrementalUpdate(doc, objects, next);
  const sigAt = update.offsets.get(sigNum)!;
  const holeStart = doc.size + sigAt + sigText.indexOf('/Contents <') + 10;
  const holeEnd = holeStart + contentsSize * 2 + 2;
  const total = doc.size + update.bytes.length;
  const br = `0 ${holeStart} ${holeEnd} ${total - holeEnd}`;
  if (br.length > BYTE_RANGE_WIDTH)
    throw coreError('INPUT_INVALID', 'The file is too large for the /ByteRange field.');
  const brAt = sigAt + sigText.indexOf('/ByteRange [') + 12;
  update.bytes.set(latin1(br.padEnd(BYTE_RANGE_WIDTH, ' ')), brAt);
  return { originalSize: doc.size, update: update.bytes, holeStart, holeEnd };
}

/** The bytes a signature covers: the original (from `original`), then the update around the hole. */
export async function* signedChunks(
  original: AsyncIterable<Uint8Array>,
  prepared: PreparedPdfSignature,
): AsyncGenerator<Uint8Array> {
  yield* original;
  const u = prepared.update;
  yield u.subarray(0, prepared.holeStart - prepared.originalSize);
  yield u.subarray(prepared.holeEnd - prepared.originalSize);
}

/** Signs the prepared update: CMS over the chunks, written into the hole of `prepared.update` (in place). */
export async function completePdfSignature(
  prepared: PreparedPdfSignature,
  original: AsyncIterable<Uint8Array>,
  signer: Signer,
  options: SignPdfOptions = {},
): Promise<Uint8Array> {
  const subFilter = options.subFilter ?? 'adbe.pkcs7.detached';
  const cmsOptions: SignCmsOptions = {
    detached: true,
    ...(options.hash ? { hash: options.hash } : {}),
    // ETSI EN 319 142-1 §5.4 (PAdES): the signing time is /M, a signingTime attribute shall not be present.
    signingTime: subFilter === 'ETSI.CAdES.detached' ? null : (options.signingTime ?? new Date()),
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    ...(options.hasher ? { hasher: options.hasher } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const cms = await signCms(signedChunks(original, prepared), signer, cmsOptions);
  return embedPdfSignature(prepared, cms);
}

/** Writes a DER CMS into the hole of `prepared.update` (in place) and returns the update. */
export function embedPdfSignature(prepared: PreparedPdfSignature, cms: Uint8Array): Uint8Array {
  const room = (prepared.holeEnd - prepared.holeStart - 2) / 2;
  if (cms.length > room) {
    throw coreError(
      'PDF_SIGNATURE_TOO_LARGE',
      `The signature needs ${cms.length} bytes but ${room} were reserved: pass contentsSize ≥ ${cms.length + 1024}.`,
      {
        details: { needed: cms.length, reserved: room },
      },
    );
  }
  let hex = '';
  for (const b of cms) hex += b.toString(16).padStart(2, '0');
  prepared.update.set(latin1(hex), prepared.holeStart - prepared.originalSize + 1);
  return prepared.update;
}

/**
 * Signs a PDF held in memory and returns the signed file (the original followed by the update).
 * For files on disk use `signPdfFile` from `@shomei/core/node`, which hashes the file as a stream.
 */
export async function signPdf(
  pdf: Uint8Array | PdfSource,
  signer: Signer,
  options: SignPdfOptions = {},
): Promise<Uint8Array> {
  throwIfAborted(options.signal);
  const source = pdf instanceof Uint8Array ? bytesSource(pdf) : pdf;
  const doc = await PdfDocument.open(source, options.signal ? { signal: options.signal } : {});
  const prepared = await preparePdfSignature(doc, signer, options);
  const update = await completePdfSignature(
    prepared,
    rangeChunks(source, 0, source.size, options.signal),
    signer,
    options,
  );
  const out = new Uint8Array(source.size + update.length);
  if (pdf instanceof Uint8Array) out.set(pdf);
  else {
    let o = 0;
    for await (const c of contentChunks(rangeChunks(source, 0, source.size))) {
      out.set(c, o);
      o += c.length;
    }
  }
  out.set(update, source.size);
  return out;
}

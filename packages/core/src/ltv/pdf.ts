/**
 * PAdES long-term levels (ETSI EN 319 142-1 §5.4, EN 319 142-2 B-LT/B-LTA) on the format-neutral
 * engine. Augmenting appends incremental updates only, so every signature keeps covering exactly
 * what it signed:
 * - B-LT: a Document Security Store (§5.4.2) with every certificate of the signers' and TSAs' paths
 *   (/Certs), OCSP responses (/OCSPs) and CRLs (/CRLs) issued after the time each must prove, and a
 *   /VRI entry per signature keyed by the upper-case hex SHA-1 of its CMS (the DER in /Contents,
 *   without the zero padding) listing what was gathered for it;
 * - B-LTA: then a document timestamp (/ETSI.RFC3161, §5.4.3) over the file with that DSS, and a
 *   further DSS update with the validation data of the document timestamp's own TSA. Augmenting a
 *   B-LTA again adds a DSS for the last document timestamp and a new one over everything.
 * Long-term validation takes the signature timestamps inside each CMS and every document timestamp
 * of a later revision as proofs of existence, with the DSS, the CMS and the tokens as material.
 */

import { digestBytes } from '../cms/hasher.js';
import { ATTRIBUTE_OID } from '../cms/oids.js';
import type { TimestampSource } from '../cms/sign.js';
import { parseSignedData, type SignedData } from '../cms/signed-data.js';
import { verifySignedData } from '../cms/verify.js';
import { toHex } from '../der/bytes.js';
import { coreError, isShomeiError, throwIfAborted } from '../errors.js';
import type { CertificateInput } from '../path/types.js';
import { PdfDocument } from '../pdf/document.js';
import { signatureFields } from '../pdf/form.js';
import { incrementalUpdate, type UpdateObject } from '../pdf/incremental.js';
import {
  isPdfString,
  isRef,
  isStream,
  nameOf,
  type PdfDict,
  type PdfRef,
  type PdfValue,
  pdfDict,
  pdfName,
  pdfRef,
} from '../pdf/objects.js';
import { latin1, objectBytes } from '../pdf/serialize.js';
import { prepareDocumentTimestamp } from '../pdf/sign.js';
import { bytesSource } from '../pdf/source.js';
import { cmsOf, verifyPdf } from '../pdf/verify.js';
import { VERDICT_RANK as RANK } from '../report/verdict-rank.js';
import type { Certificate } from '../x509/certificate.js';
import type { ShomeiContext } from '../x509/context.js';
import { type RawSignedData, readRawSignedData } from './cms-structure.js';
import type { LongTermReport } from './evidence.js';
import { type EvidenceSink, gatherPath } from './gather.js';
import {
  addSupplied,
  addTokenMaterial,
  certificateFor,
  certificateOf,
  cmsMaterial,
  type EvidenceMaterial,
  emptyMaterial,
} from './material.js';
import { type SignatureAtTime, type TimestampInput, validatePast } from './past-validation.js';
import { reasonForCheck } from './reasons.js';
import type { RevocationSource } from './sources.js';
import { anchorsOf, type ParsedToken, pathOf, readToken, timestampInput } from './token.js';
import { formatFailure, type VerifyCmsLongTermOptions } from './validate-cms.js';

const DOC_TS_CONTENTS = 16384;

/** One signed signature field: a CMS signature or a document timestamp. */
interface PdfSig {
  readonly field: string;
  readonly docTimestamp: boolean;
  readonly cms: Uint8Array;
  readonly raw: RawSignedData;
  /** The same CMS parsed for verification, from the same bytes (never re-encoded). */
  readonly sd: SignedData;
  /** The bytes the /ByteRange covers, concatenated. */
  readonly ranges: Uint8Array;
  /** Where the covered bytes end: a later signature or timestamp covers this one when its ranges reach past it. */
  readonly end: number;
  /** For a document timestamp, the token. */
  readonly token?: ParsedToken;
  /** VRI key: upper-case hex SHA-1 of the CMS (EN 319 142-1 §5.4.2.2). */
  readonly vri: string;
}

async function pdfSignatures(doc: PdfDocument, bytes: Uint8Array): Promise<PdfSig[]> {
  const out: PdfSig[] = [];
  for (const f of await signatureFields(doc)) {
    if (f.value === undefined) continue;
    const sig = await doc.resolveDict(f.value);
    const contents = sig?.map.get('Contents');
    const br = sig?.map.get('ByteRange');
    const sub = nameOf(sig?.map.get('SubFilter'));
    if (!sig || !isPdfString(contents) || !Array.isArray(br) || br.length !== 4) continue;
    const [a, b, c, d] = br as number[];
    if (![a, b, c, d].every((x) => Number.isSafeInteger(x) && x! >= 0) || c! + d! > bytes.length) continue;
    let cms: Uint8Array;
    let raw: RawSignedData;
    let sd: SignedData;
    try {
      cms = cmsOf(contents.bytes).slice();
      raw = readRawSignedData(cms);
      sd = parseSignedData(cms);
    } catch {
      continue;
    }
    const ranges = new Uint8Array(b! - a! + d!);
    ranges.set(bytes.subarray(a!, a! + b!));
    ranges.set(bytes.subarray(c!, c! + d!), b!);
    const docTimestamp = sub === 'ETSI.RFC3161';
    const token = docTimestamp ? readToken(cms) : undefined;
    const vri = toHex(await digestBytes('SHA-1', cms)).toUpperCase();
    out.push({
      field: f.name,
      docTimestamp,
      cms,
      raw,
      sd,
      ranges,
      end: c! + d!,
      ...(token ? { token } : {}),
      vri,
    });
  }
  return out;
}

/** The DSS dictionary of the newest revision and its objects. */
interface Dss {
  readonly dict: PdfDict | undefined;
  readonly certs: PdfRef[];
  readonly ocsps: PdfRef[];
  readonly crls: PdfRef[];
}

const refsOf = (v: PdfValue | undefined): PdfRef[] => (Array.isArray(v) ? v.filter(isRef) : []);

async function readDss(doc: PdfDocument, material: EvidenceMaterial): Promise<Dss> {
  const catalog = await doc.catalog();
  const dict = await doc.resolveDict(catalog.dict.map.get('DSS'));
  const dss: Dss = {
    dict,
    certs: refsOf((await doc.resolve(dict?.map.get('Certs'))) as PdfValue),
    ocsps: refsOf((await doc.resolve(dict?.map.get('OCSPs'))) as PdfValue),
    crls: refsOf((await doc.resolve(dict?.map.get('CRLs'))) as PdfValue),
  };
  const data = async (r: PdfRef): Promise<Uint8Array | undefined> => {
    try {
      const s = await doc.get(r.num);
      return isStream(s) ? await doc.decodedStream(s) : undefined;
    } catch (e) {
      if (isShomeiError(e) && e.code === 'ABORTED') throw e;
      return undefined;
    }
  };
  for (const r of dss.certs) {
    const d = await data(r);
    const c = d ? certificateOf(d) : undefined;
    if (c) addSupplied(material, { certificates: [c] });
  }
  for (const r of dss.ocsps) {
    const d = await data(r);
    if (d) material.ocsp.push(d);
  }
  for (const r of dss.crls) {
    const d = await data(r);
    if (d) material.crls.push(d);
  }
  return dss;
}

/** Everything the PDF carries: the DSS, each CMS, each timestamp token. */
async function pdfMaterial(
  doc: PdfDocument,
  sigs: readonly PdfSig[],
): Promise<{ m: EvidenceMaterial; dss: Dss }> {
  const m = emptyMaterial();
  const dss = await readDss(doc, m);
  for (const s of sigs) {
    if (s.docTimestamp) {
      addTokenMaterial(m, s.raw);
      continue;
    }
    for (const si of s.raw.signerInfos) {
      const cm = cmsMaterial(s.raw, si);
      addSupplied(m, cm);
      for (const t of signatureTokens(si)) addTokenMaterial(m, t.raw);
    }
  }
  return { m, dss };
}

function signatureTokens(si: RawSignedData['signerInfos'][number]): ParsedToken[] {
  return si.unsigned
    .filter((a) => a.oid === ATTRIBUTE_OID.timeStampToken)
    .flatMap((a) => a.values)
    .flatMap((der) => {
      const t = readToken(der);
      return t ? [t] : [];
    });
}

export interface AugmentPdfOptions {
  /** `LT`: a DSS with the validation data; `LTA`: then a document timestamp over it. */
  level: 'LT' | 'LTA';
  trustAnchors: readonly CertificateInput[];
  /** Needed for LTA: the TSA of the document timestamp. */
  timestamp?: TimestampSource;
  revocationSource?: RevocationSource;
  /** Revocation data obtained out of band. */
  ocsp?: readonly Uint8Array[];
  crls?: readonly Uint8Array[];
  intermediates?: readonly CertificateInput[];
  /** The time to prove for a signature without a signature timestamp. Default now. */
  now?: Date;
  /** The crypto backend and caches of the path and revocation checks. Default: `defaultContext`. */
  context?: ShomeiContext;
  signal?: AbortSignal;
}

export interface AugmentPdfResult {
  /** The augmented PDF: the input followed by the new incremental updates. */
  readonly pdf: Uint8Array;
  /** One line per certificate that got no fresh revocation data; empty when the file is B-LT(A). */
  readonly missing: readonly string[];
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** One DSS update: new streams, the DSS dictionary with /VRI, and the catalog pointing at it. */
async function gatherDss(
  bytes: Uint8Array,
  options: AugmentPdfOptions,
  only?: (s: PdfSig, all: readonly PdfSig[]) => boolean,
): Promise<{ pdf: Uint8Array; missing: string[] }> {
  const doc = await PdfDocument.open(bytesSource(bytes), options.signal ? { signal: options.signal } : {});
  const sigs = await pdfSignatures(doc, bytes);
  const { m: material, dss } = await pdfMaterial(doc, sigs);
  addSupplied(material, { certificates: options.intermediates ?? [] });
  const anchors = anchorsOf(options.trustAnchors);
  const now = options.now ?? new Date();
  let next = Number(doc.trailer.map.get('Size') ?? 0);
  for (const s of doc.chain) next = Math.max(next, Number(s.trailer.map.get('Size') ?? 0));
  const objects: UpdateObject[] = [];
  const have = new Map<string, PdfRef>();
  const known = async (refs: PdfRef[]) => {
    for (const r of refs) {
      const s = await doc.get(r.num);
      if (isStream(s)) have.set(toHex(await doc.decodedStream(s)), r);
    }
  };
  await known([...dss.certs, ...dss.ocsps, ...dss.crls]);
  const certs = [...dss.certs];
  const ocsps = [...dss.ocsps];
  const crls = [...dss.crls];
  const store = (der: Uint8Array, list: PdfRef[]): PdfRef => {
    const key = toHex(der);
    const old = have.get(key);
    if (old) return old;
    const num = next++;
    objects.push({ num, bytes: objectBytes(num, pdfDict({}), der) });
    const ref = pdfRef(num);
    have.set(key, ref);
    list.push(ref);
    return ref;
  };
  const vris = new Map<string, { cert: PdfRef[]; ocsp: PdfRef[]; crl: PdfRef[] }>();
  const missing: string[] = [];
  const o = {
    anchors,
    ...(options.ocsp ? { ocsp: options.ocsp } : {}),
    ...(options.crls ? { crls: options.crls } : {}),
    ...(options.revocationSource ? { revocationSource: options.revocationSource } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.context ? { context: options.context } : {}),
  };
  for (const s of sigs) {
    if (only && !only(s, sigs)) continue;
    throwIfAborted(options.signal);
    const vri = { cert: [] as PdfRef[], ocsp: [] as PdfRef[], crl: [] as PdfRef[] };
    const add = (list: PdfRef[], r: PdfRef) => {
      if (!list.some((x) => x.num === r.num)) list.push(r);
    };
    const sink: EvidenceSink = {
      certificate: (c) => add(vri.cert, store(c.der, certs)),
      ocsp: (der) => add(vri.ocsp, store(der, ocsps)),
      crl: (der) => add(vri.crl, store(der, crls)),
    };
    const path = async (cert: Certificate | undefined, time: Date, what: string) => {
      if (!cert) {
        missing.push(`${what}: its certificate is not in the file`);
        return;
      }
      missing.push(...(await gatherPath(cert, time, material, sink, o)));
    };
    if (s.docTimestamp) {
      if (s.token) {
        const tsa = certificateFor(s.token.raw.signerInfos[0]!, material.certificates);
        await path(tsa, s.token.info.genTime, `the document timestamp in ${s.field}`);
      }
    } else {
      for (const si of s.raw.signerInfos) {
        const tokens = signatureTokens(si);
        // The earliest proof of existence: a signature timestamp, else a document timestamp covering it.
        const times = tokens.length
          ? tokens.map((t) => t.info.genTime.getTime())
          : sigs.flatMap((d) =>
              d.docTimestamp && d.token && d.end > s.end ? [d.token.info.genTime.getTime()] : [],
            );
        const at = times.length ? new Date(Math.min(...times)) : now;
        await path(certificateFor(si, material.certificates), at, `the signer of ${s.field}`);
        for (const t of tokens) {
          const tsa = certificateFor(t.raw.signerInfos[0]!, material.certificates);
          await path(tsa, t.info.genTime, `the signature timestamp of ${s.field}`);
        }
      }
    }
    vris.set(s.vri, vri);
  }
  if (objects.length === 0) return { pdf: bytes, missing };
  // §5.4.2.2: /VRI maps the signature's key to the validation data that applies to it.
  const oldVri = await doc.resolveDict(dss.dict?.map.get('VRI'));
  const vriMap = new Map<string, PdfValue>(oldVri?.map ?? []);
  for (const [key, v] of vris) {
    const prev = await doc.resolveDict(vriMap.get(key));
    const merged = (name: string, refs: PdfRef[]) => {
      const all = [...refsOf(prev?.map.get(name) as PdfValue | undefined)];
      for (const r of refs) if (!all.some((x) => x.num === r.num)) all.push(r);
      return all;
    };
    const entries: [string, PdfValue][] = [];
    for (const [name, refs] of [
      ['Cert', v.cert],
      ['OCSP', v.ocsp],
      ['CRL', v.crl],
    ] as const) {
      const all = merged(name, refs);
      if (all.length) entries.push([name, all]);
    }
    if (entries.length) vriMap.set(key, pdfDict(entries));
  }
  const dssEntries: [string, PdfValue][] = [['Type', pdfName('DSS')]];
  if (certs.length) dssEntries.push(['Certs', certs]);
  if (ocsps.length) dssEntries.push(['OCSPs', ocsps]);
  if (crls.length) dssEntries.push(['CRLs', crls]);
  if (vriMap.size) dssEntries.push(['VRI', pdfDict(vriMap)]);
  const dssNum = next++;
  objects.push({ num: dssNum, bytes: objectBytes(dssNum, pdfDict(dssEntries)) });
  const catalog = await doc.catalog();
  const cat = new Map(catalog.dict.map);
  cat.set('DSS', pdfRef(dssNum));
  objects.push({ num: catalog.ref.num, bytes: objectBytes(catalog.ref.num, { type: 'dict', map: cat }) });
  const update = await incrementalUpdate(doc, objects, next);
  return { pdf: concat(bytes, update.bytes), missing };
}

/**
 * Augments a signed PDF to PAdES B-LT or B-LTA by incremental updates (see the module comment). The
 * signatures are not touched: PAdES B-T needs the signature timestamp at signing (`signPdf` with
 * `timestamp`), or a document timestamp (B-LTA) proves existence instead.
 */
export async function augmentPdf(pdf: Uint8Array, options: AugmentPdfOptions): Promise<AugmentPdfResult> {
  if (!options || (options.level !== 'LT' && options.level !== 'LTA'))
    throw coreError('INPUT_INVALID', "augmentPdf needs options.level 'LT' or 'LTA'.");
  if (!Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0)
    throw coreError('INPUT_INVALID', 'augmentPdf needs at least one trust anchor (options.trustAnchors).');
  if (options.level === 'LTA' && !options.timestamp)
    throw coreError('INPUT_INVALID', 'augmentPdf to LTA needs a timestamp source (options.timestamp).');
  throwIfAborted(options.signal);
  // For LTA, a signature with no timestamp yet is proven by the new document timestamp: its
  // revocation data must be issued after that, so it is gathered in the update that follows it.
  const unproven = (s: PdfSig, all: readonly PdfSig[]) =>
    !s.docTimestamp &&
    s.raw.signerInfos.every((si) => signatureTokens(si).length === 0) &&
    !all.some((d) => d.docTimestamp && d.end > s.end);
  const lt = await gatherDss(
    pdf,
    options,
    options.level === 'LTA' ? (s, all) => !unproven(s, all) : undefined,
  );
  if (options.level === 'LT' || !options.timestamp) return lt;
  const doc = await PdfDocument.open(bytesSource(lt.pdf), options.signal ? { signal: options.signal } : {});
  const prepared = await prepareDocumentTimestamp(doc, DOC_TS_CONTENTS);
  const u = prepared.update;
  const covered = new Uint8Array(lt.pdf.length + u.length - (prepared.holeEnd - prepared.holeStart));
  covered.set(lt.pdf);
  covered.set(u.subarray(0, prepared.holeStart - prepared.originalSize), lt.pdf.length);
  covered.set(u.subarray(prepared.holeEnd - prepared.originalSize), prepared.holeStart);
  const token = await options.timestamp(covered, options.signal ? { signal: options.signal } : {});
  if (token.length > DOC_TS_CONTENTS)
    throw coreError(
      'PDF_SIGNATURE_TOO_LARGE',
      `The document timestamp needs ${token.length} bytes but ${DOC_TS_CONTENTS} were reserved.`,
      { details: { needed: token.length, reserved: DOC_TS_CONTENTS } },
    );
  u.set(latin1(toHex(token)), prepared.holeStart - prepared.originalSize + 1);
  const stamped = concat(lt.pdf, u);
  // The new document timestamp's own TSA: its validation data follows it, so it too can be validated
  // offline (the next augmentation's document timestamp will cover it).
  const tsa = await gatherDss(
    stamped,
    options,
    (s, all) =>
      s.end === stamped.length ||
      unproven(
        s,
        all.filter((d) => d.end !== stamped.length),
      ),
  );
  return { pdf: tsa.pdf, missing: [...lt.missing, ...tsa.missing] };
}

export type VerifyPdfLongTermOptions = Omit<VerifyCmsLongTermOptions, 'content'>;

/** A long-term report for one signature field of a PDF. */
export interface PdfLongTermSignature extends LongTermReport {
  readonly field: string;
}

export interface PdfLongTermReport {
  /** The worst verdict over the signatures (`indeterminate` when there is none). */
  readonly verdict: LongTermReport['verdict'];
  readonly signatures: readonly PdfLongTermSignature[];
}

/**
 * Validates each (non-timestamp) signature of a PDF in the past: the earliest trustworthy signature
 * timestamp or later document timestamp fixes the time at which the signature, its chain and their
 * revocation are judged, with the material of the DSS, the CMS and the tokens. The PDF checks of
 * `verifyPdf` (byte range, allowed later changes) must pass, else FORMAT_FAILURE.
 */
export async function verifyPdfLongTerm(
  pdf: Uint8Array,
  options: VerifyPdfLongTermOptions,
): Promise<PdfLongTermReport> {
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0)
    throw coreError(
      'INPUT_INVALID',
      'verifyPdfLongTerm needs at least one trust anchor (options.trustAnchors).',
    );
  throwIfAborted(options.signal);
  const now = options.now ?? new Date();
  const doc = await PdfDocument.open(bytesSource(pdf), options.signal ? { signal: options.signal } : {});
  const structural = await verifyPdf(pdf, { ...options, revocation: 'off', time: now });
  const sigs = await pdfSignatures(doc, pdf);
  const { m: material, dss } = await pdfMaterial(doc, sigs);
  addSupplied(material, {
    certificates: options.intermediates ?? [],
    crls: (options.crls ?? []).filter((c): c is Uint8Array => c instanceof Uint8Array),
    ocsp: options.ocsp ?? [],
  });
  const anchors = anchorsOf(options.trustAnchors);
  const docTs = sigs.filter((s) => s.docTimestamp);
  const out: PdfLongTermSignature[] = [];
  for (const s of sigs) {
    if (s.docTimestamp) continue;
    const pdfChecks = structural.signatures.find((x) => x.pdf.field === s.field)?.pdf.checks ?? [];
    const broken = pdfChecks.find((c) => !c.ok);
    if (broken || s.raw.signerInfos.length === 0 || s.sd.signerInfos.length !== s.raw.signerInfos.length) {
      const detail = broken?.detail ?? 'the signature has no signer';
      out.push({ field: s.field, ...formatFailure(detail, now, broken?.code) });
      continue;
    }
    const rsi = s.raw.signerInfos[0]!;
    const sigTokens = signatureTokens(rsi);
    const later = docTs.filter((d) => d.end > s.end);
    const input = (tok: ParsedToken | undefined, kind: TimestampInput['kind'], data: Uint8Array) =>
      timestampInput(
        kind,
        tok,
        data,
        kind === 'document-timestamp'
          ? 'the document timestamp imprint is not the hash of its byte ranges'
          : 'the token does not cover this signature value',
        material,
        now,
        options,
      );
    const timestamps = await Promise.all([
      ...sigTokens.map((t) => input(t, 'signature-timestamp', rsi.signature)),
      ...later.map((d) => input(d.token, 'document-timestamp', d.ranges)),
    ]);
    const hasRevocation = material.ocsp.length + material.crls.length > 0;
    const level: LongTermReport['level'] =
      later.length && dss.dict
        ? 'LTA'
        : hasRevocation && (sigTokens.length || later.length)
          ? 'LT'
          : sigTokens.length || later.length
            ? 'T'
            : 'B';
    let lastSigner: LongTermReport['signer'] = { subject: '' };
    let algs: { digestAlgorithm: string; signatureAlgorithm: string } | undefined;
    // The first SignerInfo as written in /Contents (the one whose timestamps were taken above), parsed
    // from those bytes, without the certificates and unsigned attributes judged here from the material.
    // Writing the SignedData again as DER would re-sort the SignerInfos SET (X.690 §11.6), so another
    // SignerInfo than the one reported could be the one checked.
    const psi = s.sd.signerInfos[0]!;
    const bare: SignedData = {
      ...s.sd,
      certificates: [],
      crls: [],
      signerInfos: [{ ...psi, unsignedAttrs: [] }],
    };
    const signatureAt = async (t: Date): Promise<SignatureAtTime> => {
      const report = await verifySignedData(bare, {
        ...options,
        content: s.ranges,
        intermediates: material.certificates,
        time: t,
        revocation: 'off',
      });
      lastSigner = report.signer;
      algs = { digestAlgorithm: report.digestAlgorithm, signatureAlgorithm: report.signatureAlgorithm };
      const path = pathOf(report.chain, [...material.certificates, ...anchors]);
      const bits = path[0]?.rsaModulusBits;
      const algorithms = [report.digestAlgorithm, ...(bits ? [`RSA-${bits}`] : [])].filter(Boolean);
      const failed = report.checks.find((c) => !c.ok && c.name !== 'revocation' && c.name !== 'timestamp');
      if (failed)
        return {
          ok: false,
          code: reasonForCheck(failed.name, failed.code),
          detail: failed.detail ?? failed.code ?? failed.name,
          path,
          checks: report.checks,
          algorithms,
        };
      return { ok: true, path, checks: report.checks, algorithms };
    };
    const r = await validatePast({
      ...(options.context ? { context: options.context } : {}),
      now,
      level,
      signer: { subject: '' },
      timestamps,
      material,
      anchors,
      signatureAt,
      ...(options.algorithmExpiry ? { algorithmExpiry: options.algorithmExpiry } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    out.push({ ...r, field: s.field, signer: lastSigner, ...(algs ?? {}) });
  }
  // A signed field whose /Contents, /ByteRange or CMS cannot be read has no PdfSig: it is reported with
  // the check verifyPdf failed rather than left out (a signature must never vanish from the report).
  for (const x of structural.signatures) {
    if (x.pdf.subFilter === 'ETSI.RFC3161' || sigs.some((s) => s.field === x.pdf.field)) continue;
    const broken = x.pdf.checks.find((c) => !c.ok);
    out.push({
      field: x.pdf.field,
      ...formatFailure(broken?.detail ?? 'the signature could not be read', now, broken?.code),
    });
  }
  let verdict: LongTermReport['verdict'] = out.length ? 'valid' : 'indeterminate';
  for (const r of out) if (RANK[r.verdict] > RANK[verdict]) verdict = r.verdict;
  return { verdict, signatures: out };
}

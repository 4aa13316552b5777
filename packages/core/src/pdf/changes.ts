/**
 * What changed in an incremental update, object by object, and whether a signature's permissions
 * allow it (ISO 32000-1 §12.8.2.2 DocMDP; approval signatures without DocMDP are held to level 3).
 * Allowed: a new signature in an empty signature field, form filling (level ≥ 2), annotations
 * (level 3), DSS validation data and document timestamps (always, PAdES EN 319 142-1 §5.4.3).
 * Not allowed: any other object redefined or deleted — page content, the page tree, fonts,
 * resources, an existing signature — and bytes appended that no cross-reference section covers.
 */

import { annotationFact, describeAnnotation, type PdfAnnotationFact } from './annotations.js';
import type { DocMdpPermissions } from './docmdp.js';
import type { PdfDocument } from './document.js';
import {
  dictOf,
  isDict,
  isName,
  isRef,
  isStream,
  nameOf,
  type PdfDict,
  type PdfObject,
  type PdfValue,
  pdfEqual,
} from './objects.js';

export type PdfChangeKind =
  | 'added'
  | 'unchanged'
  | 'signature'
  | 'form'
  | 'annotation'
  | 'dss'
  | 'catalog'
  | 'page'
  | 'content'
  | 'font'
  | 'signature-replaced'
  | 'deleted'
  | 'trailer'
  | 'object'
  | 'unsigned-data';

export interface PdfChange {
  /** Object number (absent for trailer and appended-bytes findings). */
  readonly object?: number;
  readonly kind: PdfChangeKind;
  readonly allowed: boolean;
  readonly detail: string;
  /** The annotations (widgets included) this change adds, modifies or removes, with what they can cover. */
  readonly annotations?: readonly PdfAnnotationFact[];
}

export interface PdfRevisionChanges {
  /** Revision index (0 = original document). */
  readonly revision: number;
  readonly allowed: boolean;
  readonly changes: readonly PdfChange[];
}

const FORM_KEYS = new Set(['Fields', 'SigFlags', 'DR', 'DA', 'NeedAppearances']);
const CATALOG_KEYS = new Set(['AcroForm', 'DSS', 'Extensions']);
const FIELD_FILL_KEYS = new Set(['V', 'AP', 'AS', 'MK']);
const SIG_FILL_KEYS = new Set(['V', 'AP', 'MK', 'F']);

function changedKeys(a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.map.keys(), ...b.map.keys()]);
  return [...keys].filter((k) => !pdfEqual(a.map.get(k), b.map.get(k)));
}

const refKey = (v: PdfValue): string => (isRef(v) ? `${v.num} ${v.gen}` : JSON.stringify(v));

/** Elements of `before` all still in `after`; returns those added and removed. */
function arrayDiff(
  before: readonly PdfValue[],
  after: readonly PdfValue[],
): { added: PdfValue[]; removed: PdfValue[] } {
  const a = new Set(after.map(refKey));
  const b = new Set(before.map(refKey));
  return { added: after.filter((x) => !b.has(refKey(x))), removed: before.filter((x) => !a.has(refKey(x))) };
}

interface Ctx {
  doc: PdfDocument;
  revision: number;
  level: DocMdpPermissions;
  rootNum: number;
}

const change = (object: number, kind: PdfChangeKind, allowed: boolean, detail: string): PdfChange => ({
  object,
  kind,
  allowed,
  detail,
});

/** A new signature (or document timestamp) in field `dict`: allowed at level ≥ 2, timestamps always. */
async function signatureFill(ctx: Ctx, num: number, dict: PdfDict): Promise<PdfChange> {
  const sig = await ctx.doc.resolveDict(dict.map.get('V'), ctx.revision);
  const timestamp = isName(sig?.map.get('Type'), 'DocTimeStamp');
  const allowed = timestamp || ctx.level >= 2;
  return change(
    num,
    'signature',
    allowed,
    timestamp ? 'document timestamp added' : 'signature added to an empty signature field',
  );
}

/** One line naming the annotations of a change: `…: /FreeText (object 40) at [..], can cover page content`. */
const listed = (facts: readonly PdfAnnotationFact[]): string =>
  facts.length > 0
    ? `: ${facts.slice(0, 4).map(describeAnnotation).join('; ')}${facts.length > 4 ? '; …' : ''}`
    : '';

/**
 * Widgets/annotations added to a page's /Annots or to /Fields. §12.8.2.2 Table 254: signing is allowed
 * at P ≥ 2, annotations (and new form fields, whose widgets are annotations) at P = 3 only; filling an
 * existing field is classified where the field changes.
 */
async function classifyAdded(
  ctx: Ctx,
  num: number,
  added: readonly PdfValue[],
  what: string,
): Promise<PdfChange> {
  let kind: PdfChangeKind = 'signature';
  const facts: PdfAnnotationFact[] = [];
  for (const a of added) {
    const d = await ctx.doc.resolveDict(a, ctx.revision);
    const ft =
      nameOf(d?.map.get('FT')) ??
      nameOf((await ctx.doc.resolveDict(d?.map.get('Parent'), ctx.revision))?.map.get('FT'));
    facts.push(await annotationFact(ctx.doc, a, ctx.revision, 'added'));
    if (ft === 'Sig') continue;
    if (isName(d?.map.get('Subtype'), 'Widget') || ft) kind = kind === 'annotation' ? 'annotation' : 'form';
    else kind = 'annotation';
  }
  const allowed = kind === 'signature' ? ctx.level >= 2 : ctx.level >= 3;
  const noun =
    kind === 'annotation'
      ? 'annotation(s)'
      : kind === 'form'
        ? 'form field widget(s)'
        : 'signature widget(s)';
  return {
    ...change(num, kind, allowed, `${added.length} ${noun} added to ${what}${listed(facts)}`),
    annotations: facts,
  };
}

/** Annotations dropped from an /Annots array: allowed at P3 (§12.8.2.2), listed with what they covered. */
async function removedAnnotations(
  ctx: Ctx,
  num: number,
  removed: readonly PdfValue[],
  what: string,
): Promise<PdfChange> {
  const facts = await Promise.all(
    removed.map((x) => annotationFact(ctx.doc, x, ctx.revision - 1, 'removed')),
  );
  const detail = `${what}: ${removed.length} annotation(s) removed${listed(facts)}`;
  return { ...change(num, 'annotation', ctx.level >= 3, detail), annotations: facts };
}

async function classify(ctx: Ctx, num: number, before: PdfObject, after: PdfObject): Promise<PdfChange> {
  const bd = dictOf(before);
  const ad = dictOf(after);
  if (isStream(before) || isStream(after)) {
    const type = nameOf(bd?.map.get('Type')) ?? nameOf(bd?.map.get('Subtype'));
    const font = bd?.map.has('Length1') || bd?.map.has('Length2') || type === 'FontFile';
    return change(
      num,
      font ? 'font' : 'content',
      false,
      `stream object ${num}${type ? ` (${type})` : ''} was replaced`,
    );
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const { added, removed } = arrayDiff(before, after);
    if (removed.length === 0 && added.length > 0) return classifyAdded(ctx, num, added, `array ${num}`);
    if (ctx.level >= 3 && added.length === 0) return removedAnnotations(ctx, num, removed, `array ${num}`);
    return change(num, 'object', false, `array ${num} was rewritten`);
  }
  if (!bd || !ad) return change(num, 'object', false, `object ${num} was redefined`);
  const type = nameOf(bd.map.get('Type'));
  const keys = changedKeys(bd, ad);
  if (num === ctx.rootNum || type === 'Catalog') {
    const bad = keys.filter((k) => !CATALOG_KEYS.has(k));
    if (bad.length > 0)
      return change(num, 'catalog', false, `the catalog's ${bad.map((k) => `/${k}`).join(', ')} changed`);
    if (keys.every((k) => k === 'DSS' || k === 'Extensions'))
      return change(num, 'dss', true, 'validation data (DSS) added');
    const bf = bd.map.get('AcroForm');
    const af = ad.map.get('AcroForm');
    if (isDict(bf ?? undefined) && isDict(af ?? undefined))
      return classify(ctx, num, bf as PdfDict, af as PdfDict);
    return change(num, 'form', ctx.level >= 2, 'the interactive form was added or replaced');
  }
  if (type === 'Page') {
    const bad = keys.filter((k) => k !== 'Annots');
    if (bad.length > 0)
      return change(num, 'page', false, `page object ${num}: ${bad.map((k) => `/${k}`).join(', ')} changed`);
    const b = await ctx.doc.resolve(bd.map.get('Annots'), ctx.revision - 1);
    const a = await ctx.doc.resolve(ad.map.get('Annots'), ctx.revision);
    const { added, removed } = arrayDiff(Array.isArray(b) ? b : [], Array.isArray(a) ? a : []);
    if (removed.length > 0) return removedAnnotations(ctx, num, removed, `page ${num}`);
    return classifyAdded(ctx, num, added, `page object ${num}`);
  }
  if (type === 'Sig' || type === 'DocTimeStamp' || bd.map.has('ByteRange')) {
    return change(num, 'signature-replaced', false, `signature dictionary ${num} was replaced`);
  }
  if (type === 'Font' || type === 'FontDescriptor')
    return change(num, 'font', false, `font object ${num} was replaced`);
  if (type === 'Pages') return change(num, 'page', false, `the page tree node ${num} changed`);
  if (type === 'DSS' || type === 'VRI') return change(num, 'dss', true, 'validation data (DSS) updated');
  if (bd.map.has('Fields')) {
    const bad = keys.filter((k) => !FORM_KEYS.has(k));
    if (bad.length > 0)
      return change(num, 'form', false, `the form's ${bad.map((k) => `/${k}`).join(', ')} changed`);
    const b = await ctx.doc.resolve(bd.map.get('Fields'), ctx.revision - 1);
    const a = await ctx.doc.resolve(ad.map.get('Fields'), ctx.revision);
    const { added, removed } = arrayDiff(Array.isArray(b) ? b : [], Array.isArray(a) ? a : []);
    if (removed.length > 0) return change(num, 'form', false, `${removed.length} form field(s) removed`);
    return added.length > 0
      ? classifyAdded(ctx, num, added, 'the form')
      : change(num, 'form', ctx.level >= 2, 'form settings changed');
  }
  const ft =
    nameOf(bd.map.get('FT')) ??
    nameOf((await ctx.doc.resolveDict(bd.map.get('Parent'), ctx.revision - 1))?.map.get('FT'));
  if (ft === 'Sig') {
    if (bd.map.has('V')) return change(num, 'signature-replaced', false, `signed field ${num} was changed`);
    if (keys.every((k) => SIG_FILL_KEYS.has(k)) && ad.map.has('V')) return signatureFill(ctx, num, ad);
    return change(
      num,
      'form',
      false,
      `signature field ${num}: ${keys.map((k) => `/${k}`).join(', ')} changed`,
    );
  }
  if (ft || bd.map.has('T')) {
    if (keys.every((k) => FIELD_FILL_KEYS.has(k)))
      return change(num, 'form', ctx.level >= 2, `form field ${num} filled in`);
    return change(num, 'form', false, `form field ${num}: ${keys.map((k) => `/${k}`).join(', ')} changed`);
  }
  if (type === 'Annot' || (bd.map.has('Subtype') && bd.map.has('Rect'))) {
    const fact = await annotationFact(ctx.doc, { type: 'ref', num, gen: 0 }, ctx.revision, 'modified');
    return {
      ...change(num, 'annotation', ctx.level >= 3, `annotation ${num} modified${listed([fact])}`),
      annotations: [fact],
    };
  }
  return change(num, 'object', false, `object ${num}${type ? ` (/${type})` : ''} was redefined`);
}

/** The changes an incremental revision (> 0) makes, judged at a DocMDP level. */
export async function revisionChanges(
  doc: PdfDocument,
  revision: number,
  level: DocMdpPermissions,
): Promise<PdfRevisionChanges> {
  const rev = doc.revisions[revision]!;
  const before = doc.trailerAt(revision - 1).map.get('Root');
  const after = doc.trailerAt(revision).map.get('Root');
  const changes: PdfChange[] = [];
  if (!isRef(after) || !pdfEqual(before, after)) {
    changes.push({ kind: 'trailer', allowed: false, detail: 'the trailer /Root names another catalog' });
  }
  const ctx: Ctx = { doc, revision, level, rootNum: isRef(after) ? after.num : -1 };
  const containers = new Set(
    rev.sections.map((s) => s.streamObject).filter((n): n is number => n !== undefined),
  );
  const seen = new Set<number>();
  for (const section of rev.sections) {
    for (const [num, entry] of section.entries) {
      if (num === 0 || containers.has(num) || seen.has(num)) continue;
      seen.add(num);
      const prior = doc.locate(num, revision - 1);
      if (entry.kind === 'free') {
        if (prior) changes.push(change(num, 'deleted', false, `object ${num} was deleted`));
        continue;
      }
      const cur = await doc.get(num, revision);
      if (
        isStream(cur) &&
        (isName(cur.dict.map.get('Type'), 'ObjStm') || isName(cur.dict.map.get('Type'), 'XRef'))
      )
        continue;
      if (!prior) {
        changes.push(change(num, 'added', true, `object ${num} added`));
        continue;
      }
      const prev = await doc.get(num, revision - 1);
      if (cur !== undefined && prev !== undefined && (await sameObject(doc, prev, cur))) {
        changes.push(change(num, 'unchanged', true, `object ${num} rewritten unchanged`));
        continue;
      }
      changes.push(await classify(ctx, num, prev ?? null, cur ?? null));
    }
  }
  return { revision, allowed: changes.every((c) => c.allowed), changes };
}

/** Equal values; equal streams need equal dictionaries and equal data (compared up to 1 MiB). */
async function sameObject(doc: PdfDocument, a: PdfObject, b: PdfObject): Promise<boolean> {
  if (!isStream(a) || !isStream(b)) return pdfEqual(a, b);
  if (a.length !== b.length || a.length > 1024 * 1024) return false;
  const ma = new Map(a.dict.map);
  const mb = new Map(b.dict.map);
  ma.delete('Length');
  mb.delete('Length');
  if (!pdfEqual({ type: 'dict', map: ma }, { type: 'dict', map: mb })) return false;
  const [x, y] = [await doc.streamBytes(a), await doc.streamBytes(b)];
  return x.every((v, i) => v === y[i]);
}

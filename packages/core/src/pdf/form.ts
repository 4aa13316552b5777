/**
 * The interactive form (ISO 32000-1 §12.7) and page tree (§7.7.3) as far as signatures need them:
 * the signature fields with their values, and a page to hang a widget on. Tree walks are bounded
 * and remember what they visited, so a /Kids or /Parent cycle cannot loop.
 */
import { coreError } from '../errors.js';
import type { PdfDocument } from './document.js';
import {
  isName,
  isRef,
  nameOf,
  type PdfDict,
  type PdfObject,
  type PdfRef,
  type PdfValue,
  textOf,
} from './objects.js';

const MAX_FIELDS = 10_000;
const MAX_TREE_DEPTH = 32;

export interface SignatureField {
  /** The field's object (undefined for a field written inline, which a signing writer never does). */
  readonly ref: PdfRef | undefined;
  readonly dict: PdfDict;
  /** Fully qualified name (§12.7.3.2: partial names joined by periods). */
  readonly name: string;
  /** /V: the signature dictionary reference (or an inline dictionary), if signed. */
  readonly value: PdfValue | undefined;
}

/** Every terminal field of type /Sig, in /Fields order, as of a revision. */
export async function signatureFields(doc: PdfDocument, revision?: number): Promise<SignatureField[]> {
  const { dict: catalog } = await doc.catalog(revision);
  const form = await doc.resolveDict(catalog.map.get('AcroForm'), revision);
  if (!form) return [];
  const fields = await doc.resolve(form.map.get('Fields'), revision);
  if (!Array.isArray(fields)) return [];
  const out: SignatureField[] = [];
  const seen = new Set<number>();
  let budget = MAX_FIELDS;
  const walk = async (
    items: readonly PdfValue[],
    parentName: string,
    inheritedFt: string | undefined,
    depth: number,
  ) => {
    if (depth > MAX_TREE_DEPTH) throw coreError('PDF_LIMIT_EXCEEDED', 'The form field tree is too deep.');
    for (const item of items) {
      if (--budget < 0) throw coreError('PDF_LIMIT_EXCEEDED', `The form has more than ${MAX_FIELDS} fields.`);
      if (isRef(item)) {
        if (seen.has(item.num)) continue;
        seen.add(item.num);
      }
      const dict = await doc.resolveDict(item, revision);
      if (!dict) continue;
      const partial = textOf(dict.map.get('T'));
      const name = partial === undefined ? parentName : parentName ? `${parentName}.${partial}` : partial;
      const ft = nameOf(dict.map.get('FT')) ?? inheritedFt;
      const kids = await doc.resolve(dict.map.get('Kids'), revision);
      // §12.7.1: kids that are fields have /T; kids without one are widgets of this field.
      const kidFields: PdfValue[] = [];
      if (Array.isArray(kids)) {
        for (const k of kids) {
          const kd = await doc.resolveDict(k, revision);
          if (kd?.map.has('T')) kidFields.push(k);
        }
      }
      if (kidFields.length > 0) await walk(kidFields, name, ft, depth + 1);
      else if (ft === 'Sig')
        out.push({ ref: isRef(item) ? item : undefined, dict, name, value: dict.map.get('V') });
    }
  };
  await walk(fields, '', undefined, 0);
  return out;
}

/** All field names (to choose a fresh one). */
export async function fieldNames(doc: PdfDocument): Promise<Set<string>> {
  const names = new Set<string>();
  const { dict: catalog } = await doc.catalog();
  const form = await doc.resolveDict(catalog.map.get('AcroForm'));
  const fields = form ? await doc.resolve(form.map.get('Fields')) : undefined;
  if (!Array.isArray(fields)) return names;
  for (const f of fields.slice(0, MAX_FIELDS)) {
    const t = textOf((await doc.resolveDict(f))?.map.get('T'));
    if (t) names.add(t);
  }
  return names;
}

/** The `index`-th page (0-based) of the page tree, by a bounded walk. */
export async function pageAt(doc: PdfDocument, index: number): Promise<{ ref: PdfRef; dict: PdfDict }> {
  const { dict: catalog } = await doc.catalog();
  let node: PdfObject | undefined = catalog.map.get('Pages');
  let remaining = index;
  const seen = new Set<number>();
  for (let depth = 0; depth <= MAX_TREE_DEPTH; depth++) {
    if (!isRef(node) || seen.has(node.num)) break;
    seen.add(node.num);
    const dict = await doc.resolveDict(node);
    if (!dict) break;
    if (isName(dict.map.get('Type'), 'Page')) {
      if (remaining === 0) return { ref: node, dict };
      break;
    }
    const kids = await doc.resolve(dict.map.get('Kids'));
    if (!Array.isArray(kids)) break;
    let next: PdfObject | undefined;
    for (const k of kids.slice(0, MAX_FIELDS)) {
      const kd = await doc.resolveDict(k);
      if (!kd) continue;
      const count = isName(kd.map.get('Type'), 'Page') ? 1 : kd.map.get('Count');
      const n = typeof count === 'number' && count >= 0 ? count : 0;
      if (remaining < n) {
        next = k;
        break;
      }
      remaining -= n;
    }
    node = next;
  }
  throw coreError('INPUT_INVALID', `The PDF has no page ${index + 1}.`);
}

/**
 * DocMDP (ISO 32000-1 §12.8.2.2): a certification signature's permission level. The catalog's
 * /Perms /DocMDP names the signature; its /Reference holds TransformParams /P (default 2).
 */
import type { PdfDocument } from './document.js';
import { isDict, isName, isRef, type PdfDict, type PdfRef } from './objects.js';

export type DocMdpPermissions = 1 | 2 | 3;

/** /P of a signature dictionary's DocMDP reference, or undefined when it is not a certification. */
export async function docMdpPermissions(
  doc: PdfDocument,
  sig: PdfDict,
  revision?: number,
): Promise<DocMdpPermissions | undefined> {
  const refs = await doc.resolve(sig.map.get('Reference'), revision);
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs.slice(0, 16)) {
    const d = await doc.resolveDict(r, revision);
    if (!d || !isName(d.map.get('TransformMethod'), 'DocMDP')) continue;
    const params = await doc.resolveDict(d.map.get('TransformParams'), revision);
    const p = params?.map.get('P');
    return p === 1 || p === 3 ? p : 2;
  }
  return undefined;
}

/** The document's certification, as of a revision. */
export async function docMdpOf(
  doc: PdfDocument,
  revision?: number,
): Promise<{ signature: PdfRef; permissions: DocMdpPermissions } | undefined> {
  const { dict } = await doc.catalog(revision);
  const perms = await doc.resolveDict(dict.map.get('Perms'), revision);
  const ref = perms?.map.get('DocMDP');
  if (!isRef(ref)) return undefined;
  const sig = await doc.resolveDict(ref, revision);
  if (!sig || !isDict(sig)) return undefined;
  const permissions = await docMdpPermissions(doc, sig, revision);
  return permissions ? { signature: ref, permissions } : undefined;
}

/**
 * What an annotation added or changed after a signature can do to what the reader sees. Annotations
 * are drawn over the page (ISO 32000-1 §12.5), so an annotation that is allowed by DocMDP can still
 * cover signed text and show something else in its place: the "evil annotation" attack on P3
 * certifications and the "sneaky signature" attack (a signature widget whose appearance imitates page
 * content) on P2 ones (Mainka, Mladenov, Rohlmann, Schwenk: "Breaking the Specification: PDF
 * Certification", IEEE S&P 2021), the annotation form of the shadow attacks' "hide" and "replace".
 * shomei reports each such annotation with its subtype and whether it can cover page content.
 */
import type { PdfDocument } from './document.js';
import { isDict, isRef, isStream, nameOf, type PdfValue } from './objects.js';

export interface PdfAnnotationFact {
  /** What the later revision did with it. */
  readonly action: 'added' | 'modified' | 'removed';
  /** Object number, when the annotation is an indirect object. */
  readonly object?: number;
  /** /Subtype without the slash (`FreeText`, `Stamp`, `Widget`, …); `(none)` when missing. */
  readonly subtype: string;
  /** The /Rect, when it is four numbers. */
  readonly rect?: readonly [number, number, number, number];
  /**
   * True when it can draw over page content: not hidden, a rectangle with an area, and an appearance
   * stream (which may draw anything) or a subtype viewers draw as opaque shapes or text.
   */
  readonly overlay: boolean;
}

/**
 * §12.5.6: subtypes a viewer draws (generating an appearance when /AP is absent) as text, shapes or
 * images that can cover what lies under them. Link, Popup, Text (an icon) and the multimedia subtypes
 * cover page content only through an /AP of their own.
 */
const DRAWN = new Set([
  'FreeText',
  'Line',
  'Square',
  'Circle',
  'Polygon',
  'PolyLine',
  'Ink',
  'Stamp',
  'Redact',
  'Watermark',
  'Caret',
  'Highlight',
  'Underline',
  'Squiggly',
  'StrikeOut',
]);

// §12.5.3 Table 165: annotation flags that keep it from being shown.
const HIDDEN = 1 << 1;
const NO_VIEW = 1 << 5;

/** The facts of one annotation (a dictionary or a reference to one), as of a revision. */
export async function annotationFact(
  doc: PdfDocument,
  value: PdfValue,
  revision: number,
  action: PdfAnnotationFact['action'],
): Promise<PdfAnnotationFact> {
  const dict = await doc.resolveDict(value, revision);
  const object = isRef(value) ? { action, object: value.num } : { action };
  if (!dict) return { ...object, subtype: '(none)', overlay: false };
  const subtype = nameOf(dict.map.get('Subtype')) ?? '(none)';
  const raw = await doc.resolve(dict.map.get('Rect'), revision);
  const nums = Array.isArray(raw) && raw.length === 4 && raw.every((x) => typeof x === 'number');
  const rect = nums ? (raw as [number, number, number, number]) : undefined;
  const flags = dict.map.get('F');
  const hidden = typeof flags === 'number' && (flags & (HIDDEN | NO_VIEW)) !== 0;
  const area = rect ? Math.abs((rect[2] - rect[0]) * (rect[3] - rect[1])) > 0 : false;
  const ap = await doc.resolve(dict.map.get('AP'), revision);
  const normal = isDict(ap) ? ap.map.get('N') : undefined;
  const appearance = normal !== undefined && (isRef(normal) || isDict(normal) || isStream(normal));
  return {
    ...object,
    subtype,
    ...(rect ? { rect } : {}),
    overlay: !hidden && area && (appearance || DRAWN.has(subtype)),
  };
}

/** `/FreeText (object 40) at [10 10 300 60], can cover page content` */
export function describeAnnotation(a: PdfAnnotationFact): string {
  const at = a.object === undefined ? '' : ` (object ${a.object})`;
  const rect = a.rect ? ` at [${a.rect.join(' ')}]` : '';
  return `/${a.subtype}${at}${rect}${a.overlay ? ', can cover page content' : ''}`;
}

/** Visible signature appearances. */
import type { Signer } from '../signer.js';
import type { UpdateObject } from './incremental.js';

export interface VisibleSignature {
  /** [x1, y1, x2, y2] in default user space units (1/72 inch) on the page. */
  rect: [number, number, number, number];
  /** Lines of text; default the signer's name and the signing time. */
  lines?: string[];
  /** TrueType font bytes with glyphs for the text (e.g. IPA Gothic); only the glyphs used are embedded. */
  font: Uint8Array;
}

export async function visibleAppearance(
  _v: VisibleSignature,
  _signer: Signer,
  _alloc: () => number,
): Promise<{ objects: UpdateObject[]; rect: number[]; appearance: number }> {
  throw new Error('visible signatures are not built yet');
}

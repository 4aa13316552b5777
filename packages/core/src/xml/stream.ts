/**
 * Verifying without the document tree. A signature verifier needs nodes for very little: the
 * ds:Signature it reads, and the elements its references name. `scanXml` reads the whole document
 * once with the strict parser (every rule of parseXml: no DTD, no entities, one root, limits) and
 * keeps only those: the Signature subtrees whole, ID-carrying subtrees whole while a node budget
 * lasts and past it as bare nodes (attributes, namespace declarations and ancestors, which give the
 * C14N context; no children), and an ID index that refuses duplicates across the whole document. `canonicalizeText` then renders a
 * referenced element or the whole document straight from the text, a second read by the same parser
 * feeding the same C14N emitter as the tree walk, so the bytes are the tree's bytes while memory
 * stays near the document text. Browser-safe.
 */
import { coreError } from '../errors.js';
import { DSIG_NS } from './algorithms.js';
import { C14nEmitter, type C14nOptions } from './c14n.js';
import { elementPath, XML_NS, type XmlDocument, type XmlElement, type XmlNode } from './dom.js';
import {
  addChild,
  DESCEND,
  decodeXml,
  type MutableElement,
  type ParseHandler,
  Parser,
  type XmlParseOptions,
} from './parse.js';

/**
 * Documents from this size (bytes or characters) are verified from a scan; smaller ones from the
 * parsed tree, which costs less CPU when the whole tree is a few hundred KiB at most (measured: an
 * e-Gov kousei.xml of 6 KB verifies in about half the CPU time from its tree).
 */
export const STREAM_FROM = 1 << 18;

export interface ScanOptions extends XmlParseOptions {
  /** Attributes that carry element IDs (besides xml:id). */
  readonly idAttributes: readonly string[];
  /** Elements at a depth below this are kept as bare nodes in their parent's children (1: the root's children). */
  readonly shallowDepth?: number;
  /** Other subtrees to keep whole (besides ds:Signature). */
  readonly keepSubtree?: (el: XmlElement) => boolean;
}

/** What a scan kept of a document. */
export interface ScannedXml {
  readonly text: string;
  readonly limits: XmlParseOptions;
  /**
   * The document's skeleton: the root, elements above `shallowDepth` without their content, and the
   * kept subtrees whole. `elements` lists only what was kept. Never a stand-in for the parsed tree.
   */
  readonly skeleton: XmlDocument;
  /** Outermost ds:Signature elements, in document order (their subtrees are whole). */
  readonly signatures: readonly XmlElement[];
  /** ID → element (a bare node unless it lies in a kept subtree). */
  readonly ids: ReadonlyMap<string, XmlElement>;
  /** The first repeated ID, if any: reported once the caller knows the document is signed. */
  readonly duplicateId?: Error;
  /** Whether an element's subtree was kept whole (its tree C14N is the document's). */
  isWhole(el: XmlElement): boolean;
  /** The element's readable location (`elementPath`), from the skeleton where it is exact, else from the text. */
  pathOf(el: XmlElement): string;
}

/**
 * Nodes a scan may build for ID-carrying subtrees beyond the Signature: enough for every element a
 * small document's references name (their tree C14N is cheaper than reading the text again), a
 * bounded cost for a large one. Past it, elements are kept bare and read again from the text.
 */
const ID_SUBTREE_BUDGET = 1 << 14;

class ScanHandler implements ParseHandler {
  readonly doc: {
    type: 'document';
    children: XmlNode[];
    root: XmlElement | undefined;
    text: string;
    elements: XmlElement[];
  };
  readonly ids = new Map<string, XmlElement>();
  readonly signatures: XmlElement[] = [];
  readonly whole = new Set<XmlElement>();
  duplicate: [XmlElement, XmlElement, string] | undefined;
  /** Per open element: whether it is attached to its parent's children. */
  readonly #attached: boolean[] = [];
  /** Per open element: 0 not built, 1 built for sure (Signature, keepSubtree), 2 built within the budget. */
  readonly #kind: number[] = [];
  /** Per open built element: the budget epoch when it opened (its subtree is whole if unchanged at its end). */
  readonly #epochs: number[] = [];
  readonly #stack: MutableElement[] = [];
  /** Depth inside subtrees built for sure (0: outside). */
  #inside = 0;
  /** Depth inside an ID-carrying subtree built within the budget (0: none). */
  #tentative = 0;
  #budget = ID_SUBTREE_BUDGET;
  #epoch = 0;
  #inSignature = 0;
  readonly #o: ScanOptions;
  readonly #shallow: number;

  constructor(text: string, options: ScanOptions) {
    this.doc = { type: 'document', children: [], root: undefined, text, elements: [] };
    this.#o = options;
    this.#shallow = options.shallowDepth ?? 1;
  }

  wantText(): boolean {
    return this.#inside > 0 || this.#tentative > 0;
  }

  text(value: string): void {
    this.#spend();
    if (this.wantText()) addChild(this.#stack[this.#stack.length - 1]!, { type: 'text', value });
  }

  /** Counts a node built within the budget; past the budget, gives up the open ID-carrying subtree. */
  #spend(): void {
    if (this.#inside > 0 || this.#tentative === 0) return;
    if (--this.#budget >= 0) return;
    this.#tentative = 0;
    this.#epoch++;
  }

  open(el: MutableElement): number {
    const depth = this.#stack.length;
    const ids = this.#o.idAttributes;
    let hasId = false;
    for (const a of el.attributes) {
      const isId =
        (a.namespaceURI === '' && ids.includes(a.name)) ||
        (a.namespaceURI === XML_NS && a.localName === 'id');
      if (!isId) continue;
      hasId = true;
      const prior = this.ids.get(a.value);
      if (prior && prior !== el) this.duplicate ??= [prior, el as XmlElement, a.value];
      this.ids.set(a.value, el as XmlElement);
    }
    const isSignature = el.namespaceURI === DSIG_NS && el.localName === 'Signature';
    if (isSignature && this.#inSignature === 0) this.signatures.push(el as XmlElement);
    if (isSignature) this.#inSignature++;
    let kind = 0;
    if (this.#inside > 0 || isSignature || this.#o.keepSubtree?.(el as XmlElement) === true) {
      kind = 1;
      this.#inside++;
    } else if (this.#tentative > 0 || (hasId && this.#budget > 0)) {
      this.#spend();
      if (this.#tentative > 0 || this.#budget > 0) {
        kind = 2;
        this.#tentative++;
      }
    }
    const attach = kind !== 0 || depth < this.#shallow;
    if (attach) {
      this.doc.elements.push(el as XmlElement);
      if (depth === 0) {
        this.doc.children.push(el as XmlElement);
        this.doc.root = el as XmlElement;
      } else if (this.#attached[depth - 1]) addChild(this.#stack[depth - 1]!, el as XmlElement);
    }
    this.#stack.push(el);
    this.#attached.push(attach);
    this.#kind.push(kind);
    this.#epochs.push(this.#epoch);
    return DESCEND;
  }

  close(el: MutableElement): boolean {
    this.#stack.pop();
    this.#attached.pop();
    const kind = this.#kind.pop();
    const epoch = this.#epochs.pop();
    if (kind === 1) this.#inside--;
    else if (kind === 2 && this.#tentative > 0) this.#tentative--;
    if (kind !== 0 && epoch === this.#epoch) this.whole.add(el as XmlElement);
    if (el.namespaceURI === DSIG_NS && el.localName === 'Signature') this.#inSignature--;
    return false;
  }

  comment(value: string, top: boolean): void {
    if (top) this.doc.children.push({ type: 'comment', value });
    else {
      this.#spend();
      if (this.wantText()) addChild(this.#stack[this.#stack.length - 1]!, { type: 'comment', value });
    }
  }

  pi(target: string, data: string, top: boolean): void {
    if (top) this.doc.children.push({ type: 'pi', target, data });
    else {
      this.#spend();
      if (this.wantText()) addChild(this.#stack[this.#stack.length - 1]!, { type: 'pi', target, data });
    }
  }
}

/** Reads a document once for verification (see the module comment). Throws what parseXml throws. */
export function scanXml(input: Uint8Array | string, options: ScanOptions): ScannedXml {
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeXml(input);
  const h = new ScanHandler(text, options);
  const limits: XmlParseOptions = {
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.maxElements !== undefined ? { maxElements: options.maxElements } : {}),
    ...(options.maxAttributes !== undefined ? { maxAttributes: options.maxAttributes } : {}),
  };
  new Parser(text, limits, h).parseDocument(h.doc as unknown as XmlDocument);
  const skeleton = h.doc as unknown as XmlDocument;
  const whole = h.whole;
  const dup = h.duplicate;
  return {
    text,
    limits,
    skeleton,
    signatures: h.signatures,
    ids: h.ids,
    ...(dup
      ? {
          duplicateId: coreError(
            'XML_DUPLICATE_ID',
            `The ID "${dup[2]}" occurs on ${pathAt(text, dup[0].start, limits)} and on ${pathAt(text, dup[1].start, limits)}: a signed document must not repeat an ID.`,
          ),
        }
      : {}),
    isWhole: (el) => whole.has(el),
    pathOf: (el) => {
      // Above shallowDepth every element is in the skeleton, so counting siblings there is exact.
      let depth = 0;
      for (let n = el.parent; n.type === 'element'; n = n.parent) depth++;
      return depth < (options.shallowDepth ?? 1) ? elementPath(el) : pathAt(text, el.start, limits);
    },
  };
}

/** Renders C14N events from a read of the text; subtrees starting at a `skip` offset are left out. */
class C14nHandler implements ParseHandler {
  #depth = 0;
  constructor(
    readonly em: C14nEmitter,
    readonly skip: ReadonlyMap<number, number>,
    /** Canonicalizing one element: the apex itself is rendered even if excluded, as the tree walk does. */
    readonly subtree: boolean,
  ) {}
  wantText(): boolean {
    return true;
  }
  text(value: string): void {
    this.em.text(value);
  }
  open(el: MutableElement): number {
    const end = this.subtree && this.#depth === 0 ? undefined : this.skip.get(el.start);
    if (end !== undefined) {
      if (this.#depth === 0) this.em.rootDone();
      return end;
    }
    this.#depth++;
    this.em.open(el as XmlElement);
    return DESCEND;
  }
  close(el: MutableElement): boolean {
    this.em.close(el as XmlElement);
    if (--this.#depth === 0) this.em.rootDone();
    return false;
  }
  comment(value: string, top: boolean): void {
    this.em.comment(value, top);
  }
  pi(target: string, data: string, top: boolean): void {
    this.em.pi(target, data, top);
  }
}

/**
 * Canonicalizes, from the text of a scanned document, the whole document (`target` undefined) or the
 * element a scan returned (its `start` and its `parent` chain, which gives the C14N context of a
 * subtree that is not the root). `options.exclude` names scanned elements left out (the
 * enveloped-signature transform), matched by position.
 */
export function canonicalizeText(
  scan: Pick<ScannedXml, 'text' | 'limits'>,
  target: XmlElement | undefined,
  options: C14nOptions,
  sink: (chunk: Uint8Array) => void,
): void {
  const skip = new Map<number, number>();
  for (const e of options.exclude ?? []) skip.set(e.start, e.end);
  const em = new C14nEmitter(options, sink);
  try {
    const parser = new Parser(scan.text, scan.limits, new C14nHandler(em, skip, target !== undefined));
    if (target) parser.parseElementAt(target.start, target.parent);
    else parser.parseDocument({ type: 'document' } as XmlDocument, true);
    em.finish();
  } finally {
    em.release();
  }
}

/** Tracks the position among same-named siblings of each open element, up to one offset. */
class PathHandler implements ParseHandler {
  readonly #names: string[] = [];
  readonly #counts: Map<string, number>[] = [new Map()];
  path: string | undefined;
  constructor(readonly target: number) {}
  wantText(): boolean {
    return false;
  }
  text(): void {}
  open(el: MutableElement, selfClosing: boolean): number {
    const counts = this.#counts[this.#counts.length - 1]!;
    const index = (counts.get(el.name) ?? 0) + 1;
    counts.set(el.name, index);
    const step = `${el.name}[${index}]`;
    if (el.start === this.target) {
      this.path = `/${[...this.#names, step].join('/')}`;
      throw FOUND;
    }
    if (!selfClosing) {
      this.#names.push(step);
      this.#counts.push(new Map());
    }
    return DESCEND;
  }
  close(el: MutableElement): boolean {
    if (el.end !== el.contentStart || el.contentEnd !== el.contentStart) {
      this.#names.pop();
      this.#counts.pop();
    }
    return false;
  }
  comment(): void {}
  pi(): void {}
}

const FOUND = Symbol('found');

/**
 * The readable location (as `elementPath` writes it) of the element that starts at `start`, found by
 * reading the text again: a scan keeps no siblings to count.
 */
export function pathAt(text: string, start: number, limits: XmlParseOptions = {}): string {
  const h = new PathHandler(start);
  try {
    new Parser(text, limits, h).parseDocument({ type: 'document' } as XmlDocument, true);
  } catch (e) {
    if (e !== FOUND) throw e;
  }
  return h.path ?? '/';
}

/** Finds, in a parsed tree of the same text, the element that starts at `start`. */
export function elementAt(doc: XmlDocument, start: number): XmlElement | undefined {
  const list = doc.elements;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid]!.start;
    if (s === start) return list[mid];
    if (s < start) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

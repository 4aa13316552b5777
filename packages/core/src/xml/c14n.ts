/**
 * Canonical XML for a document or an element subtree, with optional excluded subtrees (the
 * enveloped-signature transform): Canonical XML 1.0 (W3C REC 2001-03-15), Canonical XML 1.1
 * (W3C REC 2008-05-02) and Exclusive XML Canonicalization 1.0 (W3C REC 2002-07-18), each with or
 * without comments. The walk is iterative, so a document of any depth canonicalizes without
 * touching the call stack; output is handed out in chunks so that hashing need not hold it all.
 */
import { XML_NS, type XmlAttribute, type XmlDocument, type XmlElement, type XmlNode } from './dom.js';
import { joinUriReferences } from './uri.js';

export type C14nMethod = 'c14n' | 'c14n11' | 'exc-c14n';

export interface C14nOptions {
  readonly method: C14nMethod;
  readonly comments?: boolean;
  /** Exclusive C14N InclusiveNamespaces PrefixList (`#default` for the default namespace). */
  readonly inclusivePrefixes?: readonly string[];
  /** Subtrees left out of the node-set (the enveloped-signature transform). */
  readonly exclude?: ReadonlySet<XmlElement>;
}

/** Code-point order (C14N §2.2 sorts by Unicode code points; JavaScript compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts after every BMP unit from U+E000 up.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy && (sx ? y : x) >= 0xe000) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<"\t\n\r]/;

function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

const CHUNK = 1 << 16;
const EMPTY_BYTES = new Uint8Array(0);
const ENCODER = new TextEncoder();

/**
 * One buffer of 2 × CHUNK bytes that a Writer borrows while it lives (a scratch area, never holding
 * a caller's bytes past the call): a canonicalization then allocates only the bytes it hands out.
 * A Writer made while another holds it (a sink that canonicalizes again) gets a buffer of its own.
 */
let scratch: Uint8Array | undefined;

/**
 * Collects output as UTF-8 and passes it on in chunks of about 64 KiB. Writes go straight into a
 * byte buffer (ASCII copied unit by unit, the rest encoded here or through encodeInto), so no string
 * rope is built and flattened per chunk.
 */
class Writer {
  #buf: Uint8Array;
  #n = 0;
  #borrowed: boolean;
  constructor(readonly sink: (chunk: Uint8Array) => void) {
    const b = scratch ?? new Uint8Array(CHUNK + CHUNK);
    scratch = undefined;
    this.#buf = b;
    this.#borrowed = true;
  }
  write(s: string): void {
    const len = s.length;
    // A UTF-16 unit becomes at most 3 UTF-8 bytes (a surrogate pair, two units, becomes 4).
    if (this.#n + len * 3 > this.#buf.length && !this.#room(len * 3)) {
      this.flush();
      this.sink(ENCODER.encode(s));
      return;
    }
    const b = this.#buf;
    if (len > 256) {
      this.#n += ENCODER.encodeInto(s, b.subarray(this.#n)).written;
      return;
    }
    // Short strings (names, most text): encoded here, cheaper than a call into the encoder each.
    let n = this.#n;
    for (let i = 0; i < len; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) b[n++] = c;
      else if (c < 0x800) {
        b[n++] = 0xc0 | (c >> 6);
        b[n++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = c <= 0xdbff && i + 1 < len ? s.charCodeAt(i + 1) : 0;
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            b[n++] = 0xf0 | (c >> 18);
            b[n++] = 0x80 | ((c >> 12) & 0x3f);
            b[n++] = 0x80 | ((c >> 6) & 0x3f);
            b[n++] = 0x80 | (c & 0x3f);
            continue;
          }
          c = 0xfffd; // a lone surrogate, as TextEncoder writes it (the parser admits none)
        }
        b[n++] = 0xe0 | (c >> 12);
        b[n++] = 0x80 | ((c >> 6) & 0x3f);
        b[n++] = 0x80 | (c & 0x3f);
      }
    }
    this.#n = n;
  }
  /** Makes room for `need` more bytes (handing a full chunk on first); false when `need` alone exceeds a chunk. */
  #room(need: number): boolean {
    if (!this.#borrowed) throw new Error('C14N output written after the canonicalization finished');
    if (need > CHUNK) return false;
    if (this.#n + need > CHUNK) this.flush();
    return true;
  }
  /** Hands a copy of the filled part on; with `more` false the buffer goes back for the next Writer. */
  flush(more = true): void {
    if (this.#n) this.sink(this.#buf.slice(0, this.#n));
    this.#n = 0;
    if (!more) this.release();
  }
  /** Gives the buffer back (after the last flush, or when canonicalization failed). */
  release(): void {
    if (!this.#borrowed) return;
    this.#borrowed = false;
    scratch = this.#buf;
    this.#buf = EMPTY_BYTES;
  }
}

/** Canonical bytes of `node`. */
export function canonicalize(node: XmlDocument | XmlElement, options: C14nOptions): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  canonicalizeTo(node, options, (c) => {
    chunks.push(c);
    total += c.length;
  });
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Canonicalizes `node`, handing UTF-8 chunks to `sink` in order. */
export function canonicalizeTo(
  node: XmlDocument | XmlElement,
  options: C14nOptions,
  sink: (chunk: Uint8Array) => void,
): void {
  const em = new C14nEmitter(options, sink);
  try {
    emitTree(node, options, em);
  } finally {
    em.release();
  }
}

function emitTree(node: XmlDocument | XmlElement, options: C14nOptions, em: C14nEmitter): void {
  if (node.type === 'document') {
    for (const c of node.children) {
      if (c.type === 'element') {
        if (!options.exclude?.has(c)) walk(c, options.exclude, em);
        em.rootDone();
      } else if (c.type === 'comment') em.comment(c.value, true);
      else if (c.type === 'pi') em.pi(c.target, c.data, true);
    }
  } else {
    walk(node, options.exclude, em);
  }
  em.finish();
}

const pi = (target: string, data: string): string => (data ? `<?${target} ${data}?>` : `<?${target}?>`);

/** Drives the emitter over a tree, iteratively (document order, excluded subtrees left out). */
function walk(apex: XmlElement, exclude: ReadonlySet<XmlElement> | undefined, em: C14nEmitter): void {
  // Two parallel stacks (element, next child index) rather than an object per open element.
  const els: XmlElement[] = [apex];
  const next: number[] = [0];
  em.open(apex);
  while (els.length) {
    const top = els.length - 1;
    const el = els[top]!;
    const children = el.children;
    const i = next[top]!;
    if (i >= children.length) {
      em.close(el);
      els.pop();
      next.pop();
      continue;
    }
    next[top] = i + 1;
    const c: XmlNode = children[i]!;
    switch (c.type) {
      case 'text':
        em.text(c.value);
        break;
      case 'element':
        if (!exclude?.has(c)) {
          em.open(c);
          els.push(c);
          next.push(0);
        }
        break;
      case 'comment':
        em.comment(c.value, false);
        break;
      case 'pi':
        em.pi(c.target, c.data, false);
        break;
    }
  }
}

interface Frame {
  /** Namespaces in scope (prefix → URI, default as ''; '' URI = undeclared). */
  readonly inScope: Map<string, string>;
  /** Namespaces rendered by this element or an output ancestor. */
  readonly rendered: ReadonlyMap<string, string>;
}

/** Ancestors of the apex, outermost first. */
function ancestors(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = el.parent; n.type === 'element'; n = n.parent) out.push(n);
  return out.reverse();
}

/**
 * Renders the canonical form of what it is told, in document order: elements opened and closed, text,
 * comments and PIs. The tree walk and the streaming canonicalizer (which reads the document text
 * without building a tree) both drive it, so their output cannot differ. The first element opened is
 * the apex: its context from outside the node-set comes from its `parent` chain.
 */
export class C14nEmitter {
  readonly #w: Writer;
  readonly #exclusive: boolean;
  readonly #comments: boolean;
  readonly #v11: boolean;
  readonly #inclusivePrefixes: readonly string[];
  readonly #stack: Frame[] = [];
  #afterRoot = false;

  constructor(options: C14nOptions, sink: (chunk: Uint8Array) => void) {
    this.#w = new Writer(sink);
    this.#exclusive = options.method === 'exc-c14n';
    this.#v11 = options.method === 'c14n11';
    this.#comments = options.comments === true;
    this.#inclusivePrefixes = this.#exclusive
      ? (options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p))
      : [];
  }

  open(el: XmlElement): void {
    const parent = this.#stack[this.#stack.length - 1];
    // Inclusive C14N, an element inside the node-set with no attribute and no namespace declaration
    // (most elements of an application): it renders no namespace node (§2.3, nothing new in scope)
    // and inherits nothing, so it is its name alone and shares its parent's context.
    if (parent && !this.#exclusive && el.attributes.length === 0 && el.namespaces.length === 0) {
      this.#w.write(`<${el.name}>`);
      this.#stack.push(parent);
      return;
    }
    let scope: Map<string, string>;
    let extraAttrs: readonly XmlAttribute[] = NONE;
    if (parent) scope = parent.inScope;
    else {
      // Namespace and xml:* context from outside the node-set (C14N 1.0 §2.4, 1.1 §2.4).
      scope = new Map<string, string>();
      const up = ancestors(el);
      for (const a of up) for (const d of a.namespaces) scope.set(d.prefix, d.uri);
      if (!this.#exclusive) extraAttrs = inheritedXmlAttributes(up, el, this.#v11);
    }
    let own = scope;
    if (el.namespaces.length) {
      own = new Map(scope);
      for (const d of el.namespaces) own.set(d.prefix, d.uri);
    }
    const rendered0 = parent ? parent.rendered : EMPTY;
    let emit: [string, string][] | undefined;
    if (this.#exclusive) {
      // Exclusive C14N §3: only namespaces visibly utilized, plus the InclusiveNamespaces list.
      emit = consider(el.prefix, own.get(el.prefix) ?? '', rendered0, emit);
      for (const a of el.attributes) {
        if (!a.prefix || a.prefix === 'xml' || a.prefix === el.prefix) continue;
        if (emit?.some((e) => e[0] === a.prefix)) continue;
        emit = consider(a.prefix, own.get(a.prefix) ?? '', rendered0, emit);
      }
      for (const p of this.#inclusivePrefixes) {
        if (!own.has(p) || p === el.prefix || emit?.some((e) => e[0] === p)) continue;
        if (el.attributes.some((a) => a.prefix === p)) continue;
        emit = consider(p, own.get(p)!, rendered0, emit);
      }
    } else if (!parent) {
      for (const [p, u] of own) emit = consider(p, u, rendered0, emit);
    } else {
      for (const d of el.namespaces) emit = consider(d.prefix, own.get(d.prefix) ?? '', rendered0, emit);
    }
    let rendered = rendered0;
    let out = `<${el.name}`;
    if (emit) {
      const m = new Map(rendered0);
      for (const [p, u] of emit) m.set(p, u);
      rendered = m;
      if (emit.length > 1) emit.sort((a, b) => compareCodePoints(a[0], b[0]));
      for (const [p, u] of emit) out += p ? ` xmlns:${p}="${escapeAttr(u)}"` : ` xmlns="${escapeAttr(u)}"`;
    }
    const attrs = extraAttrs.length
      ? [...el.attributes.filter((a) => !extraAttrs.some((x) => x.name === a.name)), ...extraAttrs]
      : el.attributes;
    if (attrs.length > 1) {
      const sorted = [...attrs].sort(
        (a, b) =>
          compareCodePoints(a.namespaceURI, b.namespaceURI) || compareCodePoints(a.localName, b.localName),
      );
      for (const a of sorted) out += ` ${a.name}="${escapeAttr(a.value)}"`;
    } else if (attrs.length === 1) {
      out += ` ${attrs[0]!.name}="${escapeAttr(attrs[0]!.value)}"`;
    }
    this.#w.write(`${out}>`);
    this.#stack.push({ inScope: own, rendered });
  }

  close(el: XmlElement): void {
    this.#w.write(`</${el.name}>`);
    this.#stack.pop();
  }

  text(value: string): void {
    this.#w.write(escapeText(value));
  }

  /** A comment; `top` when it lies outside the document element (C14N §2.1 line breaks). */
  comment(value: string, top: boolean): void {
    if (!this.#comments) return;
    this.#top(`<!--${value}-->`, top);
  }

  pi(target: string, data: string, top: boolean): void {
    this.#top(pi(target, data), top);
  }

  /** The document element has been rendered (or left out): later top-level nodes follow it. */
  rootDone(): void {
    this.#afterRoot = true;
  }

  finish(): void {
    this.#w.flush(false);
  }

  /** Frees the output buffer without emitting (the canonicalization was abandoned). */
  release(): void {
    this.#w.release();
  }

  #top(s: string, top: boolean): void {
    if (!top) this.#w.write(s);
    // C14N §2.1: a #xA separates nodes before and after the document element from it.
    else if (this.#afterRoot) this.#w.write(`\n${s}`);
    else this.#w.write(`${s}\n`);
  }
}

const EMPTY: ReadonlyMap<string, string> = new Map();
const NONE: readonly XmlAttribute[] = [];

/**
 * Whether a namespace node must be rendered: not the xml namespace, and not already rendered with the
 * same value by the nearest output ancestor; the empty default (`xmlns=""`) only when an ancestor
 * rendered a non-empty default (C14N 1.0 §2.3, Exclusive C14N §3).
 */
function consider(
  prefix: string,
  uri: string,
  rendered: ReadonlyMap<string, string>,
  emit: [string, string][] | undefined,
): [string, string][] | undefined {
  if (prefix === 'xml') return emit;
  const have = rendered.get(prefix);
  if (prefix === '' && uri === '') {
    if (!have) return emit;
  } else if (uri === '' || have === uri) return emit;
  const out = emit ?? [];
  out.push([prefix, uri]);
  return out;
}

function xmlAttr(localName: string, value: string): XmlAttribute {
  return { name: `xml:${localName}`, prefix: 'xml', localName, namespaceURI: XML_NS, value };
}

/**
 * xml:* attributes of ancestors outside the node-set that the apex element inherits: every xml:*
 * attribute in C14N 1.0 §2.4; in C14N 1.1 §2.4 xml:lang and xml:space, xml:base joined up (fixup)
 * and never xml:id.
 */
function inheritedXmlAttributes(up: readonly XmlElement[], apex: XmlElement, v11: boolean): XmlAttribute[] {
  const own = new Set(apex.attributes.filter((a) => a.namespaceURI === XML_NS).map((a) => a.localName));
  const nearest = new Map<string, string>();
  const bases: string[] = [];
  for (const a of up) {
    for (const attr of a.attributes) {
      if (attr.namespaceURI !== XML_NS) continue;
      nearest.set(attr.localName, attr.value);
      if (attr.localName === 'base') bases.push(attr.value);
    }
  }
  const out: XmlAttribute[] = [];
  for (const [local, value] of nearest) {
    if (v11 && (local === 'id' || local === 'base')) continue;
    if (!own.has(local)) out.push(xmlAttr(local, value));
  }
  if (v11 && bases.length) {
    const ownBase = apex.attributes.find((a) => a.namespaceURI === XML_NS && a.localName === 'base');
    const joined = joinBases([...bases, ...(ownBase ? [ownBase.value] : [])]);
    // The apex's own xml:base gives way to the joined value in the output.
    out.push(xmlAttr('base', joined));
  }
  return out;
}

/** C14N 1.1 §2.4 xml:base fixup: the values joined outermost first (RFC 3986 §5.2, relative or not). */
function joinBases(values: readonly string[]): string {
  let base = values[0]!;
  for (let i = 1; i < values.length; i++) base = joinUriReferences(base, values[i]!);
  return base;
}

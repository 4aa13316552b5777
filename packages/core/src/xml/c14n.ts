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

/**
 * Collects output and passes it on in UTF-8 chunks of about 64 KiB. Appending to one string (a V8
 * rope, flattened once by the encoder) costs less than an array of parts joined at each flush.
 */
class Writer {
  #buf = '';
  readonly #encoder = new TextEncoder();
  constructor(readonly sink: (chunk: Uint8Array) => void) {}
  write(s: string): void {
    this.#buf += s;
    if (this.#buf.length >= CHUNK) this.flush();
  }
  flush(): void {
    if (!this.#buf) return;
    this.sink(this.#encoder.encode(this.#buf));
    this.#buf = '';
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
  const w = new Writer(sink);
  const comments = options.comments === true;
  if (node.type === 'document') {
    let afterRoot = false;
    for (const c of node.children) {
      if (c.type === 'element') {
        if (!options.exclude?.has(c)) walk(c, options, w);
        afterRoot = true;
      } else if (c.type === 'comment' || c.type === 'pi') {
        // C14N §2.1: a #xA separates nodes before and after the document element from it.
        if (c.type === 'comment' && !comments) continue;
        if (afterRoot) w.write('\n');
        w.write(c.type === 'comment' ? `<!--${c.value}-->` : pi(c.target, c.data));
        if (!afterRoot) w.write('\n');
      }
    }
  } else {
    walk(node, options, w);
  }
  w.flush();
}

const pi = (target: string, data: string): string => (data ? `<?${target} ${data}?>` : `<?${target}?>`);

interface Frame {
  readonly el: XmlElement;
  i: number;
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

function walk(apex: XmlElement, options: C14nOptions, w: Writer): void {
  const exclusive = options.method === 'exc-c14n';
  const comments = options.comments === true;
  const exclude = options.exclude;
  // Namespace and xml:* context from outside the node-set (C14N 1.0 §2.4, 1.1 §2.4).
  const inScope = new Map<string, string>();
  const up = ancestors(apex);
  for (const a of up) for (const d of a.namespaces) inScope.set(d.prefix, d.uri);
  const inherited = exclusive ? NONE : inheritedXmlAttributes(up, apex, options.method === 'c14n11');
  const inclusivePrefixes = exclusive
    ? (options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p))
    : [];

  const stack: Frame[] = [];
  const open = (el: XmlElement, parent: Frame | undefined, extraAttrs: readonly XmlAttribute[]): void => {
    const scope = parent ? parent.inScope : inScope;
    let own = scope;
    if (el.namespaces.length) {
      own = new Map(scope);
      for (const d of el.namespaces) own.set(d.prefix, d.uri);
    }
    const rendered0 = parent ? parent.rendered : EMPTY;
    let emit: [string, string][] | undefined;
    if (exclusive) {
      // Exclusive C14N §3: only namespaces visibly utilized, plus the InclusiveNamespaces list.
      emit = consider(el.prefix, own.get(el.prefix) ?? '', rendered0, emit);
      for (const a of el.attributes) {
        if (!a.prefix || a.prefix === 'xml' || a.prefix === el.prefix) continue;
        if (emit?.some((e) => e[0] === a.prefix)) continue;
        emit = consider(a.prefix, own.get(a.prefix) ?? '', rendered0, emit);
      }
      for (const p of inclusivePrefixes) {
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
    w.write(`${out}>`);
    stack.push({ el, i: 0, inScope: own, rendered });
  };

  open(apex, undefined, inherited);
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    const children = f.el.children;
    if (f.i >= children.length) {
      w.write(`</${f.el.name}>`);
      stack.pop();
      continue;
    }
    const c: XmlNode = children[f.i++]!;
    switch (c.type) {
      case 'text':
        w.write(escapeText(c.value));
        break;
      case 'element':
        if (!exclude?.has(c)) open(c, f, NONE);
        break;
      case 'comment':
        if (comments) w.write(`<!--${c.value}-->`);
        break;
      case 'pi':
        w.write(pi(c.target, c.data));
        break;
    }
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

/**
 * A strict, non-validating XML 1.0 + Namespaces 1.0 parser for signed documents. It refuses what a
 * signature verifier must never process: a document type declaration (so no entity declarations —
 * XXE and billion laughs cannot start), references to undeclared entities, any encoding but UTF-8,
 * and more than one root element. It is iterative (an explicit stack), so depth is bounded only by
 * `maxDepth`, never by the JavaScript call stack. Browser-safe.
 */
import { coreError } from '../errors.js';
import {
  XML_NS,
  type XmlAttribute,
  type XmlDocument,
  type XmlElement,
  type XmlNamespaceDeclaration,
  type XmlNode,
} from './dom.js';

export interface XmlParseOptions {
  /** Deepest element nesting accepted. Default 10 000. */
  readonly maxDepth?: number;
  /** Most elements accepted. Default 5 000 000. */
  readonly maxElements?: number;
  /** Most attributes (including namespace declarations) on one element. Default 256. */
  readonly maxAttributes?: number;
}

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

// XML 1.0 (5th ed.) §2.3 NameStartChar / NameChar, tested by code unit (surrogates accept the
// astral planes #x10000-#xEFFFF; TextDecoder only yields well-formed pairs).
function isNameStart(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xdb7f) ||
    (c >= 0xdc00 && c <= 0xdfff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

function isNameChar(c: number): boolean {
  if (c < 0x80) {
    return (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x5f ||
      c === 0x2d ||
      c === 0x2e
    );
  }
  return isNameStart(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));/y;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const XML_DECL =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\4)?[ \t\r\n]*\?>/y;

const malformed = (message: string, at?: number): Error =>
  coreError('XML_MALFORMED', at === undefined ? message : `${message} (at character ${at}).`);

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

// Most elements declare no namespace and carry no attribute: they share these empty lists instead of
// allocating their own. A large document's tree stays live for the whole verification, so every object
// per node is copied by each young-generation collection; fewer of them is most of the parse time.
const NONE: readonly never[] = Object.freeze([]);

/** Line ends (XML 1.0 §2.11) and, in attribute values, whitespace (§3.3.3) normalised. */
function normalise(x: string, attribute: boolean): string {
  const y = x.includes('\r') ? x.replace(/\r\n?/g, '\n') : x;
  return attribute && (y.includes('\n') || y.includes('\t')) ? y.replace(/[\t\n]/g, ' ') : y;
}

/** Decodes the document: UTF-8 only (with or without a BOM); UTF-16 and declared legacy encodings refused. */
export function decodeXml(bytes: Uint8Array): string {
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    throw coreError(
      'XML_ENCODING_UNSUPPORTED',
      'The document is UTF-16: shomei reads signed XML in UTF-8 only.',
    );
  }
  try {
    return UTF8.decode(bytes);
  } catch (cause) {
    throw coreError('XML_ENCODING_UNSUPPORTED', 'The document is not valid UTF-8.', { cause });
  }
}

/** Parses XML bytes (UTF-8) or text into a document. Throws a typed `XML_*` error on anything else. */
export function parseXml(input: Uint8Array | string, options: XmlParseOptions = {}): XmlDocument {
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeXml(input);
  const tree = new TreeBuilder(text);
  new Parser(text, options, tree).parseDocument(tree.doc as unknown as XmlDocument);
  return tree.doc as unknown as XmlDocument;
}

/** An element as the parser makes it; offsets are filled in when its end tag is read. */
export interface MutableElement {
  type: 'element';
  name: string;
  prefix: string;
  localName: string;
  namespaceURI: string;
  attributes: XmlAttribute[];
  namespaces: XmlNamespaceDeclaration[];
  children: XmlNode[];
  parent: XmlElement | XmlDocument;
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
}

/** `ParseHandler.open`'s answer: read on into the element. */
export const DESCEND = -1;

/**
 * What the parser reports as it reads, in document order. The tree builder keeps everything; the
 * signature scanner keeps little; the streaming canonicalizer renders and keeps nothing. Every one of
 * them sees the document checked by the same rules.
 */
export interface ParseHandler {
  /** Whether text inside the open element is needed as a value (otherwise it is only checked). */
  wantText(): boolean;
  text(value: string): void;
  /**
   * An element's start tag has been read (`selfClosing`: it has no content). Returns DESCEND, or an
   * offset at which to resume after skipping the element (its end, known from an earlier pass).
   */
  open(el: MutableElement, selfClosing: boolean): number;
  /** An element's end (offsets are set). Returns true to stop reading. */
  close(el: MutableElement): boolean;
  /** A comment; `top` when it lies outside the root element. */
  comment(value: string, top: boolean): void;
  pi(target: string, data: string, top: boolean): void;
}

/**
 * Appends a child. The first child gets a list of exactly one slot: a list grown by push reserves
 * seventeen, and most elements of a data document hold a single text node.
 */
export function addChild(el: MutableElement, node: XmlNode): void {
  if (el.children.length === 0) el.children = [node];
  else el.children.push(node);
}

interface MutableDocument {
  type: 'document';
  children: XmlNode[];
  root: XmlElement | undefined;
  text: string;
  elements: XmlElement[];
}

/** Builds the whole tree (parseXml). */
class TreeBuilder implements ParseHandler {
  readonly doc: MutableDocument;
  readonly #stack: MutableElement[] = [];
  constructor(text: string) {
    this.doc = { type: 'document', children: [], root: undefined, text, elements: [] };
  }
  wantText(): boolean {
    return true;
  }
  text(value: string): void {
    addChild(this.#stack[this.#stack.length - 1]!, { type: 'text', value });
  }
  open(el: MutableElement): number {
    this.doc.elements.push(el as XmlElement);
    const top = this.#stack[this.#stack.length - 1];
    if (top) addChild(top, el as XmlElement);
    else {
      this.doc.children.push(el as XmlElement);
      this.doc.root = el as XmlElement;
    }
    this.#stack.push(el);
    return DESCEND;
  }
  close(): boolean {
    this.#stack.pop();
    return false;
  }
  comment(value: string, top: boolean): void {
    const node: XmlNode = { type: 'comment', value };
    if (top) this.doc.children.push(node);
    else addChild(this.#stack[this.#stack.length - 1]!, node);
  }
  pi(target: string, data: string, top: boolean): void {
    const node: XmlNode = { type: 'pi', target, data };
    if (top) this.doc.children.push(node);
    else addChild(this.#stack[this.#stack.length - 1]!, node);
  }
}

/**
 * Recently seen names by a hash of first character, last character and length, shared by every parse
 * (names are immutable strings; 256 of them are all it keeps).
 */
const RECENT_NAMES: (string | undefined)[] = new Array(256).fill(undefined);

/** The strict reader: checks every rule and tells a handler what it read. */
export class Parser {
  readonly #s: string;
  readonly #h: ParseHandler;
  #pos = 0;
  readonly #maxDepth: number;
  readonly #maxElements: number;
  readonly #maxAttributes: number;
  #count = 0;
  /** prefix → stack of URIs currently bound (Namespaces 1.0 §6.1 scoping). */
  readonly #bindings = new Map<string, string[]>([['xml', [XML_NS]]]);
  /** Set by #startTag for its caller (no result object per element). */
  #selfClosing = false;
  #bound: readonly string[] = NONE;
  readonly #names = new Map<string, string>();

  constructor(text: string, options: XmlParseOptions, handler: ParseHandler) {
    this.#s = text;
    this.#h = handler;
    this.#maxDepth = options.maxDepth ?? 10_000;
    this.#maxElements = options.maxElements ?? 5_000_000;
    this.#maxAttributes = options.maxAttributes ?? 256;
  }

  /**
   * Reads a whole document: characters (unless an earlier read of the same text checked them), the
   * XML declaration, then content (exactly one root).
   */
  parseDocument(doc: XmlDocument, charactersChecked = false): void {
    const s = this.#s;
    const bad = charactersChecked ? null : BAD_CHAR.exec(s);
    if (bad) {
      throw malformed(
        `The character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`,
        bad.index,
      );
    }
    XML_DECL.lastIndex = 0;
    const decl = s.startsWith('<?xml') ? XML_DECL.exec(s) : null;
    if (s.startsWith('<?xml') && !decl && /^<\?xml[ \t\r\n?]/.test(s))
      throw malformed('The XML declaration is malformed', 0);
    if (decl) {
      const enc = decl[3];
      if (enc && !/^utf-?8$/i.test(enc)) {
        throw coreError(
          'XML_ENCODING_UNSUPPORTED',
          `The document declares encoding "${enc}": shomei reads signed XML in UTF-8 only. Convert it first.`,
        );
      }
      this.#pos = decl[0].length;
    }
    if (!this.#run(doc, false)) throw malformed('The document has no root element', 0);
  }

  /** Pushes a binding of `prefix` for the scope being entered (popped when that element ends). */
  #bind(prefix: string, uri: string): void {
    let list = this.#bindings.get(prefix);
    if (!list) {
      list = [];
      this.#bindings.set(prefix, list);
    }
    list.push(uri);
  }

  /**
   * Reads one element of a document that an earlier pass of this parser already accepted whole,
   * starting at its `<` with `parent` (that pass's element, whose ancestors declare the namespaces in
   * scope) as its context, up to its end.
   */
  parseElementAt(start: number, parent: XmlElement | XmlDocument): void {
    const chain: XmlElement[] = [];
    for (let n = parent; n.type === 'element'; n = n.parent) chain.push(n);
    for (let i = chain.length - 1; i >= 0; i--) {
      for (const d of chain[i]!.namespaces) if (d.prefix !== 'xml') this.#bind(d.prefix, d.uri);
    }
    this.#pos = start;
    this.#run(parent, true);
  }

  /** The content loop; returns whether a root element was read. */
  #run(outer: XmlElement | XmlDocument, once: boolean): boolean {
    const s = this.#s;
    const h = this.#h;
    const stack: MutableElement[] = [];
    const declared: number[] = []; // per open element: how many prefixes it bound (to unbind at its end)
    const boundPrefixes: string[] = [];
    let rootSeen = false;
    const n = s.length;
    while (this.#pos < n) {
      const lt = s.indexOf('<', this.#pos);
      const textEnd = lt < 0 ? n : lt;
      if (textEnd > this.#pos) {
        if (!stack.length) {
          for (let i = this.#pos; i < textEnd; i++) {
            if (!isWs(s.charCodeAt(i))) {
              throw malformed(rootSeen ? 'Text after the root element' : 'Text before the root element', i);
            }
          }
        } else if (h.wantText()) {
          h.text(this.#text(this.#pos, textEnd));
        } else {
          this.#checkText(this.#pos, textEnd);
        }
      }
      if (lt < 0) break;
      this.#pos = lt;
      const c1 = s.charCodeAt(lt + 1);
      if (c1 === 0x2f /* / */) {
        const top = stack.pop();
        if (!top) throw malformed('An end tag without a start tag', lt);
        const name = this.#name(lt + 2);
        if (name !== top.name) throw malformed(`The end tag </${name}> does not match <${top.name}>`, lt);
        let p = lt + 2 + name.length;
        while (isWs(s.charCodeAt(p))) p++;
        if (s.charCodeAt(p) !== 0x3e) throw malformed(`The end tag </${name}> is not closed`, p);
        top.contentEnd = lt;
        top.end = p + 1;
        this.#pos = p + 1;
        let k = declared.pop() ?? 0;
        while (k-- > 0) this.#bindings.get(boundPrefixes.pop()!)!.pop();
        if (h.close(top) || (once && !stack.length)) return true;
      } else if (c1 === 0x21 /* ! */) {
        if (s.startsWith('<!--', lt)) {
          const close = s.indexOf('-->', lt + 4);
          if (close < 0) throw malformed('A comment is not closed', lt);
          const value = s.slice(lt + 4, close);
          if (value.includes('--') || value.endsWith('-')) throw malformed('A comment contains "--"', lt);
          h.comment(value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value, !stack.length);
          this.#pos = close + 3;
        } else if (s.startsWith('<![CDATA[', lt)) {
          if (!stack.length) throw malformed('A CDATA section outside the root element', lt);
          const close = s.indexOf(']]>', lt + 9);
          if (close < 0) throw malformed('A CDATA section is not closed', lt);
          if (h.wantText()) h.text(s.slice(lt + 9, close).replace(/\r\n?/g, '\n'));
          this.#pos = close + 3;
        } else if (s.startsWith('<!DOCTYPE', lt)) {
          throw coreError(
            'XML_DTD_FORBIDDEN',
            'The document has a DOCTYPE declaration: signed XML is refused with a DTD (it can declare entities for XXE or billion-laughs attacks).',
          );
        } else if (/^<!(ENTITY|ELEMENT|ATTLIST|NOTATION)/.test(s.slice(lt, lt + 10))) {
          throw coreError('XML_DTD_FORBIDDEN', 'The document contains a markup declaration outside a DTD.');
        } else {
          throw malformed('Unknown markup "<!"', lt);
        }
      } else if (c1 === 0x3f /* ? */) {
        const target = this.#name(lt + 2);
        if (target.includes(':')) throw malformed('A processing-instruction target contains ":"', lt);
        if (target.toLowerCase() === 'xml')
          throw malformed('The XML declaration is only allowed at the very start', lt);
        const close = s.indexOf('?>', lt + 2 + target.length);
        if (close < 0) throw malformed('A processing instruction is not closed', lt);
        let p = lt + 2 + target.length;
        if (p < close && !isWs(s.charCodeAt(p)))
          throw malformed('A processing-instruction target is malformed', lt);
        while (p < close && isWs(s.charCodeAt(p))) p++;
        h.pi(target, s.slice(p, close).replace(/\r\n?/g, '\n'), !stack.length);
        this.#pos = close + 2;
      } else {
        if (!stack.length && rootSeen) {
          throw malformed(
            'The document has more than one root element: a signed document must have exactly one',
            lt,
          );
        }
        if (stack.length >= this.#maxDepth) {
          throw coreError(
            'XML_LIMIT_EXCEEDED',
            `The document nests elements deeper than ${this.#maxDepth} levels.`,
          );
        }
        if (this.#count >= this.#maxElements) {
          throw coreError('XML_LIMIT_EXCEEDED', `The document has more than ${this.#maxElements} elements.`);
        }
        this.#count++;
        const parent: XmlElement | XmlDocument = (stack[stack.length - 1] as XmlElement | undefined) ?? outer;
        const el = this.#startTag(lt, parent);
        const selfClosing = this.#selfClosing;
        const bound = this.#bound;
        rootSeen = true;
        const resume = h.open(el, selfClosing);
        if (selfClosing || resume !== DESCEND) {
          for (let k = 0; k < bound.length; k++) this.#bindings.get(bound[k]!)!.pop();
          if (resume !== DESCEND) this.#pos = resume;
          else if (h.close(el)) return true;
          if (once && !stack.length) return true;
        } else {
          stack.push(el);
          declared.push(bound.length);
          for (let k = 0; k < bound.length; k++) boundPrefixes.push(bound[k]!);
        }
      }
    }
    if (stack.length) throw malformed(`The element <${stack[stack.length - 1]!.name}> is not closed`, n);
    return rootSeen;
  }

  /** A QName (Namespaces 1.0 §4): NCName, optionally ':' and another NCName. */
  #name(at: number): string {
    const s = this.#s;
    let p = at;
    if (!isNameStart(s.charCodeAt(p))) throw malformed('A name was expected', at);
    p++;
    while (isNameChar(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) === 0x3a && isNameStart(s.charCodeAt(p + 1))) {
      p += 2;
      while (isNameChar(s.charCodeAt(p))) p++;
    }
    // One string per distinct name, shared by every element that carries it. A small direct-mapped
    // cache compares in place (no slice, no hashing) for the names a document repeats.
    const slot = (s.charCodeAt(at) * 31 + s.charCodeAt(p - 1) * 7 + (p - at)) & 255;
    const cached = RECENT_NAMES[slot];
    if (cached !== undefined && cached.length === p - at && s.startsWith(cached, at)) return cached;
    const name = s.slice(at, p);
    let known = this.#names.get(name);
    if (known === undefined) {
      this.#names.set(name, name);
      known = name;
    }
    RECENT_NAMES[slot] = known;
    return known;
  }

  #startTag(lt: number, parent: XmlElement | XmlDocument): MutableElement {
    const s = this.#s;
    const name = this.#name(lt + 1);
    let p = lt + 1 + name.length;
    let rawNames: string[] | undefined;
    let rawValues: string[] | undefined;
    let namespaces: XmlNamespaceDeclaration[] | undefined;
    let selfClosing = false;
    for (;;) {
      const ws = p;
      while (isWs(s.charCodeAt(p))) p++;
      const c = s.charCodeAt(p);
      if (c === 0x3e) {
        p++;
        break;
      }
      if (c === 0x2f && s.charCodeAt(p + 1) === 0x3e) {
        selfClosing = true;
        p += 2;
        break;
      }
      if (Number.isNaN(c)) throw malformed(`The start tag <${name}> is not closed`, lt);
      if (p === ws) throw malformed(`Whitespace is required between attributes of <${name}>`, p);
      const an = this.#name(p);
      p += an.length;
      while (isWs(s.charCodeAt(p))) p++;
      if (s.charCodeAt(p) !== 0x3d) throw malformed(`The attribute ${an} has no "="`, p);
      p++;
      while (isWs(s.charCodeAt(p))) p++;
      const q = s[p];
      if (q !== '"' && q !== "'") throw malformed(`The value of attribute ${an} is not quoted`, p);
      const close = s.indexOf(q, p + 1);
      if (close < 0) throw malformed(`The value of attribute ${an} is not closed`, p);
      const lit = s.slice(p + 1, close);
      if (lit.includes('<')) throw malformed(`The value of attribute ${an} contains "<"`, p);
      const value = this.#expand(lit, true, p + 1);
      p = close + 1;
      if (an === 'xmlns' || an.startsWith('xmlns:')) {
        const prefix = an === 'xmlns' ? '' : an.slice(6);
        namespaces ??= [];
        if (namespaces.some((d) => d.prefix === prefix))
          throw malformed(`The namespace ${an} is declared twice on <${name}>`, p);
        // Namespaces 1.0 §3: xml is bound only to its namespace, which no other prefix may take.
        if (prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS)) {
          throw malformed(`The reserved namespace binding ${an}="${value}" is not allowed`, p);
        }
        if (value === XMLNS_NS) throw malformed(`The xmlns namespace cannot be bound (${an})`, p);
        if (prefix !== '' && value === '')
          throw malformed(`Namespaces 1.0 forbids undeclaring a prefix (${an}="")`, p);
        namespaces.push({ prefix, uri: value });
      } else {
        rawNames ??= [];
        rawValues ??= [];
        rawNames.push(an);
        rawValues.push(value);
      }
      if ((rawNames?.length ?? 0) + (namespaces?.length ?? 0) > this.#maxAttributes) {
        throw coreError(
          'XML_LIMIT_EXCEEDED',
          `The element <${name}> has more than ${this.#maxAttributes} attributes.`,
        );
      }
    }
    let bound: string[] | undefined;
    for (const d of namespaces ?? NONE) {
      if (d.prefix === 'xml') continue;
      this.#bind(d.prefix, d.uri);
      bound ??= [];
      bound.push(d.prefix);
    }
    const colon = name.indexOf(':');
    const prefix = colon < 0 ? '' : name.slice(0, colon);
    const localName = colon < 0 ? name : name.slice(colon + 1);
    const namespaceURI = this.#resolve(prefix, true, lt);
    let attributes: XmlAttribute[] = NONE as never[];
    for (let k = 0; k < (rawNames?.length ?? 0); k++) {
      const an = rawNames![k]!;
      const c = an.indexOf(':');
      const ap = c < 0 ? '' : an.slice(0, c);
      const al = c < 0 ? an : an.slice(c + 1);
      const attr: XmlAttribute = {
        name: an,
        prefix: ap,
        localName: al,
        namespaceURI: ap ? this.#resolve(ap, false, lt) : '',
        value: rawValues![k]!,
      };
      for (const o of attributes) {
        if (
          o.name === attr.name ||
          (o.localName === al && o.namespaceURI === attr.namespaceURI && attr.namespaceURI !== '')
        ) {
          throw malformed(`The attribute ${an} appears twice on <${name}>`, lt);
        }
      }
      if (attributes.length === 0) attributes = [attr];
      else attributes.push(attr);
    }
    const el: MutableElement = {
      type: 'element',
      name,
      prefix,
      localName,
      namespaceURI,
      attributes,
      namespaces: namespaces ?? (NONE as never[]),
      children: NONE as never[],
      parent,
      start: lt,
      contentStart: p,
      contentEnd: p,
      end: p,
    };
    this.#pos = p;
    this.#selfClosing = selfClosing;
    this.#bound = bound ?? NONE;
    return el;
  }

  #resolve(prefix: string, element: boolean, at: number): string {
    const list = this.#bindings.get(prefix);
    const uri = list?.[list.length - 1];
    if (prefix === '') return element ? (uri ?? '') : '';
    if (uri === undefined || uri === '')
      throw malformed(`The namespace prefix "${prefix}" is not declared`, at);
    return uri;
  }

  /** Character data / attribute value with references expanded (XML 1.0 §4.1, §2.11, §3.3.3). */
  #text(from: number, to: number): string {
    const raw = this.#s.slice(from, to);
    if (raw.includes(']]>')) throw malformed('Text contains "]]>"', from);
    return this.#expand(raw, false, from);
  }

  /** Next offsets of "&" and "]]>" at or after the text being read (-1: none left), found once each. */
  #nextAmp = -2;
  #nextCdataEnd = -2;

  /**
   * The checks of #text without making the value (text the handler does not keep). The positions of
   * the next "&" and "]]>" are remembered, so the document is searched once, not once per run.
   */
  #checkText(from: number, to: number): void {
    const s = this.#s;
    if (this.#nextCdataEnd !== -1 && this.#nextCdataEnd < from) this.#nextCdataEnd = s.indexOf(']]>', from);
    if (this.#nextCdataEnd >= 0 && this.#nextCdataEnd + 3 <= to) throw malformed('Text contains "]]>"', from);
    if (this.#nextAmp !== -1 && this.#nextAmp < from) this.#nextAmp = s.indexOf('&', from);
    while (this.#nextAmp >= 0 && this.#nextAmp < to) {
      const i = this.#nextAmp;
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(s);
      if (!m || i + m[0].length > to) {
        this.#expand(s.slice(i, to), false, i);
        throw malformed('A character reference is malformed', i);
      }
      if (!m[1]) {
        const cp = m[2] !== undefined ? Number.parseInt(m[2], 10) : Number.parseInt(m[3]!, 16);
        if (!isXmlChar(cp)) throw malformed(`The character reference ${m[0]} is not an XML character`, i);
      }
      this.#nextAmp = s.indexOf('&', i + m[0].length);
    }
  }

  #expand(raw: string, attribute: boolean, at: number): string {
    let amp = raw.indexOf('&');
    if (amp < 0) return normalise(raw, attribute);
    let out = '';
    let last = 0;
    while (amp >= 0) {
      out += normalise(raw.slice(last, amp), attribute);
      ENTITY.lastIndex = amp;
      const m = ENTITY.exec(raw);
      if (!m) {
        const name = /^&([^;\s&<]{0,40});?/.exec(raw.slice(amp))?.[1] ?? '';
        throw coreError(
          'XML_ENTITY_FORBIDDEN',
          `The document refers to the entity "&${name};", which is not one of XML's five predefined entities: entities are refused in signed XML (at character ${at + amp}).`,
        );
      }
      if (m[1]) out += PREDEFINED[m[1]]!;
      else {
        const cp = m[2] !== undefined ? Number.parseInt(m[2], 10) : Number.parseInt(m[3]!, 16);
        if (!isXmlChar(cp))
          throw malformed(`The character reference ${m[0]} is not an XML character`, at + amp);
        out += String.fromCodePoint(cp);
      }
      last = amp + m[0].length;
      amp = raw.indexOf('&', last);
    }
    return out + normalise(raw.slice(last), attribute);
  }
}

/** XML 1.0 §2.2 Char. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

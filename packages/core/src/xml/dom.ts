/**
 * The document model of the strict XML parser: elements with their namespace declarations kept apart
 * from their attributes (C14N renders the two differently), text with entities already expanded, and
 * each element's source span so that a signer can insert a Signature into the original text without
 * re-serialising anything else.
 */

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface XmlAttribute {
  /** The qualified name as written (`Id`, `xml:lang`, `ds:Algorithm`). */
  readonly name: string;
  readonly prefix: string;
  readonly localName: string;
  /** Namespaces in XML 1.0 §6.2: an unprefixed attribute is in no namespace (''). */
  readonly namespaceURI: string;
  /** The normalised value (XML 1.0 §3.3.3: CDATA normalisation, entities expanded). */
  readonly value: string;
}

export interface XmlNamespaceDeclaration {
  /** '' for the default namespace (`xmlns=`). */
  readonly prefix: string;
  /** '' when the default namespace is undeclared (`xmlns=""`). */
  readonly uri: string;
}

export interface XmlElement {
  readonly type: 'element';
  readonly name: string;
  readonly prefix: string;
  readonly localName: string;
  readonly namespaceURI: string;
  readonly attributes: readonly XmlAttribute[];
  readonly namespaces: readonly XmlNamespaceDeclaration[];
  readonly children: readonly XmlNode[];
  readonly parent: XmlElement | XmlDocument;
  /** Offset of `<` of the start tag in the decoded document text. */
  readonly start: number;
  /** Offset just after the start tag's `>`. */
  readonly contentStart: number;
  /** Offset of `<` of the end tag (equal to `end` for an empty-element tag). */
  readonly contentEnd: number;
  /** Offset just after the element. */
  readonly end: number;
}

export interface XmlText {
  readonly type: 'text';
  readonly value: string;
}

export interface XmlComment {
  readonly type: 'comment';
  readonly value: string;
}

export interface XmlProcessingInstruction {
  readonly type: 'pi';
  readonly target: string;
  readonly data: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment | XmlProcessingInstruction;

export interface XmlDocument {
  readonly type: 'document';
  /** Comments and processing instructions around the root, and the root element, in order. */
  readonly children: readonly XmlNode[];
  readonly root: XmlElement;
  /** The decoded document text (without a byte order mark); element offsets index into it. */
  readonly text: string;
  /** Elements in document order (the parser's by-product; walking it needs no recursion). */
  readonly elements: readonly XmlElement[];
}

/** The value of the attribute `name` (qualified, as written) or undefined. */
export function attributeValue(el: XmlElement, name: string): string | undefined {
  for (const a of el.attributes) if (a.name === name) return a.value;
  return undefined;
}

/** Child elements, optionally only those with a namespace and local name. */
export function childElements(el: XmlElement, ns?: string, localName?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.type !== 'element') continue;
    if (ns !== undefined && (c.namespaceURI !== ns || c.localName !== localName)) continue;
    out.push(c);
  }
  return out;
}

/** The concatenated text of an element's direct text children. */
export function textContent(el: XmlElement): string {
  let s = '';
  for (const c of el.children) if (c.type === 'text') s += c.value;
  return s;
}

/** True when `node` is `ancestor` or lies inside it. */
export function isWithin(node: XmlElement, ancestor: XmlElement): boolean {
  let n: XmlElement | XmlDocument = node;
  while (n.type === 'element') {
    if (n === ancestor) return true;
    n = n.parent;
  }
  return false;
}

/**
 * A readable location of an element: `/DataRoot[1]/構成情報[1]` (qualified names, 1-based position
 * among same-named siblings), so a report says exactly which element a reference covered.
 */
export function elementPath(el: XmlElement): string {
  const steps: string[] = [];
  let n: XmlElement | XmlDocument = el;
  while (n.type === 'element') {
    const parent: XmlElement | XmlDocument = n.parent;
    let index = 1;
    for (const s of parent.children) {
      if (s === n) break;
      if (s.type === 'element' && s.name === n.name) index++;
    }
    steps.push(`${n.name}[${index}]`);
    n = parent;
  }
  return `/${steps.reverse().join('/')}`;
}

/** The namespace declarations in scope at `el` (prefix → URI; the default as ''; undeclared omitted). */
export function inScopeNamespaces(el: XmlElement): Map<string, string> {
  const chain: XmlElement[] = [];
  for (let n: XmlElement | XmlDocument = el; n.type === 'element'; n = n.parent) chain.push(n);
  const map = new Map<string, string>();
  for (let i = chain.length - 1; i >= 0; i--) for (const d of chain[i]!.namespaces) map.set(d.prefix, d.uri);
  for (const [p, u] of map) if (u === '') map.delete(p);
  return map;
}

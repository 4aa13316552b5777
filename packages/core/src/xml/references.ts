/**
 * Reference processing (XML Signature 1.1 §4.4.3): dereferencing a URI to a node-set or to octets,
 * applying the transforms shomei allows, and the bytes that are digested. Same-document references
 * are `""` (the whole document) and `#id` (percent-decoded, so e-Gov's `#%E6%A7%8B…` form and the raw
 * form both resolve); anything else is external and resolves only through the caller's resolver.
 */
import type { HashFactory } from '../cms/hasher.js';
import { coreError } from '../errors.js';
import { type C14nOptions, canonicalize, canonicalizeTo } from './c14n.js';
import { xmlDigest } from './digest.js';
import { elementPath, isWithin, XML_NS, type XmlDocument, type XmlElement } from './dom.js';
import { parseXml } from './parse.js';
import type { ParsedReference } from './signature.js';
import { canonicalizeText, elementAt, type ScannedXml } from './stream.js';

/** Bytes of an external reference (`URI="form.xml"`), or undefined when the resolver does not have it. */
export type XmlExternalResolver = (uri: string) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

export const DEFAULT_ID_ATTRIBUTES: readonly string[] = ['Id', 'ID', 'id'];

/**
 * Every element ID in the document (attributes named in `idAttributes`, and xml:id). An ID that
 * occurs twice is refused: a reference to it could be answered with either element (the core of
 * signature-wrapping attacks).
 */
export function indexIds(
  doc: XmlDocument,
  idAttributes: readonly string[] = DEFAULT_ID_ATTRIBUTES,
): Map<string, XmlElement> {
  const ids = new Map<string, XmlElement>();
  for (const el of doc.elements) {
    for (const a of el.attributes) {
      const isId =
        (a.namespaceURI === '' && idAttributes.includes(a.name)) ||
        (a.namespaceURI === XML_NS && a.localName === 'id');
      if (!isId) continue;
      const prior = ids.get(a.value);
      if (prior && prior !== el) {
        throw coreError(
          'XML_DUPLICATE_ID',
          `The ID "${a.value}" occurs on ${elementPath(prior)} and on ${elementPath(el)}: a signed document must not repeat an ID.`,
        );
      }
      ids.set(a.value, el);
    }
  }
  return ids;
}

/** The fragment of a same-document URI, percent-decoded (RFC 3986 §2.1; e-Gov escapes non-ASCII IDs). */
export function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/**
 * What a reference resolved to, and the exact bytes that were digested. For a large same-document
 * reference verified with a streaming hasher, `bytes` is computed again when read (the canonical
 * form is deterministic), so a verifier never holds the whole canonical document beside its tree.
 */
export type XmlSignedContent =
  | {
      readonly kind: 'document';
      readonly uri: string;
      readonly document: XmlDocument;
      readonly bytes: Uint8Array;
    }
  | {
      readonly kind: 'element';
      readonly uri: string;
      readonly id: string;
      readonly element: XmlElement;
      readonly path: string;
      readonly bytes: Uint8Array;
    }
  | { readonly kind: 'file'; readonly uri: string; readonly name: string; readonly bytes: Uint8Array };

export interface DereferenceContext {
  readonly document: XmlDocument;
  readonly signature: XmlElement;
  readonly ids: ReadonlyMap<string, XmlElement>;
  readonly resolveExternal?: XmlExternalResolver;
  /**
   * Set when the document was scanned rather than parsed (`document` is then its skeleton): nodes
   * outside the kept subtrees are canonicalized from the text, and the content's nodes come from
   * `tree()`, the parsed document, built only if a caller reads them.
   */
  readonly scan?: ScannedXml & { readonly tree: () => XmlDocument };
}

/**
 * On content from a scanned document, the scan's own node (the objects readSignature saw), so that
 * checks inside the verifier compare nodes without building the tree. A non-enumerable symbol
 * property rather than a WeakMap: a module-level weak table of short-lived keys is work for every
 * young-generation collection.
 */
const SCANNED_NODE = Symbol('scannedNode');

/** The node a reference resolved to, as the verifier saw it (see SCANNED_NODE). */
export function signedElementOf(content: XmlSignedContent): XmlElement | undefined {
  if (content.kind !== 'element') return undefined;
  return (content as { [SCANNED_NODE]?: XmlElement })[SCANNED_NODE] ?? content.element;
}

/** Dereferences and transforms one reference; the result's `bytes` are the digest input. */
export async function referenceContent(
  ref: ParsedReference,
  ctx: DereferenceContext,
): Promise<XmlSignedContent> {
  const r = await dereference(ref, ctx);
  if (r.kind === 'file') return r.content;
  if (!ctx.scan) return signedNode(r.node, r.uri, r.id, canonicalize(r.node, r.options));
  const chunks: Uint8Array[] = [];
  render(r.node, r.options, ctx, (c) => chunks.push(c));
  return scannedNode(r.node, r.uri, r.id, ctx, concat(chunks));
}

/** Canonicalizes a dereferenced node: from the tree, or from the text of a scanned document. */
function render(
  node: XmlDocument | XmlElement,
  options: C14nOptions,
  ctx: DereferenceContext,
  sink: (chunk: Uint8Array) => void,
): void {
  const scan = ctx.scan;
  if (scan && (node.type === 'document' || !scan.isWhole(node))) {
    canonicalizeText(scan, node.type === 'document' ? undefined : node, options, sink);
  } else canonicalizeTo(node, options, sink);
}

/**
 * Dereferences one reference and digests it. With a streaming `hasher`, a same-document node-set
 * larger than one output chunk (64 KiB) is hashed while it is canonicalized (XML Signature 1.1
 * §4.4.3.2 only needs the octets' digest), so the canonical document is never held in memory whole;
 * the content's `bytes` are then recomputed on read.
 */
export async function referenceDigest(
  ref: ParsedReference,
  ctx: DereferenceContext,
  hasher?: HashFactory,
): Promise<{ content: XmlSignedContent; digest: Uint8Array }> {
  const r = await dereference(ref, ctx);
  if (r.kind === 'file')
    return { content: r.content, digest: await xmlDigest(ref.digest, r.content.bytes, hasher) };
  const { node, options } = r;
  const make = (bytes: Uint8Array | (() => Uint8Array)) =>
    ctx.scan ? scannedNode(node, r.uri, r.id, ctx, bytes) : signedNode(node, r.uri, r.id, bytes);
  // Small node-sets (most element references, every e-Gov one) arrive in one chunk: kept and hashed once.
  let first: Uint8Array | undefined;
  let h: ReturnType<HashFactory> | undefined;
  const chunks: Uint8Array[] = [];
  render(node, options, ctx, (chunk) => {
    if (h) h.update(chunk);
    else if (!first) first = chunk;
    else if (hasher) {
      h = hasher(ref.digest);
      h.update(first);
      h.update(chunk);
    } else {
      if (chunks.length === 0) chunks.push(first);
      chunks.push(chunk);
    }
  });
  if (h) {
    const digest = await h.digest();
    const again = () => {
      const parts: Uint8Array[] = [];
      render(node, options, ctx, (c) => parts.push(c));
      return concat(parts);
    };
    return { content: make(again), digest };
  }
  const bytes = chunks.length ? concat(chunks) : (first ?? new Uint8Array(0));
  return {
    content: make(bytes),
    digest: await xmlDigest(ref.digest, bytes, hasher),
  };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** The signed node and its canonical bytes (or a function that recomputes them, for large ones). */
function signedNode(
  node: XmlDocument | XmlElement,
  uri: string,
  id: string,
  bytes: Uint8Array | (() => Uint8Array),
): XmlSignedContent {
  if (bytes instanceof Uint8Array) {
    return node.type === 'document'
      ? { kind: 'document', uri, document: node, bytes }
      : { kind: 'element', uri, id, element: node, path: elementPath(node), bytes };
  }
  return node.type === 'document'
    ? {
        kind: 'document',
        uri,
        document: node,
        get bytes() {
          return bytes();
        },
      }
    : {
        kind: 'element',
        uri,
        id,
        element: node,
        path: elementPath(node),
        get bytes() {
          return bytes();
        },
      };
}

/**
 * Content of a scanned document: the report's path is read from the text (a scan keeps no siblings),
 * and the node is the parsed tree's, built when first read.
 */
function scannedNode(
  node: XmlDocument | XmlElement,
  uri: string,
  id: string,
  ctx: DereferenceContext,
  bytes: Uint8Array | (() => Uint8Array),
): XmlSignedContent {
  const scan = ctx.scan!;
  const out: Record<string, unknown> = { kind: node.type === 'document' ? 'document' : 'element', uri };
  if (node.type === 'document') {
    Object.defineProperty(out, 'document', { get: scan.tree, enumerable: true });
  } else {
    out.id = id;
    Object.defineProperty(out, 'element', {
      get: () => elementAt(scan.tree(), node.start),
      enumerable: true,
    });
    out.path = scan.pathOf(node);
  }
  if (bytes instanceof Uint8Array) out.bytes = bytes;
  else Object.defineProperty(out, 'bytes', { get: bytes, enumerable: true });
  const content = out as unknown as XmlSignedContent;
  if (node.type === 'element') Object.defineProperty(content, SCANNED_NODE, { value: node });
  return content;
}

type Dereferenced =
  | { kind: 'file'; content: XmlSignedContent }
  | { kind: 'node'; node: XmlDocument | XmlElement; uri: string; id: string; options: C14nOptions };

/** URI dereference and transform checks (§4.4.3); the node-set is canonicalized by the caller. */
async function dereference(ref: ParsedReference, ctx: DereferenceContext): Promise<Dereferenced> {
  const uri = ref.uri ?? '';
  const enveloped = ref.transforms.filter((t) => t.kind === 'enveloped');
  const c14ns = ref.transforms.filter((t) => t.kind === 'c14n');
  if (enveloped.length > 1 || c14ns.length > 1) {
    throw coreError(
      'XML_TRANSFORM_FORBIDDEN',
      'A reference repeats a transform; one enveloped-signature and one canonicalization are accepted.',
    );
  }
  if (enveloped.length && ref.transforms[0]?.kind !== 'enveloped') {
    throw coreError(
      'XML_TRANSFORM_FORBIDDEN',
      'The enveloped-signature transform must come before canonicalization.',
    );
  }
  const c14n = c14ns[0];
  if (ref.uri !== undefined && (uri === '' || uri.startsWith('#'))) {
    if (uri.startsWith('#xpointer(')) {
      throw coreError(
        'XML_ALGORITHM_UNSUPPORTED',
        `The XPointer reference ${uri} is not supported; use "" or "#id".`,
      );
    }
    let node: XmlDocument | XmlElement;
    let id = '';
    if (uri === '') node = ctx.document;
    else {
      id = decodeFragment(uri.slice(1));
      const el = ctx.ids.get(id);
      if (!el)
        throw coreError(
          'XML_REFERENCE_NOT_FOUND',
          `No element has the ID "${id}" that the reference ${uri} names.`,
        );
      node = el;
    }
    // The enveloped-signature transform removes the Signature from the referenced node-set; it only
    // makes sense when the Signature lies inside it. Anything else is a signature moved away from the
    // content it claims to envelop.
    if (enveloped.length && node.type === 'element' && !isWithin(ctx.signature, node)) {
      throw coreError(
        'XML_SIGNATURE_WRAPPED',
        `The reference ${uri} uses the enveloped-signature transform but the Signature is not inside ${ctx.scan ? ctx.scan.pathOf(node) : elementPath(node)}.`,
      );
    }
    if (node === ctx.signature) {
      throw coreError('XML_SIGNATURE_MALFORMED', 'A reference names the Signature element itself.');
    }
    // §4.4.3.3: "" and "#id" node-sets exclude comments, whatever the canonicalization says.
    const opts: C14nOptions = {
      method: c14n?.method ?? 'c14n',
      comments: false,
      ...(c14n?.inclusivePrefixes ? { inclusivePrefixes: c14n.inclusivePrefixes } : {}),
      ...(enveloped.length ? { exclude: new Set([ctx.signature]) } : {}),
    };
    return { kind: 'node', node, uri, id, options: opts };
  }
  if (!ctx.resolveExternal) {
    throw coreError(
      'XML_REFERENCE_EXTERNAL',
      `The reference "${uri}" points outside the document; pass a resolver to verify it (shomei never fetches references).`,
    );
  }
  if (enveloped.length) {
    throw coreError(
      'XML_TRANSFORM_FORBIDDEN',
      `The external reference "${uri}" cannot use the enveloped-signature transform.`,
    );
  }
  const raw = await ctx.resolveExternal(uri);
  if (!raw) throw coreError('XML_REFERENCE_NOT_FOUND', `The referenced file "${uri}" was not found.`);
  // An external XML file under a canonicalization transform is parsed (strictly) and canonicalized.
  const bytes = c14n ? canonicalize(parseXml(raw), { method: c14n.method, comments: c14n.comments }) : raw;
  return { kind: 'file', content: { kind: 'file', uri, name: decodeFragment(uri), bytes } };
}

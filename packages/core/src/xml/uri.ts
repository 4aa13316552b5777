/**
 * URI reference joining for the C14N 1.1 xml:base fixup (Canonical XML 1.1 §2.4): RFC 3986 §5.2
 * resolution that also works when every value is relative (`a/b/` + `../c`), which a WHATWG URL
 * cannot do. remove_dot_segments keeps a `..` that climbs above the start of a relative path instead
 * of dropping it, so a relative chain stays relative and loses nothing (`foo/bar` + `..` + `..` + `x`
 * gives `../x`). Nothing is percent-decoded or case-normalised: values are joined as written.
 */

interface UriParts {
  readonly scheme: string | undefined;
  readonly authority: string | undefined;
  readonly path: string;
  readonly query: string | undefined;
  readonly fragment: string | undefined;
}

// RFC 3986 Appendix B: the five components of any URI reference.
const PARTS = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#([\s\S]*))?$/;

function parse(uri: string): UriParts {
  const m = PARTS.exec(uri)!;
  return { scheme: m[1], authority: m[2], path: m[3] ?? '', query: m[4], fragment: m[5] };
}

/** RFC 3986 §5.3 component recomposition. */
function recompose(u: UriParts): string {
  let out = '';
  if (u.scheme !== undefined) out += `${u.scheme}:`;
  if (u.authority !== undefined) out += `//${u.authority}`;
  out += u.path;
  if (u.query !== undefined) out += `?${u.query}`;
  if (u.fragment !== undefined) out += `#${u.fragment}`;
  return out;
}

/**
 * RFC 3986 §5.2.4 by segments, with the C14N 1.1 §2.4 change for relative paths: a `..` with nothing
 * left to remove is kept (an absolute path drops it, as RFC 3986 does).
 */
export function removeDotSegments(path: string): string {
  const absolute = path.startsWith('/');
  const segments = (absolute ? path.slice(1) : path).split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const last = i === segments.length - 1;
    if (s === '.' || s === '..') {
      if (s === '..') {
        if (out.length && out[out.length - 1] !== '..') out.pop();
        else if (!absolute) out.push('..');
      }
      // A final dot segment names a directory: the result ends with "/".
      if (last) out.push('');
      continue;
    }
    out.push(s);
  }
  return (absolute ? '/' : '') + out.join('/');
}

/** RFC 3986 §5.2.3 merge of a relative-path reference with the base's path. */
function merge(base: UriParts, path: string): string {
  if (base.authority !== undefined && base.path === '') return `/${path}`;
  const slash = base.path.lastIndexOf('/');
  return slash < 0 ? path : base.path.slice(0, slash + 1) + path;
}

/** RFC 3986 §5.2.2 (strict) resolution of `reference` against `base`, either of them relative. */
export function joinUriReferences(base: string, reference: string): string {
  const r = parse(reference);
  const b = parse(base);
  let t: UriParts;
  if (r.scheme !== undefined) {
    t = { ...r, path: removeDotSegments(r.path) };
  } else if (r.authority !== undefined) {
    t = { ...r, scheme: b.scheme, path: removeDotSegments(r.path) };
  } else if (r.path === '') {
    t = { ...b, query: r.query ?? b.query, fragment: r.fragment };
  } else {
    const path = r.path.startsWith('/') ? r.path : merge(b, r.path);
    t = { ...b, path: removeDotSegments(path), query: r.query, fragment: r.fragment };
  }
  return recompose(t);
}

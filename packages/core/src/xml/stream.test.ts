import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type C14nMethod, canonicalize } from './c14n.js';
import { elementPath, type XmlElement } from './dom.js';
import { parseXml } from './parse.js';
import { canonicalizeText, elementAt, pathAt, scanXml } from './stream.js';

// Generated documents for the streaming canonicalizer: prefixed and default namespaces, redeclared
// and undeclared (xmlns=""), xml:lang / xml:space / xml:base to inherit, attributes in every order,
// entity and character references, CR/LF, CDATA, comments and PIs inside and around the root,
// Japanese and astral text. Elements carry `Id` so a subtree can be named.
interface Gen {
  name: string;
  ns: string[];
  attrs: string[];
  id: boolean;
  children: (Gen | string)[];
}

const TEXTS = [
  'plain',
  '構成情報 山田太郎',
  ' &amp; &lt;x&gt; &quot;q&quot; &apos; ',
  'a > b',
  '&#x41;&#13;&#10;&#x1F600;😀',
  'line\r\nbreak\rcr',
  '<![CDATA[ <raw> & "x" ]]]]><![CDATA[> ]]>',
  '<!-- a comment -->',
  '<!--日本語のコメント-->',
  '<?pi data with  spaces ?>',
  '<?target?>',
  '\n  ',
];
const NAMES = ['a', 'b', '申請', 'x-y.z', 'p:a', 'p:c', 'q:d', 'q:a'];
const NS = [
  'xmlns="urn:d1"',
  'xmlns="urn:d2"',
  'xmlns=""',
  'xmlns:p="urn:p1"',
  'xmlns:p="urn:p2"',
  'xmlns:q="urn:q1"',
  'xmlns:q="urn:q2"',
  'xmlns:u="urn:unused"',
];
const ATTRS = [
  'a="1"',
  'b="\t tab &#9; nl &#10; &lt;&amp;&gt;&quot;"',
  'z="ぜっと"',
  'p:a="pa"',
  'q:b="qb"',
  'xml:lang="ja"',
  'xml:lang="en"',
  'xml:space="preserve"',
  'xml:base="sub/"',
  "c='\"'",
];

const gen = fc.letrec<{ el: Gen; node: Gen | string }>((tie) => ({
  el: fc.record({
    name: fc.constantFrom(...NAMES),
    ns: fc.subarray(NS),
    attrs: fc.subarray(ATTRS),
    id: fc.boolean(),
    children: fc.array(tie('node'), { maxLength: 4, depthIdentifier: 'tree' }),
  }),
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom(...TEXTS), tie('el')),
}));

function render(el: Gen, counter: { n: number }, root: boolean): string {
  // A prefix is declared at most once per element (the root always binds p and q).
  const decl = new Map<string, string>();
  if (root) {
    decl.set('xmlns:p', 'xmlns:p="urn:p1"');
    decl.set('xmlns:q', 'xmlns:q="urn:q1"');
  }
  for (const d of el.ns) decl.set(d.split('=')[0]!, d);
  // p and q are bound to different URIs everywhere, so p:a and q:a never collide.
  const byName = new Map<string, string>();
  for (const a of el.attrs) byName.set(a.split('=')[0]!, a);
  const attrs = [...byName.values()];
  if (el.id || root) attrs.push(`Id="e${counter.n++}"`);
  const open = [el.name, ...decl.values(), ...attrs].join(' ');
  const inner = el.children.map((c) => (typeof c === 'string' ? c : render(c, counter, false))).join('');
  return inner === '' && el.children.length === 0 && el.id ? `<${open}/>` : `<${open}>${inner}</${el.name}>`;
}

const documents = fc
  .record({
    root: gen.el,
    before: fc.subarray(['<!-- before -->', '<?before x?>', '\n']),
    after: fc.subarray(['<!-- after -->', '<?after?>', '\n']),
    decl: fc.boolean(),
  })
  .map(
    ({ root, before, after, decl }) =>
      `${decl ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}${before.join('')}${render(root, { n: 0 }, true)}${after.join('')}`,
  );

const METHODS: readonly C14nMethod[] = ['c14n', 'c14n11', 'exc-c14n'];
const dec = new TextDecoder();

function streamed(
  scan: ReturnType<typeof scanXml>,
  target: XmlElement | undefined,
  options: Parameters<typeof canonicalize>[1],
): string {
  const parts: string[] = [];
  const d = new TextDecoder();
  canonicalizeText(scan, target, options, (c) => parts.push(d.decode(c, { stream: true })));
  return parts.join('') + d.decode();
}

describe('the streaming canonicalizer renders exactly the tree canonicalizer', () => {
  it('whole documents and every ID-named subtree, each algorithm, with and without comments', () => {
    fc.assert(
      fc.property(documents, (xml) => {
        const tree = parseXml(xml);
        const scan = scanXml(xml, { idAttributes: ['Id'] });
        for (const method of METHODS) {
          for (const comments of [false, true]) {
            const o = {
              method,
              comments,
              ...(method === 'exc-c14n' ? { inclusivePrefixes: ['q', '#default'] } : {}),
            };
            expect(streamed(scan, undefined, o)).toBe(dec.decode(canonicalize(tree, o)));
            for (const el of scan.ids.values()) {
              const t = elementAt(tree, el.start)!;
              expect(streamed(scan, el, o)).toBe(dec.decode(canonicalize(t, o)));
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('leaves out an excluded subtree (the enveloped-signature transform) alike', () => {
    fc.assert(
      fc.property(documents, fc.nat(), (xml, pick) => {
        const tree = parseXml(xml);
        const scan = scanXml(xml, { idAttributes: ['Id'] });
        const named = [...scan.ids.values()];
        const out = named[pick % named.length]!;
        const treeOut = elementAt(tree, out.start)!;
        for (const method of METHODS) {
          const o = { method, comments: false };
          expect(streamed(scan, undefined, { ...o, exclude: new Set([out]) })).toBe(
            dec.decode(canonicalize(tree, { ...o, exclude: new Set([treeOut]) })),
          );
          for (const el of named) {
            const t = elementAt(tree, el.start)!;
            expect(streamed(scan, el, { ...o, exclude: new Set([out]) })).toBe(
              dec.decode(canonicalize(t, { ...o, exclude: new Set([treeOut]) })),
            );
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('finds the same paths as the tree', () => {
    fc.assert(
      fc.property(documents, (xml) => {
        const tree = parseXml(xml);
        for (const el of tree.elements) expect(pathAt(xml, el.start)).toBe(elementPath(el));
        const scan = scanXml(xml, { idAttributes: ['Id'], shallowDepth: 2 });
        for (const el of scan.ids.values())
          expect(scan.pathOf(el)).toBe(elementPath(elementAt(tree, el.start)!));
      }),
      { numRuns: 100 },
    );
  });
});

describe('scanXml', () => {
  const xml =
    '<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><a Id="x"><b>t</b></a><ds:Signature Id="s"><ds:SignedInfo>i</ds:SignedInfo></ds:Signature><c/></r>';

  it('keeps the Signature subtree whole, and ID-carrying subtrees whole within its node budget', () => {
    const scan = scanXml(xml, { idAttributes: ['Id'] });
    const a = scan.ids.get('x')!;
    const sig = scan.signatures[0]!;
    const c = scan.skeleton.root.children.find((n) => n.type === 'element' && n.name === 'c');
    expect([a.children.length, scan.isWhole(a), sig.children.length, scan.isWhole(sig), c]).toEqual([
      1,
      true,
      1,
      true,
      undefined,
    ]);
  });

  it('past the budget keeps an ID-carrying element bare, the Signature inside it whole, and streams it alike', () => {
    const rows = '<row>値 &amp; 1</row>'.repeat(20_000);
    const big = `<r Id="all" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${rows}<ds:Signature><ds:SignedInfo>i</ds:SignedInfo></ds:Signature></r>`;
    const scan = scanXml(big, { idAttributes: ['Id'] });
    const all = scan.ids.get('all')!;
    const sig = scan.signatures[0]!;
    expect([scan.isWhole(all), scan.isWhole(sig), sig.children.length]).toEqual([false, true, 1]);
    const o = { method: 'c14n' as const, exclude: new Set([sig]) };
    const tree = parseXml(big);
    const treeSig = tree.elements.find((e) => e.localName === 'Signature')!;
    expect(streamed(scan, all, o)).toBe(
      dec.decode(canonicalize(tree.root, { method: 'c14n', exclude: new Set([treeSig]) })),
    );
  });

  it('reports a repeated ID anywhere in the document', () => {
    const scan = scanXml('<r><a Id="x"/><b><c Id="x"/></b></r>', { idAttributes: ['Id'] });
    expect(scan.duplicateId?.message).toContain('/r[1]/a[1] and on /r[1]/b[1]/c[1]');
  });

  it('refuses what parseXml refuses', () => {
    for (const bad of [
      '<!DOCTYPE r [<!ENTITY e "x">]><r/>',
      '<r>&e;</r>',
      '<r/><r/>',
      '<r>]]></r>',
      '<r>&#0;</r>',
    ]) {
      let tree = '';
      let scan = '';
      try {
        parseXml(bad);
      } catch (e) {
        tree = (e as { code: string }).code;
      }
      try {
        scanXml(bad, { idAttributes: [] });
      } catch (e) {
        scan = (e as { code: string }).code;
      }
      expect([bad, scan]).toEqual([bad, tree]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { xmllintC14n, xmlsecPreDigest } from '../../test/support/xml.js';
import { canonicalize } from './c14n.js';
import type { XmlElement } from './dom.js';
import { parseXml } from './parse.js';

const dec = new TextDecoder();
const c14n = (xml: string, method: 'c14n' | 'exc-c14n' | 'c14n11', comments = false) =>
  dec.decode(canonicalize(parseXml(xml), { method, comments }));

// Documents exercising the C14N rules: namespace inheritance and redeclaration, xmlns="" undeclaring,
// attribute order by namespace URI, escapes, CR/LF, CDATA, PIs and comments around the root,
// character references, astral characters, xml:* attributes.
const DOCUMENTS = [
  '<?xml version="1.0"?>\n<?xml-stylesheet href="doc.xsl"\n   type="text/xsl"   ?>\n<doc>Hello, world!<!-- c --></doc>\n<?pi-without-data     ?>\n<!-- after -->',
  '<doc xmlns="urn:a" xmlns:b="urn:b" xmlns:z="urn:z"><e1 b:y="1" a="2" z:x="3"   /><e2 xmlns=""><e3 xmlns="urn:a"/></e2><b:e4 xmlns:b="urn:b"/></doc>',
  '<doc>\r\n<text>First line&#x0d;&#10;Second line</text>\r\n<value>&#x32;</value><c><![CDATA[value>"0" && value<"10" ?"valid":"error"]]></c>\n<attr a="  x\ty\n z &#9;&#xA; &lt;&amp;&quot;&apos;" b=\'"\'/></doc>',
  '<doc xml:lang="ja" xml:space="preserve"><a xmlns:p="urn:p" p:q="v" xml:lang="en">構成情報 &#x1F600; 😀</a></doc>',
  '<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org"><n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"/></n1:elem2></n0:local>',
];

describe('C14N with comments of whole documents matches libxml2 (xmllint)', () => {
  for (const [i, xml] of DOCUMENTS.entries()) {
    for (const method of ['c14n', 'exc-c14n', 'c14n11'] as const) {
      it(`document ${i + 1}, ${method}`, () => {
        expect(c14n(xml, method, true)).toBe(xmllintC14n(xml, method));
      });
    }
  }
});

it('without comments drops every comment, keeps PIs', () => {
  expect(c14n(DOCUMENTS[0]!, 'c14n')).toBe(
    '<?xml-stylesheet href="doc.xsl"\n   type="text/xsl"   ?>\n<doc>Hello, world!</doc>\n<?pi-without-data?>',
  );
});

describe('C14N of a subtree', () => {
  const doc = parseXml(
    '<r xmlns="urn:r" xmlns:a="urn:a" xmlns:u="urn:unused" xml:lang="ja" xml:id="i"><a:x y="1"><z/></a:x></r>',
  );
  const x = doc.root.children[0] as XmlElement;

  it('inclusive 1.0 renders every inherited namespace and xml:* attribute on the apex', () => {
    expect(dec.decode(canonicalize(x, { method: 'c14n' }))).toBe(
      '<a:x xmlns="urn:r" xmlns:a="urn:a" xmlns:u="urn:unused" y="1" xml:id="i" xml:lang="ja"><z></z></a:x>',
    );
  });

  it('1.1 does not inherit xml:id', () => {
    expect(dec.decode(canonicalize(x, { method: 'c14n11' }))).toBe(
      '<a:x xmlns="urn:r" xmlns:a="urn:a" xmlns:u="urn:unused" y="1" xml:lang="ja"><z></z></a:x>',
    );
  });

  it('exclusive renders only visibly used namespaces, where they are used', () => {
    expect(dec.decode(canonicalize(x, { method: 'exc-c14n' }))).toBe(
      '<a:x xmlns:a="urn:a" y="1"><z xmlns="urn:r"></z></a:x>',
    );
  });

  it('exclusive honours the InclusiveNamespaces PrefixList', () => {
    expect(dec.decode(canonicalize(x, { method: 'exc-c14n', inclusivePrefixes: ['u'] }))).toBe(
      '<a:x xmlns:a="urn:a" xmlns:u="urn:unused" y="1"><z xmlns="urn:r"></z></a:x>',
    );
  });

  it('leaves out an excluded subtree (the enveloped-signature transform)', () => {
    const z = x.children[0] as XmlElement;
    expect(dec.decode(canonicalize(x, { method: 'exc-c14n', exclude: new Set([z]) }))).toBe(
      '<a:x xmlns:a="urn:a" y="1"></a:x>',
    );
  });
});

describe('large documents', () => {
  it('canonicalizes 100 000 sibling elements', () => {
    const xml = `<r>${'<e a="1">t</e>'.repeat(100_000)}</r>`;
    expect(c14n(xml, 'c14n')).toBe(xml);
  });

  it('canonicalizes elements nested 50 000 deep without recursion', () => {
    const depth = 50_000;
    const xml = `${'<e>'.repeat(depth)}${'</e>'.repeat(depth)}`;
    const out = dec.decode(canonicalize(parseXml(xml, { maxDepth: depth }), { method: 'exc-c14n' }));
    expect(out).toBe(xml);
  });
});

describe('C14N 1.1 xml:base fixup of relative chains (RFC 3986 §5.2) matches libxml2 (through xmlsec1)', () => {
  const C14N11 = 'http://www.w3.org/2006/12/xml-c14n11';
  const doc = (bases: readonly string[]) => {
    const [own, ...up] = [...bases].reverse();
    let xml = `<e ID="t"${own ? ` xml:base="${own}"` : ''}><x/></e>`;
    for (const [i, b] of up.entries()) xml = `<a${i}${b ? ` xml:base="${b}"` : ''}>${xml}</a${i}>`;
    return `<r>${xml}</r>`;
  };
  const ours = (xml: string) => {
    const d = parseXml(xml);
    const e = d.elements.find((el) => el.name === 'e')!;
    return dec.decode(canonicalize(e, { method: 'c14n11' }));
  };
  // Ancestors' xml:base values outermost first; the last one is the apex's own.
  const CHAINS: readonly (readonly string[])[] = [
    ['a/b/', '../c/d', 'e/f'],
    ['../x/', '../../y', 'z'],
    ['foo/bar', '..', '..', 'x'],
    ['foo/bar/', '..', '../..', 'x'],
    ['a/b', '../../c', 'd', 'e'],
    ['a/', 'b/', '../../../', 'c'],
    ['x/y/z', '.', './', 'w'],
    ['./a/./b/', 'c', 'd'],
    ['a/b?q', '', 'c'],
    ['a#f', 'b#g', 'c#h'],
    ['/abs/path/', 'x', 'y/.'],
    ['//host/p/', 'q', 'r'],
    ['a/b/', 'c/..', 'd/../'],
    ['a/b/', '%E6%A7%8B/', 'c', 'd'],
    ['http://e.org/a/b', 'c/', 'd'],
    ['a/', 'http://x/y/', '../z'],
    ['file:///x/y/', '../../../z', 'w'],
    ['./a/../b/', ''],
  ];
  for (const chain of CHAINS) {
    it(chain.join(' + '), () => {
      const xml = doc(chain);
      expect(ours(xml)).toBe(xmlsecPreDigest(xml, 'e', C14N11));
    });
  }

  // libxml2 (2.9) cancels only one "x/.." pair per pass, so three or more ".." in a row leave a
  // segment behind ("a/../../x"); RFC 3986 §5.2.4 removes every pair. Asserted from the RFC instead.
  it('cancels every "x/.." pair of a long climb (where libxml2 stops early)', () => {
    expect([ours(doc(['a/b/c/', '../../../..', 'x'])), ours(doc(['a/b/', '../../../c', 'd']))]).toEqual([
      '<e ID="t" xml:base="../x"><x></x></e>',
      '<e ID="t" xml:base="../d"><x></x></e>',
    ]);
  });
});

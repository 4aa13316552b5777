import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShomeiError } from '../errors.js';
import type { XmlElement } from './dom.js';
import { parseXml } from './parse.js';

const code = (xml: string | Uint8Array, options = {}): string | undefined => {
  try {
    parseXml(xml, options);
    return undefined;
  } catch (e) {
    return isShomeiError(e) ? e.code : `not a ShomeiError: ${String(e)}`;
  }
};

describe('parseXml refuses what a verifier must not process', () => {
  it.each([
    [
      'an internal DTD subset (billion laughs)',
      '<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>',
      'XML_DTD_FORBIDDEN',
    ],
    [
      'an external entity (XXE)',
      '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
      'XML_DTD_FORBIDDEN',
    ],
    [
      'a DOCTYPE with a public id',
      '<!DOCTYPE r PUBLIC "-//x" "http://example.com/x.dtd"><r/>',
      'XML_DTD_FORBIDDEN',
    ],
    ['an undeclared entity reference', '<r>&x;</r>', 'XML_ENTITY_FORBIDDEN'],
    ['an entity in an attribute', '<r a="&ext;"/>', 'XML_ENTITY_FORBIDDEN'],
    ['two root elements', '<a/><b/>', 'XML_MALFORMED'],
    ['text after the root', '<a/>x', 'XML_MALFORMED'],
    ['a mismatched end tag', '<a></b>', 'XML_MALFORMED'],
    ['an unclosed element', '<a><b></b>', 'XML_MALFORMED'],
    ['a duplicate attribute', '<a x="1" x="2"/>', 'XML_MALFORMED'],
    ['a duplicate expanded attribute name', '<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>', 'XML_MALFORMED'],
    ['an unbound prefix', '<p:a/>', 'XML_MALFORMED'],
    ['"<" in an attribute value', '<a x="<"/>', 'XML_MALFORMED'],
    ['a control character', '<a>\u0001</a>', 'XML_MALFORMED'],
    ['a character reference to a non-character', '<a>&#0;</a>', 'XML_MALFORMED'],
    ['"--" inside a comment', '<a><!-- a -- b --></a>', 'XML_MALFORMED'],
    ['a late XML declaration', '<a><?xml version="1.0"?></a>', 'XML_MALFORMED'],
    ['a Shift_JIS declaration', '<?xml version="1.0" encoding="Shift_JIS"?><a/>', 'XML_ENCODING_UNSUPPORTED'],
    ['no root element', '<!-- only -->', 'XML_MALFORMED'],
    ['rebinding the xml prefix', '<a xmlns:xml="urn:x"/>', 'XML_MALFORMED'],
  ])('%s', (_name, xml, expected) => {
    expect(code(xml)).toBe(expected);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(code(Uint8Array.of(0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e))).toBe(
      'XML_ENCODING_UNSUPPORTED',
    );
  });

  it('refuses UTF-16', () => {
    expect(code(Uint8Array.of(0xff, 0xfe, 0x3c, 0x00))).toBe('XML_ENCODING_UNSUPPORTED');
  });

  it('enforces the depth limit', () => {
    expect(code(`${'<e>'.repeat(11)}${'</e>'.repeat(11)}`, { maxDepth: 10 })).toBe('XML_LIMIT_EXCEEDED');
  });

  it('enforces the element limit', () => {
    expect(code(`<r>${'<e/>'.repeat(10)}</r>`, { maxElements: 10 })).toBe('XML_LIMIT_EXCEEDED');
  });

  it('enforces the attribute limit', () => {
    expect(code('<r a="1" b="2" c="3"/>', { maxAttributes: 2 })).toBe('XML_LIMIT_EXCEEDED');
  });
});

describe('parseXml reads', () => {
  it('namespaces, normalised attributes, references and CDATA', () => {
    const doc = parseXml(
      '<r xmlns="urn:d" xmlns:p="urn:p"><p:e p:a=" 1\t2\r\n3 &#9;" b="&lt;&#x6F22;"><![CDATA[<x>]]>&amp;y\r\nz</p:e></r>',
    );
    const e = doc.root.children[0] as XmlElement;
    expect([doc.root.namespaceURI, e.namespaceURI, e.localName]).toEqual(['urn:d', 'urn:p', 'e']);
    expect(e.attributes.map((a) => [a.name, a.namespaceURI, a.value])).toEqual([
      ['p:a', 'urn:p', ' 1 2 3 \t'],
      ['b', '', '<漢'],
    ]);
    expect(e.children.map((c) => (c.type === 'text' ? c.value : c.type))).toEqual(['<x>', '&y\nz']);
  });

  it('a UTF-8 byte order mark and an XML declaration', () => {
    const doc = parseXml(
      new Uint8Array([
        0xef,
        0xbb,
        0xbf,
        ...new TextEncoder().encode('<?xml version="1.0" encoding="utf-8"?><構成情報 ID="構成情報"/>'),
      ]),
    );
    expect([doc.root.name, doc.root.attributes[0]?.value]).toEqual(['構成情報', '構成情報']);
  });

  it('100 000 elements', () => {
    const doc = parseXml(`<r>${'<e a="1">t</e>'.repeat(100_000)}</r>`);
    expect(doc.elements.length).toBe(100_001);
  });

  it('never throws anything but a typed error on arbitrary input', () => {
    const atoms = [
      '<',
      '>',
      '/',
      '!',
      '?',
      '&',
      ';',
      '#',
      'x',
      '=',
      '"',
      "'",
      ' ',
      ':',
      '<!DOCTYPE',
      '<![CDATA[',
      ']]>',
      '<!--',
      '-->',
      'xmlns',
      '&#x41;',
      '\u0000',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...atoms), { maxLength: 40 }), (parts) => {
        const c = code(parts.join(''));
        expect(c === undefined || !c.startsWith('not a')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * The XML signature attack corpus: the XML Signature Wrapping families of the SAML literature
 * (Somorovsky et al., "On Breaking SAML", USENIX Security 2012, XSW1–XSW8) adapted to e-Gov/e-Tax
 * documents, entity attacks, and structural abuse. Every case must be refused with its exact code,
 * or — where the cryptography is intact but the content moved — the report must name where the
 * signed content really is so that an application reads that and not a look-alike.
 */
import { describe, expect, it } from 'vitest';
import { C14N } from '../../src/xml/algorithms.js';
import { signEgovApplication, verifyEgovApplication } from '../../src/xml/egov.js';
import { signXml } from '../../src/xml/sign.js';
import { verifyXml } from '../../src/xml/verify.js';
import { egovFolder, rsaSigner, trust } from '../support/xml.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = new TextDecoder();
const DOC = '<控除証明書><対象 Id="claim"><金額>10000</金額></対象><発行者>保険会社</発行者></控除証明書>';

async function detached(
  prefix = '',
  canonicalization: (typeof C14N)[keyof typeof C14N] = C14N.c14n,
): Promise<string> {
  return dec.decode(
    await signXml(DOC, await rsaSigner(), {
      mode: 'detached',
      prefix,
      canonicalization,
      references: [{ uri: '#claim' }],
    }),
  );
}
async function enveloped(extra = {}): Promise<string> {
  return dec.decode(await signXml(DOC, await rsaSigner(), extra));
}
const ORIGINAL = '<対象 Id="claim"><金額>10000</金額></対象>';
const EVIL = '<対象 Id="evil"><金額>99999999</金額></対象>';

async function code(xml: string, options = {}): Promise<string | undefined> {
  return (await verifyXml(xml, { ...trust, ...options })).code;
}

describe('signature wrapping (XSW) on a detached #id signature', () => {
  it('XSW1/2: a look-alike with the same ID beside the original → XML_DUPLICATE_ID', async () => {
    const s = await detached();
    expect(await code(s.replace(ORIGINAL, `${ORIGINAL.replace('10000', '99999999')}${ORIGINAL}`))).toBe(
      'XML_DUPLICATE_ID',
    );
  });

  it('XSW1 with a default-namespace Signature: the original moved into Object changes namespace → XML_DIGEST_MISMATCH', async () => {
    const s = await detached();
    const moved = s.replace(ORIGINAL, EVIL).replace('</KeyInfo>', `</KeyInfo><Object>${ORIGINAL}</Object>`);
    expect(await code(moved)).toBe('XML_DIGEST_MISMATCH');
  });

  it('XSW1 with a ds: Signature: inclusive C14N sees the new xmlns:ds in scope → XML_DIGEST_MISMATCH', async () => {
    const s = await detached('ds');
    const moved = s
      .replace(ORIGINAL, EVIL)
      .replace('</ds:KeyInfo>', `</ds:KeyInfo><ds:Object>${ORIGINAL}</ds:Object>`);
    expect(await code(moved)).toBe('XML_DIGEST_MISMATCH');
  });

  it('XSW1 under exclusive C14N: valid cryptographically, but the report points into the Signature', async () => {
    const s = await detached('ds', C14N.exc);
    const moved = s
      .replace(ORIGINAL, EVIL)
      .replace('</ds:KeyInfo>', `</ds:KeyInfo><ds:Object>${ORIGINAL}</ds:Object>`);
    const r = await verifyXml(moved, trust);
    expect([r.verdict, r.references[0]?.path]).toEqual([
      'valid',
      '/控除証明書[1]/ds:Signature[1]/ds:Object[1]/対象[1]',
    ]);
  });

  it('XSW3/4: the original wrapped inside the look-alike → the report names the nested element', async () => {
    const s = await detached();
    const r = await verifyXml(s.replace(ORIGINAL, EVIL.replace('</対象>', `${ORIGINAL}</対象>`)), trust);
    expect(r.references[0]?.path).toBe('/控除証明書[1]/対象[1]/対象[1]');
  });

  it('the same ID under another ID attribute name (Id vs ID) → XML_DUPLICATE_ID', async () => {
    const s = await detached();
    expect(await code(s.replace(ORIGINAL, `<対象 ID="claim"><金額>1</金額></対象>${ORIGINAL}`))).toBe(
      'XML_DUPLICATE_ID',
    );
  });

  it('xml:id carrying the same ID → XML_DUPLICATE_ID', async () => {
    const s = await detached();
    expect(await code(s.replace('<発行者>', '<発行者 xml:id="claim">'))).toBe('XML_DUPLICATE_ID');
  });

  it('a reference to an ID that is gone → XML_REFERENCE_NOT_FOUND', async () => {
    const s = await detached();
    expect(await code(s.replace('Id="claim"', 'Id="other"'))).toBe('XML_REFERENCE_NOT_FOUND');
  });

  it('content changed in place → XML_DIGEST_MISMATCH', async () => {
    expect(await code((await detached()).replace('10000', '10001'))).toBe('XML_DIGEST_MISMATCH');
  });
});

describe('signature wrapping on enveloped signatures (e-Tax shape)', () => {
  it('XSW5/6: the Signature moved out of the element its enveloped reference covers → XML_SIGNATURE_WRAPPED', async () => {
    const s = dec.decode(
      await signXml(DOC, await rsaSigner(), {
        mode: 'detached',
        references: [{ uri: '#claim', enveloped: true }],
        location: (d) => d.root.children[0] as never,
      }),
    );
    const sig = s.slice(s.indexOf('<Signature'), s.indexOf('</Signature>') + '</Signature>'.length);
    const moved = s.replace(sig, '').replace('</控除証明書>', `${sig}</控除証明書>`);
    expect(await code(moved)).toBe('XML_SIGNATURE_WRAPPED');
  });

  it('XSW7: a second, unsigned copy of the document content appended → XML_DIGEST_MISMATCH', async () => {
    const s = await enveloped();
    expect(await code(s.replace('</控除証明書>', `${EVIL}</控除証明書>`))).toBe('XML_DIGEST_MISMATCH');
  });

  it('XSW8: a copy of the Signature beside the real one → XML_DUPLICATE_ID (its Id repeats)', async () => {
    const s = await enveloped();
    const sig = s.slice(s.indexOf('<Signature'), s.indexOf('</Signature>') + '</Signature>'.length);
    expect(await code(s.replace('</控除証明書>', `${sig}</控除証明書>`))).toBe('XML_DUPLICATE_ID');
  });

  it('XSW8: a forged second Signature → each is reported; the real one no longer matches either', async () => {
    const s = await enveloped({ id: 'real' });
    const sig = s.slice(s.indexOf('<Signature'), s.indexOf('</Signature>') + '</Signature>'.length);
    const forged = sig
      .replace('Id="real"', 'Id="forged"')
      .replace(/<SignatureValue>[^<]*<\/SignatureValue>/, '<SignatureValue>AAAA</SignatureValue>');
    const r = await verifyXml(s.replace('</控除証明書>', `${forged}</控除証明書>`), trust);
    expect([r.verdict, r.signers?.map((x) => x.code)]).toEqual([
      'invalid',
      ['XML_DIGEST_MISMATCH', 'XML_SIGNATURE_INVALID'],
    ]);
  });

  it('a root element added around the signed document → XML_DIGEST_MISMATCH', async () => {
    const s = await enveloped();
    expect(await code(`<wrapper>${s.replace(/^<\?xml[^>]*>\s*/, '')}</wrapper>`)).toBe('XML_DIGEST_MISMATCH');
  });
});

describe('signature wrapping on the e-Gov folder', () => {
  async function signedFolder() {
    return signEgovApplication(egovFolder(), await rsaSigner());
  }
  const KOUSEI = 'kousei.xml';

  const swap = (text: string) => {
    const start = text.indexOf('<構成情報');
    const original = text.slice(start, text.indexOf('</構成情報>') + '</構成情報>'.length);
    const evil = original.replace(' ID="構成情報"', '').replace('電子申請のテスト手続', '偽の手続');
    return { original, evil };
  };

  it('the signed 構成情報 moved into ds:Object, a look-alike in its place → XML_DIGEST_MISMATCH (namespace changes)', async () => {
    const f = await signedFolder();
    const text = dec.decode(f.get(KOUSEI));
    const { original, evil } = swap(text);
    const moved = text
      .replace(original, evil)
      .replace('</KeyInfo>', `</KeyInfo><Object>${original}</Object>`);
    expect((await verifyEgovApplication(new Map(f).set(KOUSEI, enc(moved)), trust)).code).toBe(
      'XML_DIGEST_MISMATCH',
    );
  });

  it('the signed 構成情報 moved into 署名情報, a look-alike in its place → EGOV_APPLICATION_INVALID', async () => {
    const f = await signedFolder();
    const text = dec.decode(f.get(KOUSEI));
    const { original, evil } = swap(text);
    const moved = text.replace(original, evil).replace('<署名情報>', `<署名情報>${original}`);
    const r = await verifyEgovApplication(new Map(f).set(KOUSEI, enc(moved)), trust);
    expect([r.verdict, r.code]).toEqual(['invalid', 'EGOV_APPLICATION_INVALID']);
  });

  it('the Signature moved out of 署名情報 → XML_SIGNATURE_WRAPPED', async () => {
    const f = await signedFolder();
    const text = dec.decode(f.get(KOUSEI));
    const sig = text.slice(text.indexOf('<Signature'), text.indexOf('</Signature>') + '</Signature>'.length);
    const moved = text.replace(sig, '').replace('<様式ID>', `<様式ID>${sig}`);
    const r = await verifyEgovApplication(new Map(f).set(KOUSEI, enc(moved)), trust);
    expect([r.verdict, r.code]).toEqual(['invalid', 'XML_SIGNATURE_WRAPPED']);
  });

  it('a form file changed → XML_DIGEST_MISMATCH', async () => {
    const f = await signedFolder();
    const r = await verifyEgovApplication(
      new Map(f).set('900A01020000100001_01.xml', enc('<申請書/>')),
      trust,
    );
    expect(r.code).toBe('XML_DIGEST_MISMATCH');
  });

  it('a listed file missing from the upload → XML_REFERENCE_NOT_FOUND', async () => {
    const f = await signedFolder();
    f.delete('添付書類_1.pdf');
    expect((await verifyEgovApplication(f, trust)).code).toBe('XML_REFERENCE_NOT_FOUND');
  });

  it('a reference that escapes the folder (../, absolute, URL) resolves to nothing', async () => {
    const f = await signedFolder();
    for (const uri of [
      '../secret.xml',
      '/etc/passwd',
      'http://127.0.0.1/x',
      'file:///etc/passwd',
      '%2E%2E%2Fsecret.xml',
    ]) {
      const text = dec.decode(f.get(KOUSEI)).replace('URI="900A01020000100001_01.xml"', `URI="${uri}"`);
      const files = new Map(f)
        .set(KOUSEI, enc(text))
        .set('../secret.xml', enc('x'))
        .set('/etc/passwd', enc('x'));
      const r = await verifyEgovApplication(files, trust);
      expect([uri, r.references[1]?.code]).toEqual([uri, 'XML_REFERENCE_NOT_FOUND']);
    }
  });

  it('an extra file in the upload is listed as unsigned', async () => {
    const f = await signedFolder();
    const r = await verifyEgovApplication(new Map(f).set('extra.xml', enc('<x/>')), trust);
    expect([r.verdict, r.egov.unsignedFiles]).toEqual(['valid', ['extra.xml']]);
  });
});

describe('entities, transforms, algorithms and limits', () => {
  it('a DTD with entities (billion laughs) → XML_DTD_FORBIDDEN', async () => {
    const s = await enveloped();
    const bomb = `<!DOCTYPE 控除証明書 [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`;
    expect(await code(s.replace('<控除証明書>', `${bomb}<控除証明書>`))).toBe('XML_DTD_FORBIDDEN');
  });

  it('an external entity (XXE) → XML_DTD_FORBIDDEN', async () => {
    const s = await enveloped();
    const xxe = '<!DOCTYPE 控除証明書 [<!ENTITY x SYSTEM "file:///etc/passwd">]>';
    expect(await code(s.replace('<控除証明書>', `${xxe}<控除証明書>`).replace('保険会社', '&x;'))).toBe(
      'XML_DTD_FORBIDDEN',
    );
  });

  it('an undeclared entity → XML_ENTITY_FORBIDDEN', async () => {
    expect(await code((await enveloped()).replace('保険会社', '&x;'))).toBe('XML_ENTITY_FORBIDDEN');
  });

  it.each([
    ['XPath', 'http://www.w3.org/TR/1999/REC-xpath-19991116'],
    ['XSLT', 'http://www.w3.org/TR/1999/REC-xslt-19991116'],
    ['XPath Filter 2', 'http://www.w3.org/2002/06/xmldsig-filter2'],
  ])('a %s transform → XML_TRANSFORM_FORBIDDEN', async (_n, uri) => {
    const s = await enveloped();
    expect(
      await code(
        s.replace(
          `<Transform Algorithm="${C14N.c14n}"/>`,
          `<Transform Algorithm="${uri}"><XPath>1</XPath></Transform>`,
        ),
      ),
    ).toBe('XML_TRANSFORM_FORBIDDEN');
  });

  it('an external reference without a resolver → XML_REFERENCE_EXTERNAL', async () => {
    const s = await detached();
    const r = await verifyXml(s.replace('URI="#claim"', 'URI="http://127.0.0.1/evil.xml"'), trust);
    expect(r.references[0]?.code).toBe('XML_REFERENCE_EXTERNAL');
  });

  it('an XPointer reference → XML_ALGORITHM_UNSUPPORTED', async () => {
    const r = await verifyXml((await detached()).replace('URI="#claim"', 'URI="#xpointer(/)"'), trust);
    expect(r.references[0]?.code).toBe('XML_ALGORITHM_UNSUPPORTED');
  });

  it('an HMAC signature method → XML_ALGORITHM_UNSUPPORTED', async () => {
    const s = await enveloped();
    expect(
      await code(
        s.replace(
          /xmldsig-more#rsa-sha256"\/>/,
          'xmldsig-more#hmac-sha256"><HMACOutputLength>0</HMACOutputLength></SignatureMethod>',
        ),
      ),
    ).toBe('XML_ALGORITHM_UNSUPPORTED');
  });

  it('an ECDSA method with an RSA certificate → XML_ALGORITHM_UNSUPPORTED', async () => {
    expect(await code((await enveloped()).replace('#rsa-sha256', '#ecdsa-sha256'))).toBe(
      'XML_ALGORITHM_UNSUPPORTED',
    );
  });

  it('SHA-1 → XML_WEAK_ALGORITHM', async () => {
    const s = await enveloped();
    expect(
      await code(
        s.replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1'),
      ),
    ).toBe('XML_WEAK_ALGORITHM');
  });

  it('more references than the limit → XML_LIMIT_EXCEEDED', async () => {
    const s = dec.decode(
      await signXml(DOC, await rsaSigner(), {
        mode: 'detached',
        references: [{ uri: '#claim' }, { uri: '#claim' }, { uri: '#claim' }],
      }),
    );
    expect(await code(s, { limits: { maxReferences: 2 } })).toBe('XML_LIMIT_EXCEEDED');
  });

  it('more transforms than the limit → XML_LIMIT_EXCEEDED', async () => {
    const s = await enveloped();
    const t = `<Transform Algorithm="${C14N.c14n}"/>`;
    expect(await code(s.replace(t, t.repeat(5)))).toBe('XML_LIMIT_EXCEEDED');
  });

  it('deeper nesting than the limit → XML_LIMIT_EXCEEDED', async () => {
    expect(await code(await enveloped(), { limits: { maxDepth: 2 } })).toBe('XML_LIMIT_EXCEEDED');
  });

  it('two root elements → XML_MALFORMED', async () => {
    expect(await code(`${await enveloped()}<控除証明書/>`)).toBe('XML_MALFORMED');
  });

  it('no signature → XML_SIGNATURE_NOT_FOUND', async () => {
    expect(await code(DOC)).toBe('XML_SIGNATURE_NOT_FOUND');
  });

  it('a Signature with its children out of order → XML_SIGNATURE_MALFORMED', async () => {
    const s = await enveloped();
    const sv = s.slice(
      s.indexOf('<SignatureValue>'),
      s.indexOf('</SignatureValue>') + '</SignatureValue>'.length,
    );
    expect(await code(s.replace(sv, '').replace('</Signature>', `${sv}</Signature>`))).toBe(
      'XML_SIGNATURE_MALFORMED',
    );
  });

  it('a comment inside signed text does not hide content: the signed bytes keep both text halves', async () => {
    const s = dec.decode(await signXml(DOC.replace('保険会社', '保険<!-- -->会社'), await rsaSigner()));
    const r = await verifyXml(s, trust);
    expect([r.verdict, dec.decode(r.signedContent[0]?.bytes).includes('保険会社')]).toEqual(['valid', true]);
  });
});

import { describe, expect, it } from 'vitest';
import { pki } from '../../test/pki.js';
import { ecSigner, rsaSigner, trust } from '../../test/support/xml.js';
import { startTestTsa } from '../../test/tsa.js';
import { tsaTimestamp } from '../cms/timestamp.js';
import { C14N } from './algorithms.js';
import { signXml } from './sign.js';
import { verifyXml } from './verify.js';

const DOC =
  '<?xml version="1.0" encoding="UTF-8"?>\n<申請 xmlns:a="urn:a" xml:lang="ja"><a:本文 Id="body">データ &amp; 値</a:本文><備考 Id="note">x</備考></申請>\n';
const dec = new TextDecoder();
const tamper = (signed: Uint8Array, from: string, to: string): Uint8Array => {
  const text = dec.decode(signed);
  expect(text.includes(from)).toBe(true);
  return new TextEncoder().encode(text.replace(from, to));
};

describe('signXml → verifyXml', () => {
  for (const c of Object.values(C14N)) {
    it(`enveloped, ${c}`, async () => {
      const signed = await signXml(DOC, await rsaSigner(), { canonicalization: c });
      const r = await verifyXml(signed, trust);
      expect([r.verdict, r.format, r.references.map((x) => [x.kind, x.ok])]).toEqual([
        'valid',
        'XMLDSig',
        [['document', true]],
      ]);
    });
  }

  for (const hash of ['SHA-384', 'SHA-512'] as const) {
    it(`RSA PKCS#1 v1.5 with ${hash}`, async () => {
      const r = await verifyXml(await signXml(DOC, await rsaSigner(hash), { hash }), trust);
      expect([r.verdict, r.signatureAlgorithm]).toEqual([
        'valid',
        `rsa-${hash.toLowerCase().replace('-', '')}`,
      ]);
    });
  }

  it('ECDSA P-256 (SignatureValue as r‖s)', async () => {
    const r = await verifyXml(await signXml(DOC, await ecSigner()), trust);
    expect([r.verdict, r.signatureAlgorithm]).toEqual(['valid', 'ecdsa-sha256']);
  });

  it('detached same-document and external references, with a ds: prefix', async () => {
    const file = new TextEncoder().encode('添付 bytes, digested as they are\r\n');
    const signed = await signXml(DOC, await rsaSigner(), {
      mode: 'detached',
      prefix: 'ds',
      references: [{ uri: '#body' }, { uri: 'attachment.txt', bytes: file }],
    });
    const r = await verifyXml(signed, {
      ...trust,
      resolveExternal: (u) => (u === 'attachment.txt' ? file : undefined),
    });
    expect([r.verdict, r.references.map((x) => x.path ?? x.file)]).toEqual([
      'valid',
      ['/申請[1]/a:本文[1]', 'attachment.txt'],
    ]);
  });

  it('enveloping: the content inside ds:Object', async () => {
    const r = await verifyXml(await signXml(DOC, await rsaSigner(), { mode: 'enveloping' }), trust);
    expect([r.verdict, r.references[0]?.path]).toEqual(['valid', '/ds:Signature[1]/ds:Object[1]']);
  });

  it('a standalone detached signature over external bytes only', async () => {
    const file = new TextEncoder().encode('form');
    const signed = await signXml(undefined, await rsaSigner(), {
      mode: 'detached',
      references: [{ uri: 'form.xml', bytes: file }],
    });
    const r = await verifyXml(signed, { ...trust, resolveExternal: () => file });
    expect(r.verdict).toBe('valid');
  });
});

describe('the report says what was signed', () => {
  it('signedContent gives the signed element node and the exact digested bytes', async () => {
    const signed = await signXml(DOC, await rsaSigner(), {
      mode: 'detached',
      references: [{ uri: '#body' }],
    });
    const r = await verifyXml(signed, trust);
    const c = r.signedContent[0];
    expect([
      c?.kind,
      c?.kind === 'element' ? c.element.attributes[0]?.value : '',
      dec.decode(c?.bytes),
    ]).toEqual([
      'element',
      'body',
      '<a:本文 xmlns:a="urn:a" Id="body" xml:lang="ja">データ &amp; 値</a:本文>',
    ]);
  });

  it('signedContent and signatureElement stay out of the JSON', async () => {
    const r = await verifyXml(await signXml(DOC, await rsaSigner()), trust);
    const json = JSON.parse(JSON.stringify(r));
    expect([json.signedContent, json.signatureElement, json.references.length]).toEqual([
      undefined,
      undefined,
      1,
    ]);
  });
});

describe('tampering is detected', () => {
  it('a changed signed element → XML_DIGEST_MISMATCH', async () => {
    const signed = await signXml(DOC, await rsaSigner());
    const r = await verifyXml(tamper(signed, 'データ', 'デー夕'), trust);
    expect([r.verdict, r.code]).toEqual(['invalid', 'XML_DIGEST_MISMATCH']);
  });

  it('a changed SignedInfo → XML_SIGNATURE_INVALID', async () => {
    const signed = await signXml(DOC, await rsaSigner(), {
      mode: 'detached',
      references: [{ uri: '#body' }, { uri: '#note' }],
    });
    const r = await verifyXml(tamper(signed, 'URI="#note"', 'URI="#note" '), trust);
    const text = dec.decode(signed).replace('<Reference URI="#note">', '<Reference URI="#note" Type="x">');
    const r2 = await verifyXml(text, trust);
    expect([r.verdict, r2.code]).toEqual(['valid', 'XML_SIGNATURE_INVALID']);
  });

  it('another key in KeyInfo → XML_SIGNATURE_INVALID', async () => {
    const signed = await signXml(DOC, await rsaSigner(), {
      certificates: [pki.noKeyUsage, pki.intermediate],
    });
    const r = await verifyXml(signed, trust);
    expect(r.code).toBe('XML_SIGNATURE_INVALID');
  });

  it('an untrusted root → the chain check fails', async () => {
    const r = await verifyXml(await signXml(DOC, await rsaSigner()), {
      ...trust,
      trustAnchors: [pki.otherRoot],
    });
    expect([r.verdict, r.checks.find((c) => c.name === 'chain')?.ok]).toEqual(['invalid', false]);
  });

  it('revocation from a CRL is reported', async () => {
    const r = await verifyXml(await signXml(DOC, await rsaSigner()), {
      ...trust,
      crls: [pki.revokedCrl, pki.rootCrl],
      revocation: { mode: 'require' },
    });
    expect([r.verdict, r.code, r.chain[0]?.revocation.status]).toEqual([
      'invalid',
      'CERT_REVOKED',
      'revoked',
    ]);
  });
});

describe('XAdES', () => {
  it('XAdES-BES: SigningTime and SigningCertificateV2', async () => {
    const signingTime = new Date('2026-12-04T01:02:03Z');
    const r = await verifyXml(await signXml(DOC, await rsaSigner(), { xades: { signingTime } }), trust);
    expect([
      r.verdict,
      r.format,
      r.signingTime,
      r.checks.find((c) => c.name === 'signingCertificate')?.ok,
    ]).toEqual(['valid', 'XAdES-BES', signingTime.toISOString(), true]);
  });

  it('a SigningCertificateV2 of another certificate → XML_SIGNING_CERT_MISMATCH', async () => {
    const signer = await rsaSigner();
    const other = { ...signer, certificate: pki.noKeyUsage };
    // Sign with the real key but name another certificate in the properties, then put the real one in KeyInfo.
    const signed = await signXml(DOC, other, { xades: {}, certificates: [pki.signer, pki.intermediate] });
    const r = await verifyXml(signed, trust);
    expect([r.verdict, r.code]).toEqual(['invalid', 'XML_SIGNING_CERT_MISMATCH']);
  });

  it('XAdES-T: a SignatureTimeStamp from an RFC 3161 TSA', async () => {
    const tsa = await startTestTsa();
    try {
      const signed = await signXml(DOC, await rsaSigner(), { xades: { timestamp: tsaTimestamp(tsa.url) } });
      const r = await verifyXml(signed, trust);
      expect([r.verdict, r.format, typeof r.timestamp?.time]).toEqual(['valid', 'XAdES-T', 'string']);
      const moved = tamper(signed, '<SignatureValue>\n', '<SignatureValue>\nAAAA');
      const r2 = await verifyXml(moved, trust);
      expect(r2.checks.find((c) => c.name === 'timestamp')?.code).toBe('TIMESTAMP_INVALID');
    } finally {
      await tsa.close();
    }
  });
});

describe('bytes are verified from the text, a parsed tree from the tree, with the same report', () => {
  it('a XAdES signature with an element reference and an enveloped one: same JSON, same signed nodes and bytes', async () => {
    const { parseXml } = await import('./parse.js');
    const { elementPath } = await import('./dom.js');
    const detached = await signXml(DOC, await rsaSigner(), {
      mode: 'detached',
      references: [{ uri: '#body' }, { uri: '#note' }],
      xades: {},
    });
    for (const signed of [detached, await signXml(DOC, await rsaSigner())]) {
      const fromText = await verifyXml(signed, trust);
      const fromTree = await verifyXml(parseXml(signed), trust);
      expect(JSON.stringify(fromText)).toBe(JSON.stringify(fromTree));
      expect(fromText.verdict).toBe('valid');
      for (const [i, c] of fromText.signedContent.entries()) {
        const t = fromTree.signedContent[i]!;
        expect(dec.decode(c.bytes)).toBe(dec.decode(t.bytes));
        if (c.kind === 'element' && t.kind === 'element') {
          expect([elementPath(c.element), c.element.end - c.element.start]).toEqual([
            c.path,
            t.element.end - t.element.start,
          ]);
        }
      }
      expect(elementPath(fromText.signatureElement!)).toBe(elementPath(fromTree.signatureElement!));
    }
  });
});

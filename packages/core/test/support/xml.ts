/** XML signature test helpers: a test signer from the CMS vectors and the xmlsec1 referee. */
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pkcs8Signer } from '../../src/signer/pkcs8.js';
import type { Signer } from '../../src/signer.js';
import { pki, tempFile, VECTORS } from '../pki.js';

export const rsaSigner = (hash: 'SHA-256' | 'SHA-384' | 'SHA-512' = 'SHA-256'): Promise<Signer> =>
  pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate], hash });
export const ecSigner = (): Promise<Signer> => pkcs8Signer(pki.ecKey, pki.ec, { chain: [pki.intermediate] });

/** Options for verifyXml against the test PKI without revocation. */
export const trust = {
  trustAnchors: [pki.root],
  intermediates: [pki.intermediate],
  revocation: { mode: 'off' as const },
};

/** `xmlsec1 --verify` with the test root trusted; true when it says OK. */
export function xmlsecVerifies(xml: Uint8Array | string, args: readonly string[] = []): boolean {
  return xmlsecVerifiesFile(
    tempFile(typeof xml === 'string' ? new TextEncoder().encode(xml) : xml, '.xml'),
    args,
  );
}

/** `xmlsec1 --verify` of a file; xmlsec1 resolves relative references from its working directory, so it runs beside the file. */
export function xmlsecVerifiesFile(file: string, args: readonly string[] = []): boolean {
  try {
    execFileSync(
      'xmlsec1',
      [
        '--verify',
        '--trusted-der',
        `${VECTORS}root.der`,
        '--untrusted-der',
        `${VECTORS}intermediate.der`,
        ...args,
        file,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: dirname(file) },
    );
    return true;
  } catch (e) {
    if (process.env.XMLSEC_DEBUG) console.error(String((e as { stderr?: unknown }).stderr));
    return false;
  }
}

/** `xmlsec1 --sign` of a template with the test signer's key and certificate. */
export function xmlsecSign(template: string, args: readonly string[] = []): Uint8Array {
  const file = tempFile(new TextEncoder().encode(template), '.xml');
  return new Uint8Array(
    execFileSync(
      'xmlsec1',
      ['--sign', '--privkey-pem', `${VECTORS}signer.key.pem,${VECTORS}signer.pem`, ...args, file],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
}

/** `xmllint --c14n | --exc-c14n | --c14n11` of a whole document (libxml2, the referee for C14N). */
export function xmllintC14n(xml: string, method: 'c14n' | 'exc-c14n' | 'c14n11'): string {
  const file = tempFile(new TextEncoder().encode(xml), '.xml');
  return execFileSync('xmllint', [`--${method}`, file], { stdio: ['ignore', 'pipe', 'pipe'] }).toString(
    'utf8',
  );
}

const enc = (s: string) => new TextEncoder().encode(s);

/** An e-Gov application folder in the shape of spec/egov-xml.md (file name → bytes), unsigned. */
export function egovFolder(): Map<string, Uint8Array> {
  const kousei = `<?xml version="1.0" encoding="UTF-8"?>
<DataRoot>
<様式ID>900A010200001000</様式ID>
<様式バージョン>0001</様式バージョン>
<STYLESHEET>900A010200001000.xsl</STYLESHEET>
<構成情報 ID="構成情報">
<管理情報>
<手続ID>900A010200001000</手続ID>
<手続名称>電子申請のテスト手続</手続名称>
<申請者連絡先><氏名>山田 太郎</氏名><電話番号>03-0000-0000</電話番号></申請者連絡先>
<提出先識別子>900</提出先識別子>
</管理情報>
<申請書属性情報>
<申請書様式ID>900A01020000100001</申請書様式ID>
<申請書ファイル名称>900A01020000100001_01.xml</申請書ファイル名称>
</申請書属性情報>
<添付書類属性情報>
<添付書類ファイル名称>添付書類_1.pdf</添付書類ファイル名称>
</添付書類属性情報>
</構成情報>
<署名情報></署名情報>
</DataRoot>
`;
  return new Map([
    ['kousei.xml', enc(kousei)],
    [
      '900A01020000100001_01.xml',
      enc(
        '<?xml version="1.0" encoding="UTF-8"?>\n<申請書><氏名>山田 太郎</氏名><金額>1000</金額></申請書>\n',
      ),
    ],
    ['添付書類_1.pdf', enc('%PDF-1.7\n% an attachment, signed as raw bytes\n%%EOF\n')],
  ]);
}

/**
 * xmldsigjs (a second, independent XML Signature implementation; root devDependency) verifying a
 * document, loaded through its CommonJS build so that it and xml-core share one module instance.
 */
export async function xmldsigjsVerifies(xml: string): Promise<boolean> {
  const req = createRequire(import.meta.url);
  const xmldsig = req('xmldsigjs') as {
    Application: { setEngine(name: string, crypto: unknown): void };
    Parse(xml: string): { getElementsByTagNameNS(ns: string, name: string): ArrayLike<unknown> };
    SignedXml: new (doc: unknown) => { LoadXml(el: unknown): void; Verify(): Promise<boolean> };
  };
  const r = createRequire(req.resolve('xmldsigjs'));
  const rc = createRequire(r.resolve('xml-core'));
  const { DOMParser, XMLSerializer } = rc('@xmldom/xmldom') as Record<string, unknown>;
  (r('xml-core') as { setNodeDependencies(d: Record<string, unknown>): void }).setNodeDependencies({
    DOMParser,
    XMLSerializer,
    xpath: rc('xpath'),
  });
  xmldsig.Application.setEngine('NodeJS', webcrypto);
  const doc = xmldsig.Parse(xml);
  const sx = new xmldsig.SignedXml(doc);
  sx.LoadXml(doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]);
  return sx.Verify().catch(() => false);
}

/**
 * What libxml2 canonicalizes for `URI="#t"` under `transform` (an algorithm URI), read from xmlsec1's
 * pre-digest debug output: the referee for subtree canonicalization (`xmllint` only does documents).
 * `xml` holds one element with `ID="t"` named `idElement`; a Signature template is added to its root.
 */
export function xmlsecPreDigest(xml: string, idElement: string, transform: string): string {
  const template = `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI="#t"><Transforms><Transform Algorithm="${transform}"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue></DigestValue></Reference></SignedInfo><SignatureValue/></Signature>`;
  const at = xml.lastIndexOf('</');
  const file = tempFile(enc(`${xml.slice(0, at)}${template}${xml.slice(at)}`), '.xml');
  const out = execFileSync(
    'xmlsec1',
    [
      '--sign',
      '--privkey-pem',
      `${VECTORS}signer.key.pem`,
      `--id-attr:ID`,
      idElement,
      '--store-references',
      '--print-debug',
      file,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString('utf8');
  const start = '== PreDigest data - start buffer:\n';
  const from = out.indexOf(start) + start.length;
  return out.slice(from, out.indexOf('\n== PreDigest data - end buffer', from));
}

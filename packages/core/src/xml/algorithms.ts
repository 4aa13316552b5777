/**
 * The algorithm identifiers shomei reads and writes in XML signatures: XML Signature 1.1 §6
 * (W3C REC 2013-04-11) and RFC 6931 (the xmldsig-more URIs), with the canonicalization methods of
 * c14n.ts. Everything not listed here is refused with a typed error.
 */
import type { HashAlgorithmName } from '../signer.js';
import type { C14nMethod } from './c14n.js';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
export const XADES_SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export const C14N = {
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  c14n11: 'http://www.w3.org/2006/12/xml-c14n11',
  c14n11Comments: 'http://www.w3.org/2006/12/xml-c14n11#WithComments',
  exc: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
} as const;

export type CanonicalizationUri = (typeof C14N)[keyof typeof C14N];

export const C14N_BY_URI: Readonly<Record<string, { method: C14nMethod; comments: boolean }>> = {
  [C14N.c14n]: { method: 'c14n', comments: false },
  [C14N.c14nComments]: { method: 'c14n', comments: true },
  [C14N.c14n11]: { method: 'c14n11', comments: false },
  [C14N.c14n11Comments]: { method: 'c14n11', comments: true },
  [C14N.exc]: { method: 'exc-c14n', comments: false },
  [C14N.excComments]: { method: 'exc-c14n', comments: true },
};

export const DIGEST_URI: Readonly<Record<HashAlgorithmName, string>> = {
  'SHA-1': 'http://www.w3.org/2000/09/xmldsig#sha1',
  'SHA-256': 'http://www.w3.org/2001/04/xmlenc#sha256',
  'SHA-384': 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  'SHA-512': 'http://www.w3.org/2001/04/xmlenc#sha512',
};

export const DIGEST_BY_URI: Readonly<Record<string, HashAlgorithmName>> = Object.fromEntries(
  Object.entries(DIGEST_URI).map(([k, v]) => [v, k as HashAlgorithmName]),
);

export type XmlKeyType = 'RSA' | 'EC';

const MORE = 'http://www.w3.org/2001/04/xmldsig-more#';

export function signatureMethodUri(key: XmlKeyType, hash: HashAlgorithmName): string {
  if (hash === 'SHA-1') return key === 'RSA' ? `${DSIG_NS}rsa-sha1` : `${MORE}ecdsa-sha1`;
  const h = hash.replace('SHA-', 'sha');
  return `${MORE}${key === 'RSA' ? 'rsa' : 'ecdsa'}-${h}`;
}

export const SIGNATURE_BY_URI: Readonly<Record<string, { key: XmlKeyType; hash: HashAlgorithmName }>> =
  Object.fromEntries(
    (['RSA', 'EC'] as const).flatMap((key) =>
      (['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const).map((hash) => [
        signatureMethodUri(key, hash),
        { key, hash },
      ]),
    ),
  );

/** Transforms refused outright: they run code-like selections over the document (XPath, XSLT). */
export const FORBIDDEN_TRANSFORMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/TR/1999/REC-xpath-19991116',
  'http://www.w3.org/TR/1999/REC-xslt-19991116',
  'http://www.w3.org/2002/06/xmldsig-filter2',
  'http://www.w3.org/2002/04/decrypt#XML',
  'http://www.w3.org/2002/04/decrypt#Binary',
]);

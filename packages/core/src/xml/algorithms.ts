/**
 * The algorithm identifiers shomei reads and writes in XML signatures: XML Signature 1.1 §6
 * (W3C REC 2013-04-11) and RFC 6931 (the xmldsig-more URIs), with the canonicalization methods of
 * c14n.ts. Everything not listed here is refused with a typed error.
 */
import type { HashAlgorithmName } from '../signer.js';
import {
  DIGEST_ALGORITHMS,
  type KeyType,
  SIGNATURE_ALGORITHMS,
  signatureAlgorithmFor,
} from '../x509/algorithms.js';
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

/** DigestMethod URIs by hash: a view of the algorithm table (x509/algorithms.ts). */
export const DIGEST_URI: Readonly<Record<HashAlgorithmName, string>> = Object.fromEntries(
  DIGEST_ALGORITHMS.filter((d) => d.xmlUri).map((d) => [d.name, d.xmlUri]),
) as Record<HashAlgorithmName, string>;

export const DIGEST_BY_URI: Readonly<Record<string, HashAlgorithmName>> = Object.fromEntries(
  Object.entries(DIGEST_URI).map(([k, v]) => [v, k as HashAlgorithmName]),
);

export type XmlKeyType = KeyType;

/** The SignatureMethod URI of a key type with a hash (XML Signature 1.1 §6.4, RFC 6931 §2.3). */
export function signatureMethodUri(key: XmlKeyType, hash: HashAlgorithmName): string {
  return signatureAlgorithmFor(key, hash).xmlUri!;
}

export const SIGNATURE_BY_URI: Readonly<Record<string, { key: XmlKeyType; hash: HashAlgorithmName }>> =
  Object.fromEntries(
    SIGNATURE_ALGORITHMS.filter((s) => s.xmlUri && s.hash).map((s) => [
      s.xmlUri,
      { key: s.key, hash: s.hash as HashAlgorithmName },
    ]),
  );

/** Transforms refused outright: they run code-like selections over the document (XPath, XSLT). */
export const FORBIDDEN_TRANSFORMS: ReadonlySet<string> = new Set([
  'http://www.w3.org/TR/1999/REC-xpath-19991116',
  'http://www.w3.org/TR/1999/REC-xslt-19991116',
  'http://www.w3.org/2002/06/xmldsig-filter2',
  'http://www.w3.org/2002/04/decrypt#XML',
  'http://www.w3.org/2002/04/decrypt#Binary',
]);

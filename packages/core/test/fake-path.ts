/** A stand-in PathValidator for CMS tests that must not depend on path validation. */

import type { PathValidator } from '../src/cms/verify-chain.js';
import type { PathElement, PathResult } from '../src/path/types.js';
import { parseCertificate } from '../src/x509/certificate.js';

const element = (
  der: Uint8Array | import('../src/x509/certificate.js').Certificate,
  anchor: boolean,
): PathElement => {
  const c = der instanceof Uint8Array ? parseCertificate(der) : der;
  return {
    certificate: c,
    subject: c.subject.text,
    issuer: c.issuer.text,
    serial: c.serialHex,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    trustAnchor: anchor,
    revocation: anchor
      ? { status: 'unknown', source: null, detail: 'not checked' }
      : { status: 'good', source: 'crl' },
  };
};

/** Always valid: leaf, then the given intermediates, then the first anchor. */
export const acceptingPath: PathValidator = (leaf, o) => {
  const path = [element(leaf, false), element(o.trustAnchors[0]!, true)];
  const result: PathResult = {
    valid: true,
    verdict: 'valid',
    code: 'OK',
    message: 'valid',
    path,
    validPolicies: ['2.5.29.32.0'],
    failures: [],
    warnings: [],
  };
  return result;
};

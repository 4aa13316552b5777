import { describe, expect, it } from 'vitest';
import { DIGEST_BY_OID, DIGEST_LENGTH, SIGNATURE_BY_OID } from '../cms/algorithms.js';
import { CURVE_OID, DIGEST_OID, SIGNATURE_OID } from '../cms/oids.js';
import { DIGEST_BY_URI, SIGNATURE_BY_URI, signatureMethodUri } from '../xml/algorithms.js';
import {
  DIGEST_ALGORITHMS,
  digestByOid,
  NAMED_CURVES,
  SIGNATURE_ALGORITHMS,
  signatureAlgorithmFor,
  signatureByOid,
} from './algorithms.js';
import { ALG_OID } from './oids.js';
import { signatureScheme, weakSignatureHash } from './verify.js';

describe('the algorithm table', () => {
  it('holds every OID, URI and name once', () => {
    const oids = [...DIGEST_ALGORITHMS, ...SIGNATURE_ALGORITHMS, ...NAMED_CURVES].map((r) => r.oid);
    expect(new Set(oids).size).toBe(oids.length);
    const uris = [...DIGEST_ALGORITHMS, ...SIGNATURE_ALGORITHMS].flatMap((r) => (r.xmlUri ? [r.xmlUri] : []));
    expect(new Set(uris).size).toBe(uris.length);
  });

  // RFC 5480 §2.1.1.1: secp384r1 is 1.3.132.0.34 (an earlier copy of this table had it wrong).
  it('names the curves by their RFC 5480 OIDs', () => {
    expect(CURVE_OID).toEqual({
      'P-256': '1.2.840.10045.3.1.7',
      'P-384': '1.3.132.0.34',
      'P-521': '1.3.132.0.35',
    });
    expect(ALG_OID.p384).toBe(CURVE_OID['P-384']);
  });

  it('gives the CMS, X.509 and XML views the same rows', () => {
    for (const d of DIGEST_ALGORITHMS) {
      expect(DIGEST_BY_OID[d.oid]).toBe(d.name);
      expect(DIGEST_LENGTH[d.name]).toBe(d.length);
      if (d.xmlUri) expect(DIGEST_BY_URI[d.xmlUri]).toBe(d.name);
    }
    expect(DIGEST_OID.sha256).toBe(ALG_OID.sha256);
    expect(SIGNATURE_OID.sha256WithRSAEncryption).toBe(ALG_OID.sha256WithRSA);
    expect(SIGNATURE_BY_OID[SIGNATURE_OID.ecdsaWithSha384]).toEqual({
      key: 'EC',
      hash: 'SHA-384',
      name: 'ecdsa-with-SHA384',
    });
    expect(SIGNATURE_BY_URI[signatureMethodUri('RSA', 'SHA-256')]).toEqual({ key: 'RSA', hash: 'SHA-256' });
    // XML Signature 1.1 §6.4.2 / RFC 6931 §2.3.1.
    expect(signatureMethodUri('RSA', 'SHA-1')).toBe('http://www.w3.org/2000/09/xmldsig#rsa-sha1');
    expect(signatureMethodUri('EC', 'SHA-512')).toBe('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512');
  });

  it('gives the verifier the scheme and the policy the weak hashes from the same rows', () => {
    expect(signatureScheme({ oid: signatureAlgorithmFor('EC', 'SHA-256').oid })).toEqual({
      kind: 'ecdsa',
      hash: 'SHA-256',
    });
    expect(weakSignatureHash({ oid: signatureByOid('1.2.840.113549.1.1.4')!.oid }, { allowSha1: true })).toBe(
      'MD5',
    );
    expect(weakSignatureHash({ oid: signatureAlgorithmFor('EC', 'SHA-1').oid })).toBe('SHA-1');
    expect(weakSignatureHash({ oid: signatureAlgorithmFor('RSA', 'SHA-1').oid }, { allowSha1: true })).toBe(
      undefined,
    );
    expect(digestByOid('1.2.840.113549.2.5')?.strength).toBe('broken');
  });

  it('refuses a key type and hash it has no signature algorithm for with a typed error', () => {
    expect(() => signatureAlgorithmFor('EC', 'MD5')).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_ALGORITHM_UNSUPPORTED' }),
    );
  });
});

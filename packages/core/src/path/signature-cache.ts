/**
 * Certificate signature checks, cached per (certificate, issuer key): a portal verifying many
 * signatures under the same chain pays for each CA signature once (issue 6: "a cache for repeated
 * chains"). Certificates are themselves cached by bytes, so equal bytes share the cache entry.
 */
import { toHex } from '../der/bytes.js';
import type { Certificate } from '../x509/certificate.js';
import { verifySignature } from '../x509/verify.js';

const cache = new WeakMap<Certificate, Map<string, boolean>>();

/** Counts fresh (uncached) verifications, for the building budget. */
export interface SignatureBudget {
  remaining: number;
}

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported' | 'budget';

export async function checkCertificateSignature(
  cert: Certificate,
  issuerSpki: Uint8Array,
  budget?: SignatureBudget,
): Promise<SignatureCheck> {
  let byKey = cache.get(cert);
  const key = toHex(issuerSpki);
  const hit = byKey?.get(key);
  if (hit !== undefined) return hit ? 'valid' : 'invalid';
  if (budget) {
    if (budget.remaining <= 0) return 'budget';
    budget.remaining--;
  }
  let ok: boolean;
  try {
    // RFC 5280 §4.1.1.2: the outer signatureAlgorithm must equal the signature field in TBS.
    if (
      cert.signatureAlgorithm.oid !== cert.tbsSignatureAlgorithm.oid ||
      toHex(cert.signatureAlgorithm.params ?? new Uint8Array()) !==
        toHex(cert.tbsSignatureAlgorithm.params ?? new Uint8Array())
    ) {
      ok = false;
    } else {
      ok = await verifySignature(issuerSpki, cert.signatureAlgorithm, cert.signature, cert.tbs);
    }
  } catch {
    return 'unsupported';
  }
  if (!byKey) {
    byKey = new Map();
    cache.set(cert, byKey);
  }
  byKey.set(key, ok);
  return ok ? 'valid' : 'invalid';
}

/**
 * Certificate signature checks, cached per (certificate, issuer key): a portal verifying many
 * signatures under the same chain pays for each CA signature once. Certificates are themselves cached by bytes, so equal bytes share the cache entry.
 */
import { bytesEqual, toHex } from '../der/bytes.js';

const EMPTY = new Uint8Array(0);

import type { Certificate } from '../x509/certificate.js';
import { notSignedByKey } from '../x509/key-fit.js';
import { verifySignature, weakSignatureHash } from '../x509/verify.js';
import type { WorkBudget } from './budget.js';

const cache = new WeakMap<Certificate, Map<string, boolean>>();
/** Fast path keyed by the identity of the issuer SPKI view (parsed certificates are cached, so it is stable). */
const byIdentity = new WeakMap<Certificate, WeakMap<Uint8Array, boolean>>();

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported' | 'weak' | 'budget';

export async function checkCertificateSignature(
  cert: Certificate,
  issuerSpki: Uint8Array,
  /** Charged one signature per fresh (uncached) verification. */
  budget?: WorkBudget,
): Promise<SignatureCheck> {
  if (weakSignatureHash(cert.signatureAlgorithm, budget?.policy)) return 'weak';
  const fast = byIdentity.get(cert)?.get(issuerSpki);
  if (fast !== undefined) return fast ? 'valid' : 'invalid';
  // Second level, by key content: only consulted when the certificate was checked before.
  const byKey = cache.get(cert);
  if (byKey) {
    const hit = byKey.get(toHex(issuerSpki));
    if (hit !== undefined) {
      remember(cert, issuerSpki, hit);
      return hit ? 'valid' : 'invalid';
    }
  }
  if (budget && !budget.spend('signatures')) return 'budget';
  let ok: boolean;
  try {
    // RFC 5280 §4.1.1.2: the outer signatureAlgorithm must equal the signature field in TBS.
    if (
      cert.signatureAlgorithm.oid !== cert.tbsSignatureAlgorithm.oid ||
      !bytesEqual(cert.signatureAlgorithm.params ?? EMPTY, cert.tbsSignatureAlgorithm.params ?? EMPTY)
    ) {
      ok = false;
    } else {
      ok = await verifySignature(issuerSpki, cert.signatureAlgorithm, cert.signature, cert.tbs, {
        allowSha1: true,
      });
    }
  } catch (error) {
    notSignedByKey(error);
    return 'unsupported';
  }
  // The content level is filled lazily, only when a second key is tried for the same certificate.
  const first = byIdentity.get(cert);
  if (first && byKey === undefined) {
    cache.set(cert, new Map([[toHex(issuerSpki), ok]]));
  } else byKey?.set(toHex(issuerSpki), ok);
  remember(cert, issuerSpki, ok);
  return ok ? 'valid' : 'invalid';
}

function remember(cert: Certificate, spki: Uint8Array, ok: boolean): void {
  let m = byIdentity.get(cert);
  if (!m) {
    m = new WeakMap();
    byIdentity.set(cert, m);
  }
  m.set(spki, ok);
}

/**
 * Certificate signature checks, remembered per context for each (certificate, issuer): a portal
 * verifying many signatures under the same chain pays for each CA signature once. The verdict is kept
 * per pair of parsed Certificates (core's own objects, parsed from private copies of their bytes and
 * found again by content), never per a buffer the caller owns.
 */
import { bytesEqual } from '../der/bytes.js';
import type { Certificate } from '../x509/certificate.js';
import { contextSlot, type ShomeiContext } from '../x509/context.js';
import { notSignedByKey } from '../x509/key-fit.js';
import { verifySignatureByCertificate, weakSignatureHash } from '../x509/verify.js';
import type { WorkBudget } from './budget.js';

const EMPTY = new Uint8Array(0);

const VERDICTS = contextSlot<WeakMap<Certificate, WeakMap<Certificate, boolean>>>(
  'certificate signature verdicts',
);

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported' | 'weak' | 'budget';

export async function checkCertificateSignature(
  cert: Certificate,
  issuer: Certificate,
  context: ShomeiContext,
  /** Charged one signature per fresh (uncached) verification. */
  budget?: WorkBudget,
): Promise<SignatureCheck> {
  // The policy is applied before the cache: a signature once verified is no licence.
  if (weakSignatureHash(cert.signatureAlgorithm, budget?.policy)) return 'weak';
  const verdicts = context.slot(VERDICTS, () => new WeakMap());
  let byIssuer = verdicts.get(cert);
  const hit = byIssuer?.get(issuer);
  if (hit !== undefined) return hit ? 'valid' : 'invalid';
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
      ok = await verifySignatureByCertificate(
        issuer,
        cert.signatureAlgorithm,
        cert.signature,
        cert.tbs,
        { allowSha1: true },
        context,
      );
    }
  } catch (error) {
    notSignedByKey(error);
    return 'unsupported';
  }
  if (!byIssuer) {
    byIssuer = new WeakMap();
    verdicts.set(cert, byIssuer);
  }
  byIssuer.set(issuer, ok);
  return ok ? 'valid' : 'invalid';
}

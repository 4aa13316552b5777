/**
 * The mapping from shomei's check codes to the ETSI EN 319 102-1 sub-indications (§5.1.3 Table 5),
 * following the building blocks that produce them: format checking (§5.2.2), identification of the
 * signing certificate (§5.2.3), X.509 certificate validation (§5.2.6), cryptographic verification
 * (§5.2.7) and signature acceptance validation (§5.2.8).
 */
import type { CheckName } from '../report/types.js';
import type { LtvReason } from './evidence.js';

const CHAIN_REASON: Readonly<Record<string, LtvReason>> = {
  CERT_EXPIRED: 'OUT_OF_BOUNDS_NO_POE',
  CERT_NOT_YET_VALID: 'NOT_YET_VALID',
  PATH_NOT_FOUND: 'NO_CERTIFICATE_CHAIN_FOUND',
  PATH_NO_TRUST_ANCHOR: 'NO_CERTIFICATE_CHAIN_FOUND',
  PATH_BUDGET_EXCEEDED: 'NO_CERTIFICATE_CHAIN_FOUND',
  SIGNATURE_INVALID: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  SIGNATURE_ALGORITHM_UNSUPPORTED: 'CRYPTO_CONSTRAINTS_FAILURE',
};

/** The sub-indication for a failed check of a basic (verifyCms) validation. */
export function reasonForCheck(name: CheckName, code: string | undefined): LtvReason {
  switch (name) {
    case 'format':
    case 'contentType':
      return 'FORMAT_FAILURE';
    case 'signerCertificate':
    case 'signingCertificate':
      return 'NO_SIGNING_CERTIFICATE_FOUND';
    case 'algorithm':
      return 'CRYPTO_CONSTRAINTS_FAILURE';
    case 'signature':
      return code === 'CMS_CONTENT_MISSING' ? 'SIGNED_DATA_NOT_FOUND' : 'SIG_CRYPTO_FAILURE';
    case 'messageDigest':
      return code === 'CMS_CONTENT_MISSING' ? 'SIGNED_DATA_NOT_FOUND' : 'HASH_FAILURE';
    case 'keyUsage':
      return 'CHAIN_CONSTRAINTS_FAILURE';
    case 'chain':
      return CHAIN_REASON[code ?? ''] ?? 'CHAIN_CONSTRAINTS_FAILURE';
    case 'revocation':
      return code === 'CERT_REVOKED' ? 'REVOKED_NO_POE' : 'TRY_LATER';
    case 'timestamp':
      return 'SIG_CONSTRAINTS_FAILURE';
  }
}

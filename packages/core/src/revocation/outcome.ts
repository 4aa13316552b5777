/** What one revocation source says about one certificate. */
import type { RevocationSourceErrorCode, RevocationStatus } from './types.js';

export type SourceOutcome =
  /**
   * A conclusive answer (good or revoked; OCSP may also say unknown, which is not conclusive), with
   * the time the evidence speaks for (the deciding CRL's or the SingleResponse's thisUpdate).
   */
  | { readonly kind: 'status'; readonly status: RevocationStatus; readonly evidenceTime?: Date }
  /** No source applies to this certificate. */
  | { readonly kind: 'none' }
  /** A source applied but could not be used (stale, badly signed, unreachable …). */
  | { readonly kind: 'failed'; readonly code: RevocationSourceErrorCode; readonly detail: string };

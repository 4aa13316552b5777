/**
 * `verifyCms`, the public entry: a point-in-time verification (cms/verify.ts) or, with `longTerm`,
 * the long-term one (ltv/), which itself builds on the point-in-time verifier. Living above both
 * folders keeps the imports one-way: ltv/ uses cms/, cms/ never reaches back into ltv/.
 */
import { type VerifyCmsOptions as PointInTimeOptions, verifyCms as verifyCmsAtTime } from './cms/verify.js';
import { coreError, throwIfAborted } from './errors.js';
import { type LongTermModeOptions, longTermValidationReport } from './ltv/cms-report.js';
import type { ValidationReport } from './report/types.js';

export interface VerifyCmsOptions extends PointInTimeOptions {
  /**
   * Long-term mode (ltv/): the earliest trustworthy timestamp fixes the time at which the signature,
   * its chain and revocation are judged, with the embedded evidence; `time` and `revocation` are then
   * not used. The report carries the evidence under `longTerm`.
   */
  longTerm?: boolean | LongTermModeOptions;
}

/**
 * Verifies a CMS SignedData (DER or PEM) and reports every signer. Throws only for unusable options
 * (no trust anchors) and aborts; problems with the signature or its content are in the report.
 */
export async function verifyCms(signed: Uint8Array, options: VerifyCmsOptions): Promise<ValidationReport> {
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0) {
    throw coreError('INPUT_INVALID', 'verifyCms needs at least one trust anchor (options.trustAnchors).');
  }
  throwIfAborted(options.signal);
  if (options.longTerm) {
    const { longTerm, ...atTime } = options;
    return longTermValidationReport(signed, { ...atTime, longTerm });
  }
  // The point-in-time verifier reads no `longTerm`: the options go as given (no copy per call).
  return verifyCmsAtTime(signed, options);
}

/**
 * verifyCms's long-term mode: the LongTermReport in the ValidationReport shape portals already read
 * (design.md §4), with the full evidence under `longTerm`. The verdict and code are the long-term
 * ones (the ETSI sub-indication), the chain is the signer's chain at the proven time.
 */
import type { VerifyCmsOptions } from '../cms/verify.js';
import type { ReportChainElement, ValidationReport } from '../report/types.js';
import type { EvidenceCertificate, LongTermReport } from './evidence.js';
import { verifyCmsLongTerm } from './validate-cms.js';

/** Options of verifyCms's long-term mode (`longTerm: true` takes the defaults). */
export interface LongTermModeOptions {
  /** The validation time ("now"). Default: the clock. */
  readonly now?: Date;
  /** Dates from which an algorithm is no longer trusted, by name (`SHA-1`, `RSA-2048`, …). */
  readonly algorithmExpiry?: Readonly<Record<string, Date>>;
}

function chainElement(c: EvidenceCertificate): ReportChainElement {
  const r = c.revocation;
  return {
    subject: c.subject,
    issuer: c.issuer,
    serial: c.serial,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    revocation: r
      ? {
          status: r.status,
          source: r.source,
          ...(r.reason ? { reason: r.reason } : {}),
          ...(r.revokedAt && r.status === 'revoked' ? { revokedAt: r.revokedAt } : {}),
        }
      : { status: 'unknown', source: null },
  };
}

function toValidationReport(lt: LongTermReport): ValidationReport {
  const signature = lt.timestamps.find((t) => t.kind === 'signature-timestamp' && t.ok);
  return {
    verdict: lt.verdict,
    ...(lt.code ? { code: lt.code, message: lt.message } : {}),
    signer: lt.signer,
    ...(lt.claimedSigningTime ? { signingTime: lt.claimedSigningTime } : {}),
    digestAlgorithm: lt.digestAlgorithm ?? '',
    signatureAlgorithm: lt.signatureAlgorithm ?? '',
    chain: lt.chain.map(chainElement),
    checks: lt.checks,
    ...(signature ? { timestamp: { time: signature.time, authority: signature.authority } } : {}),
    ...(lt.signers ? { signers: lt.signers.map(toValidationReport) } : {}),
    longTerm: lt,
  };
}

export async function longTermValidationReport(
  signed: Uint8Array,
  options: VerifyCmsOptions & { longTerm: true | LongTermModeOptions },
): Promise<ValidationReport> {
  const {
    longTerm,
    time: _time,
    revocation: _revocation,
    validatePath: _vp,
    pathCache: _pc,
    onProgress: _op,
    ...rest
  } = options;
  const mode = longTerm === true ? {} : longTerm;
  return toValidationReport(await verifyCmsLongTerm(signed, { ...rest, ...mode }));
}

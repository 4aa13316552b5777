/**
 * The one mapping from a validated path to its JSON form: `ValidationReport.chain` (verifyCms,
 * verifyXml, login, `shomei verify --json`) and the `path` of `shomei path --json` both come from
 * here, so the two documents describe a certificate with the same fields.
 */
import type { PathElement } from '../path/types.js';
import type { ReportChainElement } from './types.js';

/** One certificate of a path (leaf first) as the report shows it: dates as ISO-8601, serial in hex. */
export function reportChainElement(e: PathElement): ReportChainElement {
  const r = e.revocation;
  return {
    subject: e.subject,
    issuer: e.issuer,
    serial: e.serial,
    notBefore: e.notBefore.toISOString(),
    notAfter: e.notAfter.toISOString(),
    trustAnchor: e.trustAnchor,
    revocation: {
      status: r.status,
      source: r.source,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.revokedAt ? { revokedAt: r.revokedAt.toISOString() } : {}),
      ...(r.detail ? { detail: r.detail } : {}),
    },
  };
}

/**
 * Renders a ValidationReport for people (`shomei verify`) and as the JSON document (`--json`).
 * Plain text, no colours: the CLI decides about terminals. Every line of the text form goes through
 * `neutralizeText`, so a control or bidi character in a certificate field shows as an escape and
 * cannot start a line of its own or repaint one.
 */

import { formatBirthDate } from '../jpki/birth-date.js';
import { neutralizeText } from './neutralize.js';
import type { ReportCheck, SignerReport, ValidationReport } from './types.js';

/** The JSON document of design.md §4, one line per field, ending with a newline. */
export function reportToJson(report: ValidationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const VERDICT_LABEL = { valid: 'VALID', invalid: 'INVALID', indeterminate: 'INDETERMINATE' } as const;

const SEX_LABEL: Readonly<Record<string, string>> = { '1': 'male', '2': 'female', '3': 'other' };

function checkLine(c: ReportCheck, revocationChecked: boolean | undefined): string {
  // A revocation check that passed only because nothing was checked is not shown as "ok".
  const mark = !c.ok ? 'FAIL' : c.name === 'revocation' && revocationChecked === false ? 'skip' : 'ok  ';
  const tail = [c.code, c.detail].filter(Boolean).join(': ');
  return `  [${mark}] ${c.name}${tail ? ` — ${tail}` : ''}`;
}

/** The verdict in words that cannot be read as more than was checked. */
export function verdictLine(r: SignerReport): string {
  if (r.verdict === 'valid' && r.revocationChecked === false) {
    return 'VALID signature, revocation not checked (whether the certificate is still in force is unknown)';
  }
  return `${VERDICT_LABEL[r.verdict]}${r.code ? ` (${r.code})` : ''}`;
}

function signerLines(r: SignerReport, indent = ''): string[] {
  const out: string[] = [];
  out.push(`Verdict:    ${verdictLine(r)}`);
  if (r.message) out.push(`            ${r.message}`);
  // The certificate only claims an identity until the signature, chain and revocation all pass.
  out.push(
    r.verdict === 'valid'
      ? `Signer:     ${r.signer.subject || '(unknown)'}`
      : `Signer:     ${r.signer.subject ? `${r.signer.subject} (claimed by an unverified certificate)` : '(unknown)'}`,
  );
  const j = r.signer.jpki;
  if (j) {
    out.push(
      `  Name:       ${j.name}${j.nameSubstitute && j.nameSubstitute !== j.name ? ` (substitute: ${j.nameSubstitute})` : ''}`,
    );
    out.push(
      `  Address:    ${j.address}${j.addressSubstitute && j.addressSubstitute !== j.address ? ` (substitute: ${j.addressSubstitute})` : ''}`,
    );
    out.push(`  Birth date: ${formatBirthDate(j.birthDate)}`);
    out.push(`  Sex:        ${SEX_LABEL[j.sex] ? `${SEX_LABEL[j.sex]} (${j.sex})` : j.sex}`);
  }
  if (r.signingTime) out.push(`Signed at:  ${r.signingTime} (signer's clock, signingTime attribute)`);
  if (r.timestamp)
    out.push(`Timestamp:  ${r.timestamp.time}${r.timestamp.authority ? ` by ${r.timestamp.authority}` : ''}`);
  if (r.digestAlgorithm) out.push(`Algorithms: ${r.digestAlgorithm}, ${r.signatureAlgorithm}`);
  if (r.chain.length) {
    out.push('Chain:');
    r.chain.forEach((c, i) => {
      const rev = c.revocation;
      const status =
        rev.status === 'revoked'
          ? `REVOKED${rev.revokedAt ? ` at ${rev.revokedAt}` : ''}${rev.reason ? ` (${rev.reason})` : ''}`
          : rev.status === 'good'
            ? `good (${rev.source})`
            : 'unknown (not checked)';
      out.push(`  ${i}. ${c.subject}`);
      out.push(`     serial ${c.serial}, valid ${c.notBefore} – ${c.notAfter}, revocation: ${status}`);
    });
  }
  out.push('Checks:');
  out.push(...r.checks.map((c) => checkLine(c, r.revocationChecked)));
  return out.map((l) => indent + neutralizeText(l));
}

/** A readable multi-line summary: verdict, who signed (JPKI facts), when, chain, revocation, checks. */
export function formatReport(report: ValidationReport): string {
  if (!report.signers || report.signers.length <= 1) return `${signerLines(report).join('\n')}\n`;
  const out = [
    `Verdict:    ${VERDICT_LABEL[report.verdict]}${report.code ? ` (${report.code})` : ''} — ${report.signers.length} signers`,
  ];
  report.signers.forEach((s, i) => {
    out.push('', `Signer ${i + 1} of ${report.signers!.length}:`, ...signerLines(s, '  '));
  });
  return `${out.join('\n')}\n`;
}

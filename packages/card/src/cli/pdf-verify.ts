/**
 * `shomei verify <file.pdf> --trust <anchor>…`: every signature of a PDF — who signed (JPKI facts),
 * the revision it signs, its /ByteRange, the CMS checks, chain and revocation — and every change
 * made after it, allowed or not. Exit 0 when every signature is valid, 1 otherwise, 2 unreadable.
 */
import { open } from 'node:fs/promises';
import { formatReport, type PdfReport, type PdfSignatureReport } from '@shomei/core';
import { verifyPdf } from '@shomei/core/node';
import { EXIT, type ExitCode } from './command.js';
import type { CliIo } from './io.js';
import { cmsVerifyOptions, type VerifyArgs } from './verify-options.js';

/** True when the file starts with a PDF header (within its first 1 KiB, as readers allow). */
export async function isPdfFile(path: string): Promise<boolean> {
  try {
    const h = await open(path, 'r');
    try {
      const buf = new Uint8Array(1024);
      const { bytesRead } = await h.read(buf, 0, buf.length, 0);
      return new TextDecoder('latin1').decode(buf.subarray(0, bytesRead)).includes('%PDF-');
    } finally {
      await h.close();
    }
  } catch {
    return false;
  }
}

const LABEL = { valid: 'VALID', invalid: 'INVALID', indeterminate: 'INDETERMINATE' } as const;

function signatureText(s: PdfSignatureReport, i: number, total: number, revisions: number): string {
  const p = s.pdf;
  const head = [
    `Signature ${i + 1} of ${total}: field "${p.field}", ${p.subFilter || 'no /SubFilter'}${p.certification ? `, certification (DocMDP P=${p.certification})` : ''}`,
    `  Verdict:    ${LABEL[s.verdict]}${s.code ? ` (${s.code})` : ''}`,
    `  Signs:      revision ${p.revision + 1} of ${revisions}${p.coversWholeFile ? ' (the whole file)' : ''}; /ByteRange [${p.byteRange.join(' ')}]`,
    ...p.checks.map(
      (c) =>
        `  PDF check:  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.code ? ` [${c.code}]` : ''}${c.detail ? ` — ${c.detail}` : ''}`,
    ),
  ];
  const after = p.changesAfter.length === 0 ? ['  Changes after it: none'] : ['  Changes after it:'];
  for (const r of p.changesAfter) {
    after.push(`    revision ${r.revision + 1}: ${r.allowed ? 'allowed' : 'NOT ALLOWED'}`);
    for (const c of r.changes.filter((x) => x.kind !== 'unchanged'))
      after.push(`      ${c.allowed ? 'allowed    ' : 'NOT ALLOWED'} ${c.kind}: ${c.detail}`);
  }
  const cms = s.signatureAlgorithm
    ? formatReport(s)
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`)
    : [];
  return [...head, ...after, ...cms].join('\n');
}

/** The human-readable PDF report. */
export function formatPdfReport(r: PdfReport): string {
  const lines = [
    `PDF verdict: ${LABEL[r.verdict]}${r.code ? ` (${r.code})` : ''} — ${r.signatures.length} signature(s), ${r.revisions} revision(s)`,
  ];
  r.signatures.forEach((s, i) => {
    lines.push('', signatureText(s, i, r.signatures.length, r.revisions));
  });
  return `${lines.join('\n')}\n`;
}

/** Runs the verification of a PDF for `shomei verify`. */
export async function runPdfVerify(a: VerifyArgs, io: CliIo, signal: AbortSignal): Promise<ExitCode> {
  const report = await verifyPdf(a.signed, await cmsVerifyOptions(a, signal));
  if (a.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(formatPdfReport(report));
  return report.verdict === 'valid' ? EXIT.ok : EXIT.refused;
}

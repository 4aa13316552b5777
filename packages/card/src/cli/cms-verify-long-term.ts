/**
 * `shomei verify <signed.p7s> --long-term --trust <anchor>… [--content <file>] [--intermediate <cert>]…
 * [--crl <crl>]… [--ocsp <response>]… [--at <ISO-8601>] [--json]`: long-term validation (core's
 * verifyCmsLongTerm; for a PDF, verifyPdfLongTerm per signature field; verifyXmlLongTerm for an XML
 * file, verifyEgovApplicationLongTerm for an e-Gov folder) — the signature judged at its earliest trustworthy timestamp with the evidence
 * it carries, no network. `--at` sets the validation time ("now"). Prints the proof of existence, the
 * timestamps with their TSA, the revocation answer used for each certificate, and the ETSI
 * indication. Exit 0 valid, 1 invalid or indeterminate, 2 usage or unreadable input.
 */
import { derObjects, type LongTermReport } from '@shomei/core';
import {
  nodeContext,
  verifyCmsLongTerm,
  verifyEgovApplicationLongTerm,
  verifyPdfLongTerm,
  verifyXmlLongTerm,
} from '@shomei/core/node';
import { cardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import { isPdf } from './cms-augment.js';
import { type CommandContext, EXIT, type ExitCode } from './command.js';
import { readDerFiles, readInputFile } from './input-files.js';
import { printJson } from './output.js';
import { besideResolver, isDirectory, looksLikeXml, readFolder } from './xml-files.js';

export async function runVerifyLongTerm({ args, io, signal }: CommandContext): Promise<ExitCode> {
  const { values: v, positionals } = parseCommandArgs(
    args,
    {
      'long-term': { type: 'boolean', default: true },
      content: { type: 'string' },
      trust: { type: 'string', multiple: true, default: [] },
      intermediate: { type: 'string', multiple: true, default: [] },
      crl: { type: 'string', multiple: true, default: [] },
      ocsp: { type: 'string', multiple: true, default: [] },
      at: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    'verify',
  );
  if (positionals.length !== 1)
    throw cardError('USAGE', 'Give exactly one signature file (.p7s, .pdf or .xml) or e-Gov folder.');
  if (v.trust.length === 0) throw cardError('USAGE', 'Give at least one --trust anchor certificate.');
  if (v.at !== undefined && Number.isNaN(Date.parse(v.at)))
    throw cardError('USAGE', `--at must be an ISO-8601 time, got "${v.at}".`);
  const common = async () => ({
    trustAnchors: await readDerFiles(v.trust, 'trust anchor', ['CERTIFICATE']),
    intermediates: await readDerFiles(v.intermediate, 'intermediate certificate', ['CERTIFICATE']),
    crls: await readDerFiles(v.crl, 'CRL', ['X509 CRL']),
    ocsp: await Promise.all(v.ocsp.map((f) => readInputFile(f, 'OCSP response'))),
    ...(v.at ? { now: new Date(v.at) } : {}),
    ...(signal ? { signal } : {}),
  });
  const done = (report: LongTermReport) => {
    if (v.json) printJson(io, report);
    else io.stdout.write(formatLongTerm(report));
    return report.verdict === 'valid' ? EXIT.ok : EXIT.refused;
  };
  if (await isDirectory(positionals[0]!))
    return done(await verifyEgovApplicationLongTerm(await readFolder(positionals[0]!), await common()));
  const signed = await readInputFile(positionals[0]!, 'signature');
  if (looksLikeXml(signed))
    return done(
      await verifyXmlLongTerm(signed, {
        ...(await common()),
        resolveExternal: besideResolver(positionals[0]!),
      }),
    );
  if (isPdf(signed)) {
    const pdf = await verifyPdfLongTerm(signed, {
      trustAnchors: await readDerFiles(v.trust, 'trust anchor', ['CERTIFICATE']),
      intermediates: await readDerFiles(v.intermediate, 'intermediate certificate', ['CERTIFICATE']),
      crls: await readDerFiles(v.crl, 'CRL', ['X509 CRL']),
      ocsp: await Promise.all(v.ocsp.map((f) => readInputFile(f, 'OCSP response'))),
      ...(v.at ? { now: new Date(v.at) } : {}),
      context: nodeContext,
      signal,
    });
    if (v.json) printJson(io, pdf);
    else if (pdf.signatures.length === 0) io.stdout.write('The PDF has no signature to validate.\n');
    else
      io.stdout.write(pdf.signatures.map((s) => `Field:      ${s.field}\n${formatLongTerm(s)}`).join('\n'));
    return pdf.verdict === 'valid' ? EXIT.ok : EXIT.refused;
  }
  const report = await verifyCmsLongTerm(
    signed[0] === 0x30 ? signed : derObjects(signed, ['CMS', 'PKCS7'])[0]!,
    {
      trustAnchors: await readDerFiles(v.trust, 'trust anchor', ['CERTIFICATE']),
      intermediates: await readDerFiles(v.intermediate, 'intermediate certificate', ['CERTIFICATE']),
      crls: await readDerFiles(v.crl, 'CRL', ['X509 CRL']),
      ocsp: await Promise.all(v.ocsp.map((f) => readInputFile(f, 'OCSP response'))),
      ...(v.content ? { content: await readInputFile(v.content, 'content') } : {}),
      ...(v.at ? { now: new Date(v.at) } : {}),
      context: nodeContext,
      signal,
    },
  );
  if (v.json) printJson(io, report);
  else io.stdout.write(formatLongTerm(report));
  return report.verdict === 'valid' ? EXIT.ok : EXIT.refused;
}

/** The long-term report as text: conclusion, proof of existence, timestamps, chain and revocation. */
export function formatLongTerm(r: LongTermReport): string {
  const lines = [
    `Verdict:    ${r.verdict.toUpperCase()} (${r.indication}${r.code ? ` / ${r.code}` : ''})`,
    `            ${r.message}`,
    `Signer:     ${r.signer.subject}${r.signer.jpki ? ` — ${r.signer.jpki.name}` : ''}`,
    `Level:      B-${r.level}`,
    `Proven at:  ${r.proofOfExistence.time} (${r.proofOfExistence.kind})`,
  ];
  if (r.claimedSigningTime)
    lines.push(`Claimed:    ${r.claimedSigningTime} (signing-time attribute, not a proof)`);
  for (const t of r.timestamps) {
    lines.push(
      `Timestamp:  ${t.kind} ${t.time} by ${t.authority || '?'} — ${t.ok ? 'trusted' : `not trusted (${t.code}: ${t.detail})`}, proven at ${t.provenAt}`,
    );
  }
  lines.push('Chain at the proven time:');
  for (const c of r.chain) {
    const rev = c.trustAnchor
      ? 'trust anchor'
      : c.revocation
        ? `${c.revocation.status} per ${c.revocation.source.toUpperCase()} of ${c.revocation.issuer} issued ${c.revocation.issuedAt}${c.revocation.revokedAt ? `, revoked at ${c.revocation.revokedAt}` : ''}`
        : 'no revocation data';
    lines.push(`  ${c.subject} (serial ${c.serial}, ${c.notBefore} – ${c.notAfter}): ${rev}`);
  }
  for (const w of r.warnings) lines.push(`Warning:    ${w}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `shomei verify` for XML: a folder or a zip (core's hostile-zip reader, the portal's limits) is
 * verified as an e-Gov application, an XML file as an XML signature (XMLDSig / XAdES) whose file
 * references resolve beside it. The report lists what each reference covered.
 */
import { readFile } from 'node:fs/promises';
import {
  formatReport,
  looksLikeZip,
  readEgovZip,
  reportToJson,
  type XmlValidationReport,
} from '@shomei/core';
import { verifyEgovApplication, verifyXml } from '@shomei/core/node';
import type { CommandContext, ExitCode } from './command.js';
import { reportExitCode } from './output.js';
import { refuseCmsOnlyOptions, sharedVerifyOptions, type VerifyArgs } from './verify-options.js';
import { besideResolver, isDirectory, looksLikeXml, readFolder } from './xml-files.js';

/** Verifies `a.signed` when it is a folder, a zip or an XML file; undefined when it is none (CMS). */
export async function runXmlVerify(
  a: VerifyArgs,
  { io, signal }: Omit<CommandContext, 'args'>,
): Promise<ExitCode | undefined> {
  const folder = await isDirectory(a.signed);
  let bytes: Uint8Array | undefined;
  if (!folder) {
    try {
      bytes = new Uint8Array(await readFile(a.signed));
    } catch {
      return undefined;
    }
    if (!looksLikeXml(bytes) && !looksLikeZip(bytes)) return undefined;
  }
  refuseCmsOnlyOptions(a);
  const options = await sharedVerifyOptions(a, signal);
  const report: XmlValidationReport = folder
    ? await verifyEgovApplication(await readFolder(a.signed), options)
    : looksLikeZip(bytes!)
      ? await verifyEgovApplication(readEgovZip(bytes!), options)
      : await verifyXml(bytes!, { ...options, resolveExternal: besideResolver(a.signed) });
  io.stdout.write(a.json ? reportToJson(report) : `${formatReport(report)}${referenceLines(report)}`);
  return reportExitCode(report);
}

function referenceLines(r: XmlValidationReport): string {
  const lines = [`Format:     ${r.format}`, 'Signed:'];
  for (const ref of r.references) {
    const what =
      ref.path ??
      (ref.file ? `file ${ref.file}` : ref.kind === 'document' ? 'the whole document' : '(unresolved)');
    lines.push(`  ${ref.ok ? '✓' : '✗'} ${ref.uri || '""'} → ${what}${ref.code ? ` (${ref.code})` : ''}`);
  }
  const egov = (r as { egov?: { unsignedFiles: readonly string[] } }).egov;
  if (egov?.unsignedFiles.length) lines.push(`  not signed: ${egov.unsignedFiles.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

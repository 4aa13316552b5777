/**
 * The long-term levels for e-Gov applications (spec/egov-xml.md): kousei.xml's XAdES signature is
 * augmented and validated like any other, with its file references resolved only inside the folder.
 * A portal that keeps the augmented folder can show years later that the application was signed
 * validly, after the card's certificate expired or was revoked.
 */
import { coreError } from '../errors.js';
import type { AugmentResult } from '../ltv/augment-cms.js';
import type { LongTermReport } from '../ltv/evidence.js';
import { formatFailure } from '../ltv/validate-cms.js';
import { EGOV_CONFIGURATION_FILE, type EgovFiles, egovFolder, verifyEgovApplication } from '../xml/egov.js';
import { type AugmentXmlOptions, augmentXml } from './augment.js';
import { type VerifyXmlLongTermOptions, verifyXmlLongTerm } from './verify.js';

const ID_ATTRIBUTES = ['ID', 'Id'];

export type AugmentEgovOptions = Omit<AugmentXmlOptions, 'resolveExternal' | 'idAttributes'>;

export interface AugmentEgovResult extends AugmentResult {
  /** The folder with kousei.xml replaced by the augmented one (`signed`). */
  readonly files: Map<string, Uint8Array>;
}

/** Augments the signature of an e-Gov application folder to B-T, B-LT or B-LTA. */
export async function augmentEgovApplication(
  files: EgovFiles,
  options: AugmentEgovOptions,
): Promise<AugmentEgovResult> {
  const folder = egovFolder(files);
  const kousei = folder.files.get(EGOV_CONFIGURATION_FILE);
  if (!kousei) {
    throw coreError(
      'EGOV_APPLICATION_INVALID',
      'The e-Gov application is not valid: the folder has no kousei.xml.',
    );
  }
  const result = await augmentXml(kousei, {
    ...options,
    idAttributes: ID_ATTRIBUTES,
    resolveExternal: folder.resolve,
  });
  const out = new Map(folder.files);
  out.set(EGOV_CONFIGURATION_FILE, result.signed);
  return { ...result, files: out };
}

export type VerifyEgovLongTermOptions = Omit<VerifyXmlLongTermOptions, 'resolveExternal' | 'idAttributes'>;

export interface EgovLongTermReport extends LongTermReport {
  readonly egov: {
    readonly listedFiles: readonly string[];
    readonly unsignedFiles: readonly string[];
  };
}

/**
 * Long-term validation of an e-Gov application: the shape checks of verifyEgovApplication must pass
 * (else FORMAT_FAILURE with their code), then kousei.xml's signature is judged at the time its
 * earliest trustworthy timestamp proves, with the material it carries.
 */
export async function verifyEgovApplicationLongTerm(
  files: EgovFiles,
  options: VerifyEgovLongTermOptions,
): Promise<EgovLongTermReport> {
  const now = options.now ?? new Date();
  const { now: _now, algorithmExpiry: _ae, ...rest } = options;
  const structural = await verifyEgovApplication(files, { ...rest, revocation: 'off', time: now });
  const egov = structural.egov;
  const shape = structural.checks.find((c) => !c.ok && c.name === 'format');
  if (shape) return { ...formatFailure(shape.detail ?? shape.code ?? 'format', now, shape.code), egov };
  const folder = egovFolder(files);
  const report = await verifyXmlLongTerm(folder.files.get(EGOV_CONFIGURATION_FILE)!, {
    ...options,
    now,
    idAttributes: ID_ATTRIBUTES,
    resolveExternal: folder.resolve,
  });
  return { ...report, egov };
}

/**
 * What `shomei verify` takes from its arguments, for every format it recognises (CMS, PDF, XML), so
 * that an option given on the command line reaches each verifier or is refused, never dropped.
 */
import type { RevocationMode } from '@shomei/core';
import { cardError } from '../errors.js';
import { readDerFiles, readInputFile } from './input-files.js';

export interface VerifyArgs {
  signed: string;
  content?: string | undefined;
  trust: string[];
  tsaTrust: string[];
  intermediates: string[];
  crls: string[];
  revocation: RevocationMode;
  fetch: boolean;
  at?: string | undefined;
  policies: string[];
  maxIntermediates?: number | undefined;
  json: boolean;
}

/** Trust anchors, the certificate pool, revocation (with `--fetch`), the time and the policy set. */
export async function sharedVerifyOptions(a: VerifyArgs, signal: AbortSignal) {
  return {
    trustAnchors: await readDerFiles(a.trust, 'trust anchor', ['CERTIFICATE']),
    intermediates: await readDerFiles(a.intermediates, 'intermediate certificate', ['CERTIFICATE']),
    crls: await Promise.all(a.crls.map((f) => readInputFile(f, 'CRL'))),
    // --fetch: CRLs from cRLDistributionPoints and OCSP from AIA, as `shomei path --fetch`.
    revocation: { mode: a.revocation, fetch: a.fetch },
    ...(a.at ? { time: new Date(a.at) } : {}),
    ...(a.policies.length > 0 ? { policy: { initialPolicySet: a.policies } } : {}),
    signal,
  };
}

/** The CMS-based verifiers (CMS, and the CMS inside a PDF) also take TSA roots and a path limit. */
export async function cmsVerifyOptions(a: VerifyArgs, signal: AbortSignal) {
  return {
    ...(await sharedVerifyOptions(a, signal)),
    ...(a.tsaTrust.length > 0
      ? { tsaTrustAnchors: await readDerFiles(a.tsaTrust, 'TSA trust anchor', ['CERTIFICATE']) }
      : {}),
    ...(a.maxIntermediates !== undefined ? { pathOptions: { maxIntermediates: a.maxIntermediates } } : {}),
  };
}

/** Refuses the options the XML verifier cannot honour yet, instead of ignoring them. */
export function refuseCmsOnlyOptions(a: VerifyArgs): void {
  const given = [
    ...(a.tsaTrust.length > 0 ? ['--tsa-trust'] : []),
    ...(a.maxIntermediates !== undefined ? ['--max-intermediates'] : []),
  ];
  if (given.length > 0)
    throw cardError('USAGE', `${given.join(' and ')} apply to CMS and PDF signatures, not to XML ones.`);
}

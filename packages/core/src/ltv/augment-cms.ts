/**
 * Augments a CAdES signature without re-signing (ETSI EN 319 122-2 baseline levels):
 * - B-T: a signature-time-stamp over the signature value (RFC 3161 Appendix A);
 * - B-LT: every certificate of the signer's path and of each TSA's path in SignedData.certificates,
 *   and revocation data proving each was not revoked at the time it is used (the signature's, or the
 *   timestamp's, genTime) in SignedData.crls — CRLs as they are, OCSP responses as
 *   id-ri-ocsp-response (RFC 5940 §2.2.1). Only data issued after that time is added (freshness);
 * - B-LTA: an archive-time-stamp-v3 with its ats-hash-index-v3 over all of it. The revocation data
 *   of the new archive timestamp's own TSA is added after it, outside its index, so that the newest
 *   timestamp can be validated offline too. Augmenting a B-LTA again adds the evidence for the last
 *   archive timestamp and a new one over everything: do so before the last TSA certificate expires.
 */

import type { ContentInput } from '../cms/content.js';
import { digestBytes } from '../cms/hasher.js';
import { ATTRIBUTE_OID } from '../cms/oids.js';
import type { TimestampSource } from '../cms/sign.js';
import { bytesEqual } from '../der/bytes.js';
import { coreError, throwIfAborted } from '../errors.js';
import type { CertificateInput } from '../path/types.js';
import type { HashAlgorithmName } from '../signer.js';
import type { Certificate } from '../x509/certificate.js';
import type { ShomeiContext } from '../x509/context.js';
import { atsHashIndexV3, atsV3Input } from './ats-v3.js';
import {
  attribute,
  type RawSignedData,
  type RawSignerInfo,
  readRawSignedData,
  writeRawSignedData,
} from './cms-structure.js';
import { readContent } from './content.js';
import { type EvidenceSink, gatherPath } from './gather.js';
import {
  addSupplied,
  addTokenMaterial,
  certificateFor,
  cmsMaterial,
  type EvidenceMaterial,
  ocspRevocationChoice,
} from './material.js';
import { LTV_OID } from './oids.js';
import type { RevocationSource } from './sources.js';
import { anchorsOf, readToken, withTokenAttribute } from './token.js';

export type AugmentLevel = 'T' | 'LT' | 'LTA';

export interface AugmentCmsOptions {
  level: AugmentLevel;
  trustAnchors: readonly CertificateInput[];
  intermediates?: readonly CertificateInput[];
  /** The signed content of a detached signature (needed for LTA: the archive timestamp covers it). */
  content?: ContentInput;
  /** Where timestamps come from (e.g. `tsaTimestamp(url)`); needed for T when absent, and for LTA. */
  timestamp?: TimestampSource;
  /** Hash of the archive timestamp's imprint and hash index; must be what `timestamp` uses. Default SHA-256. */
  hash?: HashAlgorithmName;
  /** Revocation data obtained out of band (DER CRLs and OCSPResponses); used where it applies. */
  crls?: readonly Uint8Array[];
  ocsp?: readonly Uint8Array[];
  /** Gathers what is still missing (e.g. `httpRevocationSource()`, or the simulator's authority). */
  revocationSource?: RevocationSource;
  /** The crypto backend and caches of the path and revocation checks. Default: `defaultContext`. */
  context?: ShomeiContext;
  signal?: AbortSignal;
}

export interface AugmentResult {
  /** The augmented SignedData, DER. */
  readonly signed: Uint8Array;
  readonly level: AugmentLevel;
  readonly added: {
    readonly certificates: number;
    readonly crls: number;
    readonly ocsp: number;
    readonly timestamps: readonly string[];
  };
  /** Certificates for which no fresh revocation data was found: the result does not reach B-LT for them. */
  readonly missing: readonly string[];
}

interface Work {
  readonly sd: RawSignedData;
  readonly anchors: Certificate[];
  readonly options: AugmentCmsOptions;
  readonly added: { certificates: number; crls: number; ocsp: number; timestamps: string[] };
  readonly missing: string[];
}

/** The CAdES baseline placement: SignedData.certificates and .crls (OCSP as id-ri-ocsp-response). */
function cmsSink(w: Work): EvidenceSink {
  return {
    certificate(c) {
      if (w.sd.certificates.some((d) => bytesEqual(d, c.der))) return;
      w.sd.certificates.push(c.der);
      w.added.certificates++;
    },
    ocsp(der) {
      w.sd.crls.push(ocspRevocationChoice(der));
      w.added.ocsp++;
    },
    crl(der) {
      if (w.sd.crls.some((x) => bytesEqual(x, der))) return;
      w.sd.crls.push(der);
      w.added.crls++;
    },
  };
}

async function coverPath(cert: Certificate, time: Date, m: EvidenceMaterial, w: Work): Promise<void> {
  const o = w.options;
  w.missing.push(
    ...(await gatherPath(cert, time, m, cmsSink(w), {
      anchors: w.anchors,
      ...(o.ocsp ? { ocsp: o.ocsp } : {}),
      ...(o.crls ? { crls: o.crls } : {}),
      ...(o.revocationSource ? { revocationSource: o.revocationSource } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.context ? { context: o.context } : {}),
    })),
  );
}

function tokensOf(si: RawSignerInfo, only?: string) {
  return si.unsigned
    .filter((a) =>
      only ? a.oid === only : a.oid === ATTRIBUTE_OID.timeStampToken || a.oid === LTV_OID.archiveTimestampV3,
    )
    .flatMap((a) => a.values)
    .flatMap((der) => {
      const t = readToken(der);
      return t ? [t] : [];
    });
}

/**
 * Raises every signer of `signed` to `level` (never lowers it). Throws LTV_TIMESTAMP_REQUIRED when
 * a timestamp is needed and no source is given, LTV_CONTENT_REQUIRED for a detached signature
 * without its content at LTA, and TSA_FAILED / CMS_* as the parts it calls do.
 */
export async function augmentCms(signed: Uint8Array, options: AugmentCmsOptions): Promise<AugmentResult> {
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0)
    throw coreError('INPUT_INVALID', 'augmentCms needs at least one trust anchor (options.trustAnchors).');
  if (!['T', 'LT', 'LTA'].includes(options.level))
    throw coreError('INPUT_INVALID', `Unknown level "${String(options.level)}": use T, LT or LTA.`);
  throwIfAborted(options.signal);
  const sd = readRawSignedData(signed);
  const w: Work = {
    sd,
    anchors: anchorsOf(options.trustAnchors),
    options,
    added: { certificates: 0, crls: 0, ocsp: 0, timestamps: [] },
    missing: [],
  };
  const hash = options.hash ?? 'SHA-256';
  const source = options.timestamp;
  let content: Uint8Array | undefined = sd.content;
  if (options.level === 'LTA' && !content) {
    if (options.content === undefined) throw coreError('LTV_CONTENT_REQUIRED');
    content = await readContent(options.content);
  }
  for (const si of sd.signerInfos) {
    if (!si.unsigned.some((a) => a.oid === ATTRIBUTE_OID.timeStampToken)) {
      if (!source) throw coreError('LTV_TIMESTAMP_REQUIRED');
      const token = await source(si.signature, options.signal ? { signal: options.signal } : {});
      si.unsigned.push(attribute(ATTRIBUTE_OID.timeStampToken, token));
      w.added.timestamps.push('signature-timestamp');
    }
    if (options.level === 'T') continue;
    const m = cmsMaterial(sd, si);
    addSupplied(m, { certificates: options.intermediates ?? [] });
    const tokens = tokensOf(si);
    for (const t of tokens) addTokenMaterial(m, t.raw);
    const signer = certificateFor(si, m.certificates);
    // The signer's path is judged at the earliest signature timestamp (the time long-term validation uses).
    const sigTime = tokensOf(si, ATTRIBUTE_OID.timeStampToken)
      .map((t) => t.info.genTime)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    if (signer) await coverPath(signer, sigTime ?? new Date(), m, w);
    else w.missing.push('the signer certificate is not in the signature or the intermediates');
    for (const t of tokens) {
      const tsa = certificateFor(t.raw.signerInfos[0]!, m.certificates);
      if (tsa) await coverPath(tsa, t.info.genTime, m, w);
      else
        w.missing.push(
          `the TSA certificate of the timestamp of ${t.info.genTime.toISOString()} is not in its token`,
        );
    }
    if (options.level !== 'LTA') continue;
    if (!source) throw coreError('LTV_TIMESTAMP_REQUIRED');
    const index = await atsHashIndexV3(sd, si, hash);
    const input = atsV3Input(sd, si, await digestBytes(hash, content!), index);
    const token = await source(input, options.signal ? { signal: options.signal } : {});
    const parsed = readToken(token);
    if (!parsed || parsed.info.hash !== hash) {
      throw coreError(
        'LTV_HASH_MISMATCH',
        `The TSA answered with a ${parsed ? String(parsed.info.hash) : 'malformed'} token; the archive timestamp needs ${hash} (set options.hash to the TSA's hash).`,
      );
    }
    const archive = withTokenAttribute(token, LTV_OID.atsHashIndexV3, index);
    si.unsigned.push(attribute(LTV_OID.archiveTimestampV3, archive));
    w.added.timestamps.push('archive-timestamp');
    const atsToken = readToken(archive)!;
    addTokenMaterial(m, atsToken.raw);
    const tsa = certificateFor(atsToken.raw.signerInfos[0]!, m.certificates);
    if (tsa) await coverPath(tsa, atsToken.info.genTime, m, w);
  }
  return {
    signed: writeRawSignedData(sd),
    level: options.level,
    added: w.added,
    missing: w.missing,
  };
}

/**
 * Long-term validation of a CAdES signature (ETSI EN 319 122-1 B-T/B-LT/B-LTA) with the material it
 * carries: signature timestamps (RFC 3161 Appendix A), archive-time-stamp-v3 with ats-hash-index-v3,
 * and the certificates and revocation data of SignedData and of the RFC 5126 attributes. No network:
 * what the caller adds (`crls`, `ocsp`, `intermediates`) is used beside the embedded material.
 */

import { DIGEST_BY_OID, SIGNATURE_BY_OID } from '../cms/algorithms.js';
import { signingTime as readSigningTime } from '../cms/attributes-check.js';
import { ATTRIBUTE_OID } from '../cms/oids.js';
import { parseSignedData, type SignedData } from '../cms/signed-data.js';
import { type VerifyCmsOptions, verifySignedData } from '../cms/verify.js';
import { coreError, isShomeiError, throwIfAborted } from '../errors.js';
import type { SignerReport } from '../report/types.js';
import { VERDICT_RANK as RANK } from '../report/verdict-rank.js';
import type { HashAlgorithmName } from '../signer.js';
import { atsV3Input, checkHashIndex } from './ats-v3.js';
import { type RawSignedData, readRawSignedData } from './cms-structure.js';
import { digestWith, readContent } from './content.js';
import { type LongTermReport, LTV_INDICATION } from './evidence.js';
import { addSupplied, addTokenMaterial, cmsMaterial } from './material.js';
import { LTV_OID } from './oids.js';
import { type SignatureAtTime, type TimestampInput, validatePast } from './past-validation.js';
import { reasonForCheck } from './reasons.js';
import { anchorsOf, checkToken, coversData, malformedTimestamp, pathOf, readToken } from './token.js';

export interface VerifyCmsLongTermOptions
  extends Omit<VerifyCmsOptions, 'time' | 'revocation' | 'validatePath' | 'onProgress' | 'longTerm'> {
  /** The validation time ("now"). Default: the clock. */
  now?: Date;
  /** Dates from which an algorithm is no longer trusted, by name: `SHA-1`, `SHA-256`, `RSA-1024`, `RSA-2048`, `EC-256` … */
  algorithmExpiry?: Readonly<Record<string, Date>>;
}

const algorithmsOf = (
  digest: string | undefined,
  sig: { key: string; hash?: string } | undefined,
  bits?: number,
) => {
  const out: string[] = [];
  if (digest) out.push(digest);
  if (sig?.hash && sig.hash !== digest) out.push(sig.hash);
  if (sig?.key === 'RSA' && bits) out.push(`RSA-${bits}`);
  return out;
};

/** The report for a signature that cannot be read; `code` names the format check that failed. */
export function formatFailure(detail: string, now: Date, code = 'CMS_MALFORMED'): LongTermReport {
  return {
    verdict: 'invalid',
    indication: LTV_INDICATION.FORMAT_FAILURE,
    code: 'FORMAT_FAILURE',
    message: `FORMAT_FAILURE: ${detail}.`,
    level: 'B',
    signer: { subject: '' },
    proofOfExistence: { kind: 'validation-time', time: now.toISOString() },
    chain: [],
    timestamps: [],
    checks: [{ name: 'format', ok: false, code, detail }],
    warnings: [],
  };
}

/**
 * Validates a CMS signature in the past: the earliest trustworthy timestamp fixes the time at which
 * the signature, its chain and their revocation are judged, with the embedded material. Throws only
 * for unusable options and aborts; everything about the signature is in the report.
 */
export async function verifyCmsLongTerm(
  signed: Uint8Array,
  options: VerifyCmsLongTermOptions,
): Promise<LongTermReport> {
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0)
    throw coreError(
      'INPUT_INVALID',
      'verifyCmsLongTerm needs at least one trust anchor (options.trustAnchors).',
    );
  throwIfAborted(options.signal);
  const now = options.now ?? new Date();
  let raw: RawSignedData;
  let sd: SignedData;
  try {
    raw = readRawSignedData(signed);
    sd = parseSignedData(signed);
  } catch (e) {
    return formatFailure(
      isShomeiError(e) ? e.message.replace(/\.$/, '') : 'the signature could not be read',
      now,
    );
  }
  if (sd.signerInfos.length === 0 || sd.signerInfos.length !== raw.signerInfos.length)
    return formatFailure('the SignedData has no signer', now);
  const content =
    raw.content ?? (options.content !== undefined ? await readContent(options.content) : undefined);
  const anchors = anchorsOf(options.trustAnchors);
  const reports: LongTermReport[] = [];
  for (let index = 0; index < sd.signerInfos.length; index++) {
    reports.push(await signerLongTerm(raw, sd, index, content, anchors, now, options));
  }
  let worst = reports[0]!;
  for (const r of reports) if (RANK[r.verdict] > RANK[worst.verdict]) worst = r;
  return reports.length > 1 ? { ...worst, signers: reports } : worst;
}

async function signerLongTerm(
  raw: RawSignedData,
  sd: SignedData,
  index: number,
  content: Uint8Array | undefined,
  anchors: ReturnType<typeof anchorsOf>,
  now: Date,
  options: VerifyCmsLongTermOptions,
): Promise<LongTermReport> {
  const rsi = raw.signerInfos[index]!;
  const psi = sd.signerInfos[index]!;
  const material = cmsMaterial(raw, rsi);
  addSupplied(material, {
    certificates: options.intermediates ?? [],
    crls: (options.crls ?? []).filter((c): c is Uint8Array => c instanceof Uint8Array),
    ocsp: options.ocsp ?? [],
  });
  const sigTokens = rsi.unsigned
    .filter((a) => a.oid === ATTRIBUTE_OID.timeStampToken)
    .flatMap((a) => a.values);
  const archTokens = rsi.unsigned
    .filter((a) => a.oid === LTV_OID.archiveTimestampV3)
    .flatMap((a) => a.values);
  const parsed = [
    ...sigTokens.map((der) => ({ der, kind: 'signature-timestamp' as const })),
    ...archTokens.map((der) => ({ der, kind: 'archive-timestamp' as const })),
  ];
  const tokens = parsed.map((p) => ({ ...p, token: readToken(p.der) }));
  for (const t of tokens) if (t.token) addTokenMaterial(material, t.token.raw);

  const contentHashes = new Map<string, Uint8Array>();
  // Tokens are checked concurrently: each waits on hashing and signature checks of its own.
  const tokenInput = async (t: (typeof tokens)[number]): Promise<TimestampInput> => {
    throwIfAborted(options.signal);
    const tok = t.token;
    if (!tok) return malformedTimestamp(t.kind, now);
    let covered: boolean;
    let coverDetail = 'the token does not cover this signature value';
    if (t.kind === 'signature-timestamp') {
      covered = await coversData(tok, rsi.signature, options.hasher);
    } else {
      const index = tok.raw.signerInfos[0]!.unsigned.find((a) => a.oid === LTV_OID.atsHashIndexV3)?.values[0];
      const h = tok.info.hash;
      if (!index) {
        covered = false;
        coverDetail = 'the archive timestamp has no ats-hash-index-v3';
      } else if (!content) {
        covered = false;
        coverDetail = 'the signature is detached and no content was given';
      } else {
        const ix = await checkHashIndex(index, raw, rsi, options.hasher);
        if (!ix.ok || ix.hash !== h) {
          covered = false;
          coverDetail = ix.ok ? 'the hash index and the imprint use different algorithms' : ix.detail;
        } else {
          let ch = contentHashes.get(h);
          if (!ch) {
            ch = await digestWith(options.hasher, h as HashAlgorithmName, content);
            contentHashes.set(h, ch);
          }
          covered = await coversData(tok, atsV3Input(raw, rsi, ch, index), options.hasher);
          coverDetail = 'the archive timestamp does not cover the signature and its evidence as they are now';
        }
      }
    }
    const tokenSd = tok.sd.signerInfos[0]!;
    const tsaAlgs = (path: readonly { rsaModulusBits?: number }[]) =>
      algorithmsOf(
        tok.info.hash as string,
        SIGNATURE_BY_OID[tokenSd.signatureAlgorithm.oid],
        path[0]?.rsaModulusBits,
      );
    if (!covered) {
      return {
        kind: t.kind,
        genTime: tok.info.genTime,
        hashAlgorithm: String(tok.info.hash),
        check: { ok: false, code: 'HASH_FAILURE', detail: coverDetail, path: [], authority: '' },
        algorithms: [],
      };
    }
    const check = await checkToken(tok, material.certificates, options);
    return {
      kind: t.kind,
      genTime: tok.info.genTime,
      hashAlgorithm: String(tok.info.hash),
      check,
      algorithms: tsaAlgs(check.path),
    };
  };
  const timestamps = await Promise.all(tokens.map(tokenInput));

  const level: LongTermReport['level'] = archTokens.length
    ? 'LTA'
    : material.crls.length + material.ocsp.length >
          (options.crls?.length ?? 0) + (options.ocsp?.length ?? 0) && sigTokens.length
      ? 'LT'
      : sigTokens.length
        ? 'T'
        : 'B';

  // The signer alone, without the evidence and timestamps judged here (parsed once, handed down).
  const bare: SignedData = {
    ...sd,
    certificates: [],
    crls: [],
    signerInfos: [{ ...psi, unsignedAttrs: [] }],
  };
  let lastReport: SignerReport | undefined;
  const signatureAt = async (t: Date): Promise<SignatureAtTime> => {
    const report = (await verifySignedData(bare, {
      ...options,
      ...(content && !raw.content ? { content } : {}),
      intermediates: material.certificates,
      time: t,
      revocation: 'off',
    })) as SignerReport;
    lastReport = report;
    const path = pathOf(report.chain, [...material.certificates, ...anchors]);
    const digest = DIGEST_BY_OID[psi.digestAlgorithm.oid];
    const algorithms = algorithmsOf(
      digest,
      SIGNATURE_BY_OID[psi.signatureAlgorithm.oid],
      path[0]?.rsaModulusBits,
    );
    const failed = report.checks.find((c) => !c.ok && c.name !== 'revocation' && c.name !== 'timestamp');
    if (failed) {
      return {
        ok: false,
        code: reasonForCheck(failed.name, failed.code),
        detail: failed.detail ?? failed.code ?? failed.name,
        path,
        checks: report.checks,
        algorithms,
      };
    }
    return { ok: true, path, checks: report.checks, algorithms };
  };
  const claimed = psi.signedAttrs ? readSigningTime(psi.signedAttrs) : undefined;
  const result = await validatePast({
    ...(options.context ? { context: options.context } : {}),
    now,
    level,
    signer: { subject: '' },
    ...(claimed ? { claimedSigningTime: claimed } : {}),
    timestamps,
    material,
    anchors,
    signatureAt,
    ...(options.algorithmExpiry ? { algorithmExpiry: options.algorithmExpiry } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const basic = lastReport as SignerReport | undefined;
  return {
    ...result,
    signer: basic?.signer ?? { subject: '' },
    ...(basic
      ? { digestAlgorithm: basic.digestAlgorithm, signatureAlgorithm: basic.signatureAlgorithm }
      : {}),
  };
}

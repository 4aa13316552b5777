/**
 * Long-term validation of a CAdES signature (ETSI EN 319 122-1 B-T/B-LT/B-LTA) with the material it
 * carries: signature timestamps (RFC 3161 Appendix A), archive-time-stamp-v3 with ats-hash-index-v3,
 * and the certificates and revocation data of SignedData and of the RFC 5126 attributes. No network:
 * what the caller adds (`crls`, `ocsp`, `intermediates`) is used beside the embedded material.
 */

import { DIGEST_BY_OID, SIGNATURE_BY_OID } from '../cms/algorithms.js';
import { signingTime as readSigningTime } from '../cms/attributes-check.js';
import type { HashFactory } from '../cms/hasher.js';
import type { SignerInfo } from '../cms/signed-data.js';
import { type VerifyCmsOptions, verifySignedData } from '../cms/verify.js';
import { coreError, throwIfAborted } from '../errors.js';
import type { SignerReport } from '../report/types.js';
import { VERDICT_RANK as RANK } from '../report/verdict-rank.js';
import type { HashAlgorithmName } from '../signer.js';
import type { Certificate } from '../x509/certificate.js';
import { defaultContext } from '../x509/context.js';
import { atsV3Input, checkHashIndex } from './ats-v3.js';
import { digestWith, readContent } from './content.js';
import { type LongTermReport, LTV_INDICATION } from './evidence.js';
import { addSupplied, addTokenMaterial, type EvidenceMaterial } from './material.js';
import { LTV_OID } from './oids.js';
import {
  type CmsParts,
  type Coverage,
  contentHasher,
  copyMaterial,
  readCms,
  type SignerParts,
  type TokenPart,
} from './parsed-cms.js';
import { type SignatureAtTime, type TimestampInput, validatePast } from './past-validation.js';
import { reasonForCheck } from './reasons.js';
import { policyKey, rememberingVerifier } from './signature-verdicts.js';
import {
  anchorsOf,
  checkToken,
  coversData,
  firstNamed,
  judgeKnownSigner,
  malformedTimestamp,
  type ParsedToken,
  pathOf,
  SIGNER_CHECKS,
  WEBCRYPTO_HASHES,
} from './token.js';

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
  const parts = readCms(signed, options.context ?? defaultContext);
  if (typeof parts === 'string') return formatFailure(parts, now);
  const content =
    parts.raw.content ?? (options.content !== undefined ? await readContent(options.content) : undefined);
  const anchors = anchorsOf(options.trustAnchors);
  // Anchors given as bytes are handed down parsed (core's objects, found again by content), so
  // each path validation and its cache compare objects rather than bytes; unreadable ones stay as given.
  const o = anchors.length === options.trustAnchors.length ? { ...options, trustAnchors: anchors } : options;
  const reports: LongTermReport[] = [];
  for (let index = 0; index < parts.signers.length; index++) {
    reports.push(await signerLongTerm(parts, index, content, anchors, now, o));
  }
  let worst = reports[0]!;
  for (const r of reports) if (RANK[r.verdict] > RANK[worst.verdict]) worst = r;
  return reports.length > 1 ? { ...worst, signers: reports } : worst;
}

/** What timestamp `t` covers: the signature value, or (archive) the SignedData as it is now. */
async function coverageOf(
  parts: CmsParts,
  s: SignerParts,
  t: TokenPart & { token: ParsedToken },
  content: Uint8Array | undefined,
  contentHashes: Map<string, Uint8Array>,
  hasher: VerifyCmsLongTermOptions['hasher'],
): Promise<Coverage> {
  const tok = t.token;
  if (t.kind === 'signature-timestamp')
    return (await coversData(tok, s.rsi.signature, hasher))
      ? { covered: true }
      : { covered: false, detail: 'the token does not cover this signature value' };
  const index = tok.raw.signerInfos[0]!.unsigned.find((a) => a.oid === LTV_OID.atsHashIndexV3)?.values[0];
  if (!index) return { covered: false, detail: 'the archive timestamp has no ats-hash-index-v3' };
  if (!content) return { covered: false, detail: 'the signature is detached and no content was given' };
  const ix = await checkHashIndex(index, parts.raw, s.rsi, hasher);
  const h = tok.info.hash;
  if (!ix.ok || ix.hash !== h)
    return {
      covered: false,
      detail: ix.ok ? 'the hash index and the imprint use different algorithms' : ix.detail,
    };
  let ch = contentHashes.get(h);
  if (!ch) {
    ch = await digestWith(hasher, h as HashAlgorithmName, content);
    contentHashes.set(h, ch);
  }
  return (await coversData(tok, atsV3Input(parts.raw, s.rsi, ch, index), hasher))
    ? { covered: true }
    : {
        covered: false,
        detail: 'the archive timestamp does not cover the signature and its evidence as they are now',
      };
}

async function signerLongTerm(
  parts: CmsParts,
  index: number,
  content: Uint8Array | undefined,
  anchors: ReturnType<typeof anchorsOf>,
  now: Date,
  options: VerifyCmsLongTermOptions,
): Promise<LongTermReport> {
  const raw = parts.raw;
  const s = parts.signers[index]!;
  const psi = parts.sd.signerInfos[index]!;
  const supplied = !!(options.intermediates?.length || options.crls?.length || options.ocsp?.length);
  // The caller's material comes before the tokens' own, as the material of each source is added.
  let material: EvidenceMaterial;
  if (supplied) {
    material = copyMaterial(s.material);
    addSupplied(material, {
      certificates: options.intermediates ?? [],
      crls: (options.crls ?? []).filter((c): c is Uint8Array => c instanceof Uint8Array),
      ocsp: options.ocsp ?? [],
    });
    for (const t of s.tokens) if (t.token) addTokenMaterial(material, t.token.raw);
  } else {
    // Read only from here on (validatePast and the checks never add to it).
    material = s.withTokens;
  }

  // Coverage is a function of the signature's bytes alone unless the caller's content enters it.
  const byBytes = raw.content !== undefined;
  const hasherKey: object = options.hasher ?? WEBCRYPTO_HASHES;
  let known = s.coverage.get(hasherKey);
  if (!known) {
    known = new Map();
    s.coverage.set(hasherKey, known);
  }
  const contentHashes = new Map<string, Uint8Array>();
  // Tokens are checked concurrently: each waits on hashing and signature checks of its own.
  const tokenInput = async (t: TokenPart, i: number): Promise<TimestampInput> => {
    throwIfAborted(options.signal);
    const tok = t.token;
    if (!tok) return malformedTimestamp(t.kind, now);
    const cacheable = byBytes || t.kind === 'signature-timestamp';
    let cover = cacheable ? known.get(i) : undefined;
    if (!cover) {
      cover = await coverageOf(parts, s, { ...t, token: tok }, content, contentHashes, options.hasher);
      if (cacheable) known.set(i, cover);
    }
    if (!cover.covered) {
      return {
        kind: t.kind,
        genTime: tok.info.genTime,
        hashAlgorithm: String(tok.info.hash),
        check: { ok: false, code: 'HASH_FAILURE', detail: cover.detail, path: [], authority: '' },
        algorithms: [],
      };
    }
    const check = await checkToken(tok, material.certificates, options, true);
    return {
      kind: t.kind,
      genTime: tok.info.genTime,
      hashAlgorithm: String(tok.info.hash),
      check,
      algorithms: algorithmsOf(
        tok.info.hash as string,
        SIGNATURE_BY_OID[tok.sd.signerInfos[0]!.signatureAlgorithm.oid],
        check.path[0]?.rsaModulusBits,
      ),
    };
  };
  const timestamps = await Promise.all(s.tokens.map(tokenInput));

  const sigTokens = s.signatureTimestamps;
  const level: LongTermReport['level'] = s.archiveTimestamps
    ? 'LTA'
    : material.crls.length + material.ocsp.length >
          (options.crls?.length ?? 0) + (options.ocsp?.length ?? 0) && sigTokens
      ? 'LT'
      : sigTokens
        ? 'T'
        : 'B';

  const hasher = contentHasher(parts, options.hasher);
  let lastReport: SignerResult | undefined;
  const signatureAt = async (t: Date): Promise<SignatureAtTime> => {
    // Content given beside an attached signature is compared by verifyCms (CMS_CONTENT_MISMATCH):
    // then the signer's checks are not taken from a verdict.
    const mine = byBytes && options.content === undefined;
    const report = await signerAt(s, psi, t, material, content, mine, hasherKey, hasher, options);
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
    // The embedded material alone is parsed once per context (its parts are private copies).
    ...(supplied ? {} : { sources: s.sources(options.context ?? defaultContext) }),
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
  const basic = lastReport as SignerResult | undefined;
  return {
    ...result,
    signer: basic?.signer ?? { subject: '' },
    ...(basic
      ? { digestAlgorithm: basic.digestAlgorithm, signatureAlgorithm: basic.signatureAlgorithm }
      : {}),
  };
}

/** What long-term validation reads from the signer's verifyCms report. */
type SignerResult = Pick<
  SignerReport,
  'signer' | 'digestAlgorithm' | 'signatureAlgorithm' | 'chain' | 'checks'
>;

/**
 * The signer at time `t`, as verifyCms sees it without the evidence (revocation is judged after).
 * Its SignerInfo checks — signature value, messageDigest, contentType, signing-certificate binding —
 * are functions of the signature's bytes (attached content) and are kept per context once they
 * passed (SignerParts.verdicts, under the verifier, hasher and algorithm policy that reached them);
 * the key usage and the chain at `t` are judged on every call.
 */
async function signerAt(
  s: SignerParts,
  psi: SignerInfo,
  t: Date,
  material: EvidenceMaterial,
  content: Uint8Array | undefined,
  byBytes: boolean,
  hasherKey: object,
  /** `options.hasher`, remembering the digests of the encapsulated content (contentHasher). */
  hasher: HashFactory | undefined,
  options: VerifyCmsLongTermOptions,
): Promise<SignerResult> {
  const by: object = options.verifier ?? (options.context ?? defaultContext).crypto;
  const policy = policyKey(options.algorithms);
  const known = byBytes
    ? s.verdicts.find((v) => v.by === by && v.hasher === hasherKey && v.policy === policy)
    : undefined;
  if (known && firstNamed(psi, material.certificates) === known.cert) {
    const judged = await judgeKnownSigner(
      known.cert,
      {
        trustAnchors: options.trustAnchors,
        intermediates: material.certificates.filter((c) => c !== known.cert),
        crls: options.crls,
        ocsp: options.ocsp,
        time: t,
        policy: options.policy,
        revocation: 'off',
        signal: options.signal,
        ...(options.context ? { context: options.context } : {}),
        ...options.pathOptions,
        ...(options.algorithms?.allowSha1 ? { algorithms: { allowSha1: true } } : {}),
      },
      options.pathCache,
    );
    const checks = [...known.checks, ...judged.checks];
    return {
      signer: checks.every((c) => c.ok) ? known.signer : { subject: known.signer.subject },
      digestAlgorithm: known.digestAlgorithm,
      signatureAlgorithm: known.signatureAlgorithm,
      chain: judged.chain,
      checks,
    };
  }
  // The signature value is checked once per context for the same bytes (signature-verdicts.ts).
  const remembering = rememberingVerifier(options.context, options.verifier, options.algorithms);
  let verifiedWith: Certificate | undefined;
  const report = (await verifySignedData(s.bare, {
    ...options,
    ...(content && s.bare.content === undefined ? { content } : {}),
    intermediates: material.certificates,
    time: t,
    revocation: 'off',
    ...(hasher ? { hasher } : {}),
    verifier: async (cert, hash, signature, data) => {
      const ok = await remembering(cert, hash, signature, data);
      if (ok) verifiedWith ??= cert;
      return ok;
    },
  })) as SignerReport;
  if (
    byBytes &&
    verifiedWith &&
    report.verdict === 'valid' &&
    report.checks.every((c) => c.name !== 'timestamp')
  ) {
    s.verdicts.push({
      by,
      hasher: hasherKey,
      policy,
      cert: verifiedWith,
      checks: report.checks.filter((c) => SIGNER_CHECKS.has(c.name)),
      signer: report.signer,
      digestAlgorithm: report.digestAlgorithm,
      signatureAlgorithm: report.signatureAlgorithm,
    });
  }
  return report;
}

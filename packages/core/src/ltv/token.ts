/**
 * One RFC 3161 timestamp token as long-term validation uses it: its TSTInfo, the check that it covers
 * the expected bytes, and its signature and TSA chain judged at its own genTime by verifyCms (revocation
 * is judged separately from the embedded material, see past-validation.ts). RFC 3161 §2.3: the TSA
 * certificate must carry the critical id-kp-timeStamping extended key usage.
 */

import type { HashFactory } from '../cms/hasher.js';
import { CMS_OID } from '../cms/oids.js';
import type { PathResultCache } from '../cms/path-cache.js';
import type { SignedData, SignerInfo } from '../cms/signed-data.js';
import { parseTstInfo, type TstInfo } from '../cms/timestamp.js';
import { type VerifyCmsOptions, verifySignedData } from '../cms/verify.js';
import { chainChecks, signingKeyUsageCheck } from '../cms/verify-chain.js';
import { bytesEqual } from '../der/bytes.js';
import { isShomeiError } from '../errors.js';
import type { CertificateInput, ValidatePathOptions } from '../path/types.js';
import { validatePath } from '../path/validate-path.js';
import type { ReportChainElement, ReportCheck } from '../report/types.js';
import type { HashAlgorithmName } from '../signer.js';
import { isStrongDigest } from '../x509/algorithms.js';
import type { Certificate } from '../x509/certificate.js';
import { contextSlot, defaultContext } from '../x509/context.js';
import {
  attribute,
  type RawSignedData,
  readRawSignedData,
  readSignedDataViews,
  writeRawSignedData,
} from './cms-structure.js';
import { digestWith } from './content.js';
import type { LtvReason } from './evidence.js';
import { certificateOf, type EvidenceMaterial } from './material.js';
import type { TimestampInput } from './past-validation.js';
import { reasonForCheck } from './reasons.js';
import { policyKey, rememberingVerifier } from './signature-verdicts.js';

const KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
/** The key of verdicts reached with WebCrypto's digests (no `hasher` given). */
export const WEBCRYPTO_HASHES: object = Object.freeze({ hasher: 'WebCrypto' });
const EKU_OID = '2.5.29.37';

export interface ParsedToken {
  readonly der: Uint8Array;
  readonly raw: RawSignedData;
  /** The token parsed for verification once, without its certificates and CRLs (judged from the material). */
  readonly sd: SignedData;
  readonly info: TstInfo;
  /** The token's own certificates, parsed (on first use). */
  own?: readonly Certificate[];
  /** The last pool checkToken was given and the own-certificates-first list made from it. */
  pooled?: { readonly pool: readonly Certificate[]; readonly list: readonly Certificate[] };
}

/** Reads a token; undefined when it is not a SignedData over a TSTInfo. */
export function readToken(der: Uint8Array): ParsedToken | undefined {
  try {
    const { raw, sd } = readSignedDataViews(der);
    if (raw.eContentTypeOid !== CMS_OID.tstInfo || !raw.content || raw.signerInfos.length !== 1)
      return undefined;
    return { der, raw, sd: { ...sd, certificates: [], crls: [] }, info: parseTstInfo(raw.content) };
  } catch {
    return undefined;
  }
}

/** The token with an unsigned attribute added to its SignerInfo (what ats-hash-index-v3 needs). */
export function withTokenAttribute(token: Uint8Array, oid: string, value: Uint8Array): Uint8Array {
  const raw = readRawSignedData(token);
  raw.signerInfos[0]!.unsigned.push(attribute(oid, value));
  return writeRawSignedData(raw);
}

export type TokenCheck =
  | { readonly ok: true; readonly path: readonly Certificate[]; readonly authority: string }
  | {
      readonly ok: false;
      readonly code: LtvReason;
      readonly detail: string;
      readonly path: readonly Certificate[];
      readonly authority: string;
    };

/** Whether the token's imprint is the hash of `data` under the token's own algorithm. */
export async function coversData(t: ParsedToken, data: Uint8Array, hasher?: HashFactory): Promise<boolean> {
  if (!isStrongDigest(t.info.hash)) return false;
  return bytesEqual(await digestWith(hasher, t.info.hash as HashAlgorithmName, data), t.info.imprint);
}

/**
 * What a token's own SignerInfo checks concluded: signature value, messageDigest, contentType and
 * the ESS signing-certificate binding all passed with `cert`. Kept per context for tokens read from
 * the context's private copies (parsed-cms.ts), under the verifier, hasher and algorithm policy that
 * reached it; anything else asks again. The chain is not part of it: it is validated at the token's
 * genTime on every call, and revocation is judged after (past-validation.ts).
 */
interface TokenVerdict {
  readonly by: object;
  readonly hasher: object;
  readonly policy: string;
  readonly cert: Certificate;
}
const TOKEN_VERDICTS = contextSlot<WeakMap<ParsedToken, TokenVerdict[]>>(
  'long-term: token SignerInfo verdicts',
);

type TokenOptions = Pick<
  VerifyCmsOptions,
  'trustAnchors' | 'verifier' | 'hasher' | 'algorithms' | 'signal' | 'pathCache' | 'context'
>;

/** The SignerInfo checks of verifyCms that a verdict stands for (the rest is judged each time). */
export const SIGNER_CHECKS: ReadonlySet<string> = new Set([
  'signerCertificate',
  'algorithm',
  'signature',
  'messageDigest',
  'contentType',
  'signingCertificate',
]);

/** The first pool certificate a SignerIdentifier names (RFC 5652 §5.3): the one verifyCms tries first. */
export function firstNamed(si: SignerInfo, pool: readonly Certificate[]): Certificate | undefined {
  const sid = si.sid;
  return pool.find((c) =>
    sid.type === 'issuerAndSerialNumber'
      ? bytesEqual(c.serial, sid.serial) && bytesEqual(c.issuer.der, sid.issuer)
      : c.subjectKeyIdentifier !== undefined && bytesEqual(c.subjectKeyIdentifier, sid.keyId),
  );
}

/**
 * The token's signature, ESS binding and TSA chain at its genTime (no revocation here). `pool` holds
 * the certificates of the signature's material. `remember`: the token was read from a private copy
 * in the context (parsed-cms.ts), so what its SignerInfo checks concluded may be kept there.
 */
export async function checkToken(
  t: ParsedToken,
  pool: readonly Certificate[],
  options: TokenOptions,
  remember = false,
): Promise<TokenCheck> {
  if (!isStrongDigest(t.info.hash))
    return {
      ok: false,
      code: 'CRYPTO_CONSTRAINTS_FAILURE',
      detail: `the imprint uses ${t.info.hash}`,
      path: [],
      authority: '',
    };
  // The token's own certificates first: the path is built from the TSA's choice (e.g. its CA's
  // renewed certificate) before older certificates of the same name in the signature's material.
  t.own ??= t.raw.certificates.flatMap((d) => {
    const c = certificateOf(d);
    return c ? [c] : [];
  });
  const own = t.own;
  // The same pool (a signature's material read once per context) gives the same list.
  if (t.pooled?.pool !== pool)
    t.pooled = { pool, list: own.length ? [...own, ...pool.filter((c) => !own.includes(c))] : pool };
  const intermediates = t.pooled.list;
  const context = options.context ?? defaultContext;
  const by: object = options.verifier ?? context.crypto;
  const hasher: object = options.hasher ?? WEBCRYPTO_HASHES;
  const policy = policyKey(options.algorithms);
  const verdicts = remember ? context.slot(TOKEN_VERDICTS, () => new WeakMap()) : undefined;
  const known = verdicts?.get(t)?.find((v) => v.by === by && v.hasher === hasher && v.policy === policy);
  // verifyCms tries the certificates the SignerIdentifier names in pool order: the verdict stands
  // only while the certificate it was reached with is still the first of them.
  if (known && firstNamed(t.sd.signerInfos[0]!, intermediates) === known.cert)
    return judgeKnownToken(t, known.cert, intermediates, pool, options);

  let verifiedWith: Certificate | undefined;
  const remembering = rememberingVerifier(options.context, options.verifier, options.algorithms);
  const report = await verifySignedData(t.sd, {
    trustAnchors: options.trustAnchors,
    intermediates,
    time: t.info.genTime,
    revocation: 'off',
    // The token's signature value is checked once per context for the same bytes; its chain is
    // judged at its genTime on every call (signature-verdicts.ts).
    verifier: async (cert, hash, signature, data) => {
      const ok = await remembering(cert, hash, signature, data);
      if (ok) verifiedWith ??= cert;
      return ok;
    },
    ...(options.hasher ? { hasher: options.hasher } : {}),
    ...(options.algorithms ? { algorithms: options.algorithms } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.pathCache ? { pathCache: options.pathCache } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  if (
    verdicts &&
    verifiedWith &&
    report.checks.every((c) => c.name !== 'timestamp' && (c.ok || !SIGNER_CHECKS.has(c.name)))
  ) {
    const list = verdicts.get(t) ?? [];
    list.push({ by, hasher, policy, cert: verifiedWith });
    verdicts.set(t, list);
  }
  const path = pathOf(report.chain, [...pool, ...anchorsOf(options.trustAnchors)]);
  const failed = report.checks.find((c) => !c.ok && c.name !== 'revocation');
  return tokenOutcome(path, report.signer.subject, failed);
}

/**
 * A token whose SignerInfo checks are known to pass with `cert`: what verifyCms would add on top —
 * the key usage and the chain at genTime.
 */
async function judgeKnownToken(
  t: ParsedToken,
  cert: Certificate,
  intermediates: readonly Certificate[],
  pool: readonly Certificate[],
  options: TokenOptions,
): Promise<TokenCheck> {
  const judged = await judgeKnownSigner(
    cert,
    {
      trustAnchors: options.trustAnchors,
      intermediates: intermediates.filter((c) => c !== cert),
      time: t.info.genTime,
      revocation: 'off',
      signal: options.signal,
      ...(options.context ? { context: options.context } : {}),
      ...(options.algorithms?.allowSha1 ? { algorithms: { allowSha1: true } } : {}),
    },
    options.pathCache,
  );
  const failed = judged.checks.find((c) => !c.ok && c.name !== 'revocation');
  const path = pathOf(judged.chain, [...pool, ...anchorsOf(options.trustAnchors)]);
  return tokenOutcome(path, cert.subject.text, failed);
}

/**
 * For a signer whose SignerInfo checks are known to pass with `cert`, what verifyCms adds on top, as
 * it does it: the key usage check, then the chain validated with `pathOptions` (built as verifyCms
 * builds them, so a PathResultCache given by the caller answers for both).
 */
export async function judgeKnownSigner(
  cert: Certificate,
  pathOptions: ValidatePathOptions,
  pathCache: PathResultCache | undefined,
): Promise<{ readonly chain: ReportChainElement[]; readonly checks: ReportCheck[] }> {
  const usage = signingKeyUsageCheck(cert).check;
  try {
    const result = pathCache
      ? await pathCache.get(cert, pathOptions, () => validatePath(cert, pathOptions))
      : await validatePath(cert, pathOptions);
    const outcome = chainChecks(result);
    return { chain: outcome.chain, checks: [usage, ...outcome.checks.map((c) => c.check)] };
  } catch (e) {
    if (isShomeiError(e) && e.code === 'ABORTED') throw e;
    const code = isShomeiError(e) ? e.code : 'CMS_CHAIN_INDETERMINATE';
    const detail = isShomeiError(e) ? e.message : 'path validation failed';
    return { chain: [], checks: [usage, { name: 'chain', ok: false, code, detail }] };
  }
}

/** The TokenCheck for a token whose SignerInfo and chain were checked (`failed`: the first failure). */
function tokenOutcome(path: Certificate[], authority: string, failed: ReportCheck | undefined): TokenCheck {
  if (failed) {
    const code = reasonForCheck(failed.name, failed.code);
    return { ok: false, code, detail: `the TSA signature: ${failed.detail ?? failed.code}`, path, authority };
  }
  const tsa = path[0];
  const critical = tsa?.extensions.find((e) => e.oid === EKU_OID)?.critical;
  if (!tsa?.extKeyUsage?.includes(KP_TIME_STAMPING) || !critical) {
    return {
      ok: false,
      code: 'CHAIN_CONSTRAINTS_FAILURE',
      detail: 'the TSA certificate lacks the critical id-kp-timeStamping extended key usage (RFC 3161 §2.3)',
      path,
      authority,
    };
  }
  return { ok: true, path, authority };
}

export function anchorsOf(list: readonly CertificateInput[]): Certificate[] {
  return list.flatMap((c) => {
    const x = c instanceof Uint8Array ? certificateOf(c) : c;
    return x ? [x] : [];
  });
}

/** The report's chain mapped back to certificates (by serial and subject), leaf first. */
export function pathOf(chain: readonly ReportChainElement[], pool: readonly Certificate[]): Certificate[] {
  const out: Certificate[] = [];
  for (const e of chain) {
    const c = pool.find((x) => x.serialHex === e.serial && x.subject.text === e.subject);
    if (c) out.push(c);
  }
  return out;
}

export const isAborted = (e: unknown): boolean => isShomeiError(e) && e.code === 'ABORTED';

/**
 * The input for a timestamp whose token could not be read: it proves nothing (FORMAT_FAILURE, or
 * the caller's `code` and `detail` for a time-stamp it refuses to read).
 */
export function malformedTimestamp(
  kind: TimestampInput['kind'],
  now: Date,
  code: LtvReason = 'FORMAT_FAILURE',
  detail = 'the timestamp token is malformed',
): TimestampInput {
  return {
    kind,
    genTime: now,
    hashAlgorithm: '',
    check: {
      ok: false,
      code,
      detail,
      path: [],
      authority: '',
    },
    algorithms: [],
  };
}

/**
 * One timestamp as past-time validation takes it: malformed (FORMAT_FAILURE), not covering `data`
 * (HASH_FAILURE with `coverDetail`; `data` undefined when what it covers cannot be rebuilt), or
 * checked by checkToken against the material at its genTime.
 */
export async function timestampInput(
  kind: TimestampInput['kind'],
  tok: ParsedToken | undefined,
  data: Uint8Array | undefined,
  coverDetail: string,
  material: EvidenceMaterial,
  now: Date,
  options: Parameters<typeof checkToken>[2],
): Promise<TimestampInput> {
  if (!tok) return malformedTimestamp(kind, now);
  if (!data || !(await coversData(tok, data, options.hasher)))
    return {
      kind,
      genTime: tok.info.genTime,
      hashAlgorithm: String(tok.info.hash),
      check: { ok: false, code: 'HASH_FAILURE', detail: coverDetail, path: [], authority: '' },
      algorithms: [],
    };
  const check = await checkToken(tok, material.certificates, options);
  const bits = check.path[0]?.rsaModulusBits;
  return {
    kind,
    genTime: tok.info.genTime,
    hashAlgorithm: String(tok.info.hash),
    check,
    algorithms: [String(tok.info.hash), ...(bits ? [`RSA-${bits}`] : [])],
  };
}

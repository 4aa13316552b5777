/**
 * One RFC 3161 timestamp token as long-term validation uses it: its TSTInfo, the check that it covers
 * the expected bytes, and its signature and TSA chain judged at its own genTime by verifyCms (revocation
 * is judged separately from the embedded material, see past-validation.ts). RFC 3161 §2.3: the TSA
 * certificate must carry the critical id-kp-timeStamping extended key usage.
 */

import type { HashFactory } from '../cms/hasher.js';
import { CMS_OID } from '../cms/oids.js';
import { parseSignedData, type SignedData } from '../cms/signed-data.js';
import { parseTstInfo, type TstInfo } from '../cms/timestamp.js';
import { type VerifyCmsOptions, verifySignedData } from '../cms/verify.js';
import { bytesEqual } from '../der/bytes.js';
import { isShomeiError } from '../errors.js';
import type { CertificateInput } from '../path/types.js';
import type { ReportChainElement } from '../report/types.js';
import type { HashAlgorithmName } from '../signer.js';
import { isStrongDigest } from '../x509/algorithms.js';
import type { Certificate } from '../x509/certificate.js';
import { attribute, type RawSignedData, readRawSignedData, writeRawSignedData } from './cms-structure.js';
import { digestWith } from './content.js';
import type { LtvReason } from './evidence.js';
import { certificateOf, type EvidenceMaterial } from './material.js';
import type { TimestampInput } from './past-validation.js';
import { reasonForCheck } from './reasons.js';

const KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const EKU_OID = '2.5.29.37';

export interface ParsedToken {
  readonly der: Uint8Array;
  readonly raw: RawSignedData;
  /** The token parsed for verification once, without its certificates and CRLs (judged from the material). */
  readonly sd: SignedData;
  readonly info: TstInfo;
}

/** Reads a token; undefined when it is not a SignedData over a TSTInfo. */
export function readToken(der: Uint8Array): ParsedToken | undefined {
  try {
    const raw = readRawSignedData(der);
    if (raw.eContentTypeOid !== CMS_OID.tstInfo || !raw.content || raw.signerInfos.length !== 1)
      return undefined;
    const sd = parseSignedData(der);
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
 * The token's signature, ESS binding and TSA chain at its genTime (no revocation here). `pool` holds
 * the certificates of the signature's material.
 */
export async function checkToken(
  t: ParsedToken,
  pool: readonly Certificate[],
  options: Pick<
    VerifyCmsOptions,
    'trustAnchors' | 'verifier' | 'hasher' | 'algorithms' | 'signal' | 'pathCache' | 'context'
  >,
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
  const own = t.raw.certificates.flatMap((d) => {
    const c = certificateOf(d);
    return c ? [c] : [];
  });
  const report = await verifySignedData(t.sd, {
    trustAnchors: options.trustAnchors,
    intermediates: [...own, ...pool.filter((c) => !own.includes(c))],
    time: t.info.genTime,
    revocation: 'off',
    ...(options.verifier ? { verifier: options.verifier } : {}),
    ...(options.hasher ? { hasher: options.hasher } : {}),
    ...(options.algorithms ? { algorithms: options.algorithms } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.pathCache ? { pathCache: options.pathCache } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  const path = pathOf(report.chain, [...pool, ...anchorsOf(options.trustAnchors)]);
  const authority = report.signer.subject;
  const failed = report.checks.find((c) => !c.ok && c.name !== 'revocation');
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

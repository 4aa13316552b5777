/**
 * Signature timestamps (CAdES-T, ETSI EN 319 122-1 §5.3; RFC 3161 Appendix A): the token is a
 * SignedData over a TSTInfo whose imprint must be the hash of this SignerInfo's signature value, signed
 * by a TSA certificate with the critical id-kp-timeStamping extended key usage (RFC 3161 §2.3), and
 * valid like any other signer (signature, messageDigest, ESS binding, chain).
 */
import { bytesEqual } from '../der/bytes.js';
import { isShomeiError } from '../errors.js';
import type { ReportTimestamp, SignerReport } from '../report/types.js';
import type { HashAlgorithmName } from '../signer.js';
import type { Certificate } from '../x509/certificate.js';
import { parseCertificate } from '../x509/certificate.js';
import { EXT_OID, KP_OID } from '../x509/oids.js';
import { digestBytes } from './hasher.js';
import { ATTRIBUTE_OID, CMS_OID } from './oids.js';
import { parseSignedData, type SignedData, type SignerInfo } from './signed-data.js';
import { parseTstInfo } from './timestamp.js';

const HASHES: readonly string[] = ['SHA-256', 'SHA-384', 'SHA-512'];

export type TimestampOutcome =
  | { readonly ok: true; readonly timestamp: ReportTimestamp }
  | { readonly ok: false; readonly code: string; readonly detail: string };

/**
 * Verifies one signer of the token as verifyCms does, against the TSA trust anchors (injected to
 * avoid an import cycle). `certificate` is the certificate whose key verified the token, if any.
 */
export type TokenSignerCheck = (
  token: SignedData,
  si: SignerInfo,
  pool: readonly Certificate[],
  digests: Map<HashAlgorithmName, Uint8Array>,
) => Promise<{ report: SignerReport; certificate?: Certificate }>;

const bad = (detail: string, code = 'TIMESTAMP_INVALID'): TimestampOutcome => ({ ok: false, code, detail });

/** The timestamp of a SignerInfo, if it carries one, checked; undefined when there is none. */
export async function checkSignatureTimestamp(
  si: SignerInfo,
  pool: readonly Certificate[],
  verifyTokenSigner: TokenSignerCheck,
): Promise<TimestampOutcome | undefined> {
  const attr = si.unsignedAttrs.find((a) => a.oid === ATTRIBUTE_OID.timeStampToken);
  if (!attr) return undefined;
  const tokenDer = attr.values[0];
  if (!tokenDer) return bad('the timeStampToken attribute is empty');
  let token: SignedData;
  let info: ReturnType<typeof parseTstInfo>;
  try {
    token = parseSignedData(tokenDer, { maxSigners: 1 });
    if (token.contentType !== CMS_OID.tstInfo || !token.content)
      return bad('the token does not hold a TSTInfo');
    info = parseTstInfo(token.content);
  } catch (e) {
    return bad(`the token is malformed (${isShomeiError(e) ? e.message : 'unreadable'})`);
  }
  if (!HASHES.includes(info.hash)) return bad(`the token imprint uses ${info.hash}`, 'CMS_WEAK_DIGEST');
  const imprint = await digestBytes(info.hash as HashAlgorithmName, si.signature);
  if (!bytesEqual(imprint, info.imprint)) return bad('the token does not cover this signature value');
  const tsi = token.signerInfos[0];
  if (!tsi || token.signerInfos.length !== 1) return bad('the token must have exactly one signer');
  const tokenPool: Certificate[] = [...pool];
  for (const der of token.certificates) {
    try {
      tokenPool.push(parseCertificate(der));
    } catch {
      // unreadable certificates are skipped; a missing TSA certificate is reported below
    }
  }
  const digests = new Map<HashAlgorithmName, Uint8Array>();
  for (const h of HASHES)
    digests.set(h as HashAlgorithmName, await digestBytes(h as HashAlgorithmName, token.content!));
  const { report, certificate: tsaCert } = await verifyTokenSigner(token, tsi, tokenPool, digests);
  if (report.verdict !== 'valid' || !tsaCert) {
    const untrusted = report.checks.some(
      (c) =>
        c.name === 'chain' && !c.ok && (c.code === 'PATH_NOT_FOUND' || c.code === 'PATH_NO_TRUST_ANCHOR'),
    );
    return bad(
      `the TSA signature is ${report.verdict}: ${report.code ?? ''} ${report.message ?? ''}`.trim(),
      untrusted ? 'TIMESTAMP_UNTRUSTED' : 'TIMESTAMP_INVALID',
    );
  }
  // Every check is made on the certificate whose key verified the token, never on one found by name.
  const eku = tsaCert.extKeyUsage;
  const ekuCritical = tsaCert.extensions.find((e) => e.oid === EXT_OID.extKeyUsage)?.critical;
  if (!eku?.includes(KP_OID.timeStamping) || !ekuCritical) {
    return bad(
      'the TSA certificate lacks the critical id-kp-timeStamping extended key usage (RFC 3161 §2.3)',
    );
  }
  return { ok: true, timestamp: { time: info.genTime.toISOString(), authority: tsaCert.subject.text } };
}

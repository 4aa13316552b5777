/**
 * CRL processing for one certificate (RFC 5280 §6.3.3): scope (issuer, distribution point and
 * issuingDistributionPoint), validity, signature (including a CRL issuer distinct from the certificate
 * issuer and a CRL signing key different from the certificate signing key), reasons coverage, and
 * delta CRLs (§5.2.4) including certificateHold / removeFromCRL.
 */
import { bytesEqual, compareBytes, toHex } from '../der/bytes.js';
import type { CoreErrorCode } from '../errors.js';
import type { RevocationStatus } from '../path/types.js';
import type { Certificate } from '../x509/certificate.js';
import type { DistributionPoint, DistributionPointName } from '../x509/extensions.js';
import type { GeneralName } from '../x509/general-name.js';
import { appendRdn, type Name, namesMatch } from '../x509/name.js';
import { EXT_OID } from '../x509/oids.js';
import { verifySignature } from '../x509/verify.js';
import type { CrlIndex } from './crl-index.js';
import type { SourceOutcome } from './outcome.js';

/** All reasons of ReasonFlags bits 1–8 (§6.3.3 (d)); bit 0 is unused. */
const ALL_REASONS = 0x1fe;

export interface CrlCheckContext {
  readonly time: Date;
  /** Certificates that may have issued CRLs (the path and the pool). */
  readonly candidates: readonly Certificate[];
  /** Validates the path of a CRL signer that is not the certificate's issuer (§6.3.3 (f)). */
  validateCrlSigner(signer: Certificate): Promise<boolean>;
}

const dirNames = (names: readonly GeneralName[] | undefined): Name[] =>
  (names ?? []).flatMap((g) => (g.type === 'directoryName' ? [g.name] : []));

function generalNameEqual(a: GeneralName, b: GeneralName): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'directoryName':
      return namesMatch(a.name, (b as typeof a).name);
    case 'uniformResourceIdentifier':
    case 'dNSName':
    case 'rfc822Name':
      return a.value === (b as typeof a).value;
    case 'iPAddress':
      return bytesEqual(a.bytes, (b as typeof a).bytes);
    default:
      return false;
  }
}

/** Full names of a DistributionPointName (nameRelativeToCRLIssuer is appended to the CRL issuer). */
function dpNames(dp: DistributionPointName | undefined, crlIssuer: Name): GeneralName[] {
  if (!dp) return [];
  if (dp.type === 'fullName') return [...dp.names];
  // §5.2.5: relative name appended to the CRL issuer's DN.
  const name = appendRdn(crlIssuer, dp.rdnSet);
  return [{ type: 'directoryName', name }];
}

/** Whether `crl` is in scope for `cert` via distribution point `dp` (§6.3.3 (b)). */
function inScope(crl: CrlIndex, cert: Certificate, dp: DistributionPoint | undefined): boolean {
  // (b)(1): issuer.
  if (dp?.cRLIssuer) {
    if (!crl.indirect || !dirNames(dp.cRLIssuer).some((n) => namesMatch(n, crl.issuer))) return false;
  } else if (!namesMatch(crl.issuer, cert.issuer)) {
    return false;
  }
  const idp = crl.issuingDistributionPoint;
  if (!idp) return true;
  // (b)(2)(i): distribution point names.
  if (idp.distributionPoint) {
    const idpNames = dpNames(idp.distributionPoint, crl.issuer);
    const certNames = dp?.distributionPoint
      ? dpNames(dp.distributionPoint, dirNames(dp.cRLIssuer)[0] ?? cert.issuer)
      : (dp?.cRLIssuer ?? []);
    if (!idpNames.some((a) => certNames.some((b) => generalNameEqual(a, b)))) return false;
  }
  // (b)(2)(ii)–(iv)
  const isCa = cert.basicConstraints?.ca === true;
  if (idp.onlyContainsUserCerts && isCa) return false;
  if (idp.onlyContainsCACerts && !isCa) return false;
  if (idp.onlyContainsAttributeCerts) return false;
  return true;
}

/** §6.3.3 (d): reasons this CRL covers for this distribution point. */
function reasonsMask(crl: CrlIndex, dp: DistributionPoint | undefined): number {
  const idpMask = crl.issuingDistributionPoint?.onlySomeReasons ?? ALL_REASONS;
  const dpMask = dp?.reasons ?? ALL_REASONS;
  return idpMask & dpMask & ALL_REASONS;
}

/** §6.3.3 (f)–(g): finds and checks the CRL signer; returns an error detail or undefined on success. */
async function checkCrlSignature(
  crl: CrlIndex,
  issuer: Certificate,
  ctx: CrlCheckContext,
): Promise<string | undefined> {
  const signers: Certificate[] = [];
  if (namesMatch(crl.issuer, issuer.subject)) signers.push(issuer);
  for (const c of ctx.candidates) {
    if (c !== issuer && namesMatch(c.subject, crl.issuer) && !signers.some((s) => bytesEqual(s.der, c.der)))
      signers.push(c);
  }
  if (signers.length === 0) return `no certificate for CRL issuer "${crl.issuer.text}" is available`;
  if (crl.verifiedSigners.has(issuer) && signers[0] === issuer) return undefined;
  for (const signer of signers) {
    if (crl.verifiedSpkis.has(signer.spki) || crl.verifiedKeys.has(toHex(signer.spki))) {
      if (signer === issuer) {
        crl.verifiedSigners.add(signer);
        return undefined;
      }
      if (await ctx.validateCrlSigner(signer)) return undefined;
      continue;
    }
    // AKI of the CRL, when present, selects the key (§5.2.1).
    if (
      crl.authorityKeyIdentifier &&
      signer.subjectKeyIdentifier &&
      !bytesEqual(crl.authorityKeyIdentifier, signer.subjectKeyIdentifier)
    )
      continue;
    // (f): the signer's keyUsage must allow cRLSign.
    if (signer.keyUsage && !signer.keyUsage.cRLSign) continue;
    let ok = false;
    try {
      ok = await verifySignature(signer.spki, crl.signatureAlgorithm, crl.signature, crl.tbs);
    } catch {
      ok = false;
    }
    if (!ok) continue;
    crl.verifiedKeys.add(toHex(signer.spki));
    crl.verifiedSpkis.add(signer.spki);
    // Only the issuer's own key is cached as a signer: a distinct signer's path depends on the time.
    if (signer === issuer) {
      crl.verifiedSigners.add(signer);
      return undefined;
    }
    if (await ctx.validateCrlSigner(signer)) return undefined;
  }
  return `the CRL from "${crl.issuer.text}" is not signed by an authorised key`;
}

async function validateCrl(
  crl: CrlIndex,
  issuer: Certificate,
  ctx: CrlCheckContext,
): Promise<
  | {
      code: 'CRL_EXPIRED' | 'CRL_NOT_YET_VALID' | 'CRL_SIGNATURE_INVALID' | 'CRL_UNKNOWN_CRITICAL_EXTENSION';
      detail: string;
    }
  | undefined
> {
  // A CRL issued after the validation time is newer evidence (typical when checking a signature at
  // its signing time); only one dated in the future of both that time and the clock is refused.
  if (crl.thisUpdate.getTime() > Math.max(ctx.time.getTime(), Date.now()) + 5 * 60_000)
    return {
      code: 'CRL_NOT_YET_VALID',
      detail: `CRL thisUpdate ${crl.thisUpdate.toISOString()} is in the future`,
    };
  if (crl.nextUpdate && crl.nextUpdate < ctx.time)
    return { code: 'CRL_EXPIRED', detail: `CRL nextUpdate ${crl.nextUpdate.toISOString()} has passed` };
  if (crl.unknownCriticalExtensions.length)
    return {
      code: 'CRL_UNKNOWN_CRITICAL_EXTENSION',
      detail: `CRL has unknown critical extension ${crl.unknownCriticalExtensions[0]}`,
    };
  const sig = await checkCrlSignature(crl, issuer, ctx);
  if (sig) return { code: 'CRL_SIGNATURE_INVALID', detail: sig };
  return undefined;
}

const sameIdp = (a: CrlIndex, b: CrlIndex): boolean => {
  const x = a.extensions.find((e) => e.oid === EXT_OID.issuingDistributionPoint)?.value;
  const y = b.extensions.find((e) => e.oid === EXT_OID.issuingDistributionPoint)?.value;
  return x === y || (!!x && !!y && bytesEqual(x, y));
};

/** Compares two CRL numbers (INTEGER contents, non-negative). */
const compareNumbers = (a: Uint8Array, b: Uint8Array): number => {
  const strip = (x: Uint8Array) => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0) i++;
    return x.subarray(i);
  };
  const p = strip(a);
  const q = strip(b);
  return p.length !== q.length ? p.length - q.length : compareBytes(p, q);
};

function entryStatus(crl: CrlIndex, i: number, time: Date): RevocationStatus | 'removed' {
  const e = crl.entry(i);
  if (e.reason === 'removeFromCRL') return 'removed';
  if (e.revocationDate > time)
    return { status: 'good', source: 'crl', detail: 'revoked only after the validation time' };
  return { status: 'revoked', source: 'crl', reason: e.reason ?? 'unspecified', revokedAt: e.revocationDate };
}

/** Checks `cert` (issued by `issuer`) against the given CRLs. */
export async function checkCrls(
  cert: Certificate,
  issuer: Certificate,
  crls: readonly CrlIndex[],
  ctx: CrlCheckContext,
): Promise<SourceOutcome> {
  const dps: (DistributionPoint | undefined)[] = cert.crlDistributionPoints?.length
    ? [...cert.crlDistributionPoints]
    : [undefined];
  let covered = 0;
  let failure: { code: CoreErrorCode; detail: string } | undefined;
  let applicable = false;
  const bases = crls.filter((c) => !c.isDelta);
  const deltas = crls.filter((c) => c.isDelta);
  for (const dp of dps) {
    for (const crl of bases) {
      if (!inScope(crl, cert, dp)) continue;
      const mask = reasonsMask(crl, dp) & ~covered;
      if (mask === 0) continue;
      applicable = true;
      const problem = await validateCrl(crl, issuer, ctx);
      if (problem) {
        failure ??= problem;
        continue;
      }
      const certIssuer = crl.indirect ? cert.issuer : undefined;
      // §5.2.4 / §6.3.3 (c), (j): a matching delta CRL (same issuer and scope, based on this CRL or older).
      let delta: CrlIndex | undefined;
      for (const d of deltas) {
        if (!namesMatch(d.issuer, crl.issuer) || !sameIdp(d, crl) || !crl.crlNumber) continue;
        if (compareNumbers(d.deltaCrlIndicator!, crl.crlNumber) > 0) continue;
        if (d.crlNumber && compareNumbers(d.crlNumber, crl.crlNumber) <= 0) continue;
        if (await validateCrl(d, issuer, ctx)) continue;
        if (!delta || (d.crlNumber && delta.crlNumber && compareNumbers(d.crlNumber, delta.crlNumber) > 0))
          delta = d;
      }
      const di = delta ? delta.find(cert.serial, certIssuer) : -1;
      const bi = crl.find(cert.serial, certIssuer);
      const hit = di >= 0 ? { crl: delta!, i: di } : bi >= 0 ? { crl, i: bi } : undefined;
      if (hit) {
        if (
          hit.crl.hasUnknownCriticalEntryExtension(hit.i) ||
          hit.crl.entry(hit.i).unknownCriticalExtensions.length
        ) {
          failure ??= {
            code: 'CRL_UNKNOWN_CRITICAL_EXTENSION',
            detail: 'the CRL entry has an unknown critical extension',
          };
          continue;
        }
        const s = entryStatus(hit.crl, hit.i, ctx.time);
        if (s !== 'removed' && s.status === 'revoked') return { kind: 'status', status: s };
      }
      covered |= mask;
    }
  }
  if ((covered & ALL_REASONS) === ALL_REASONS)
    return { kind: 'status', status: { status: 'good', source: 'crl' } };
  if (failure) return { kind: 'failed', code: failure.code, detail: failure.detail };
  if (applicable)
    return {
      kind: 'failed',
      code: 'REVOCATION_UNKNOWN',
      detail: 'the CRLs do not cover every revocation reason',
    };
  return { kind: 'none' };
}

/**
 * CRL processing for one certificate (RFC 5280 §6.3.3): scope (issuer, distribution point and
 * issuingDistributionPoint), validity, signature (including a CRL issuer distinct from the certificate
 * issuer and a CRL signing key different from the certificate signing key), reasons coverage, and
 * delta CRLs (§5.2.4) including certificateHold / removeFromCRL. Under the strict profile a CRL is
 * also held to the CRL profile a conforming issuer MUST follow: cRLNumber present and non-critical
 * (§5.2.3), in delta CRLs too (§5.2.4).
 */
import { bytesEqual, compareBytes } from '../der/bytes.js';
import type { Certificate } from '../x509/certificate.js';
import { contextSlot, defaultContext, type ShomeiContext } from '../x509/context.js';
import type { DistributionPoint, DistributionPointName } from '../x509/extensions.js';
import type { GeneralName } from '../x509/general-name.js';
import { notSignedByKey } from '../x509/key-fit.js';
import { appendRdn, type Name, namesMatch } from '../x509/name.js';
import { EXT_OID } from '../x509/oids.js';
import type { ValidationProfile } from '../x509/profile.js';
import { type SignaturePolicy, verifySignatureByCertificate, weakSignatureHash } from '../x509/verify.js';
import type { CrlIndex } from './crl-index.js';
import type { SourceOutcome } from './outcome.js';
import type { RevocationSourceErrorCode, RevocationStatus } from './types.js';

/** All reasons of ReasonFlags bits 1–8 (§6.3.3 (d)); bit 0 is unused. */
const ALL_REASONS = 0x1fe;

/** A certificate without cRLDistributionPoints is checked once, against the issuer's full scope. */
const NO_DISTRIBUTION_POINT: readonly undefined[] = [undefined];

export interface CrlCheckContext {
  readonly time: Date;
  /** Certificates that may have issued CRLs (the path and the pool). */
  readonly candidates: readonly Certificate[];
  /** Validates the path of a CRL signer that is not the certificate's issuer (§6.3.3 (f)). */
  validateCrlSigner(signer: Certificate): Promise<boolean>;
  /** Algorithm policy for CRL signatures (SHA-1 refused unless allowed). */
  readonly algorithms?: SignaturePolicy;
  /** `strict` (default) refuses a CRL that breaks the §5.2.3 cRLNumber rules; `lenient` accepts it. */
  readonly profile?: ValidationProfile;
  /** The crypto backend for CRL signatures. Default: `defaultContext`. */
  readonly context?: ShomeiContext;
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

/**
 * What is known about one parsed CRL's signature. Kept here, beside the only code that may decide it,
 * and never on the public `CrlIndex`: a caller able to add a key to it would make any CRL "verified".
 */
interface CrlSignatureMemo {
  /** Keys (SPKI DER, copied) whose signature over this CRL verified — checked once per key. */
  readonly keys: Uint8Array[];
  /** The same, by identity of the SPKI view (no hex per check). */
  readonly spkis: WeakSet<Uint8Array>;
  /** Issuer certificates found good for this CRL (keyUsage and signature). */
  readonly signers: WeakSet<Certificate>;
}

// Signature verdicts belong to the context whose backend reached them (ShomeiContext.clear drops them).
const SIGNATURE_MEMOS = contextSlot<WeakMap<CrlIndex, CrlSignatureMemo>>('crl signature memos');
const memosOf = (context: ShomeiContext | undefined) =>
  (context ?? defaultContext).slot(SIGNATURE_MEMOS, () => new WeakMap());

function signatureMemo(crl: CrlIndex, context: ShomeiContext | undefined): CrlSignatureMemo {
  const memos = memosOf(context);
  let memo = memos.get(crl);
  if (!memo) {
    memo = { keys: [], spkis: new WeakSet(), signers: new WeakSet() };
    memos.set(crl, memo);
  }
  return memo;
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
  const memo = signatureMemo(crl, ctx.context);
  if (memo.signers.has(issuer) && signers[0] === issuer) return undefined;
  for (const signer of signers) {
    // AKI of the CRL, when present, selects the key (§5.2.1).
    if (
      crl.authorityKeyIdentifier &&
      signer.subjectKeyIdentifier &&
      !bytesEqual(crl.authorityKeyIdentifier, signer.subjectKeyIdentifier)
    )
      continue;
    // (f): the signer's keyUsage must allow cRLSign — checked on every certificate, also when its key
    // is already known to have signed this CRL (another certificate may certify the same key).
    if (signer.keyUsage && !signer.keyUsage.cRLSign) continue;
    if (memo.spkis.has(signer.spki) || memo.keys.some((k) => bytesEqual(k, signer.spki))) {
      if (signer === issuer) {
        memo.signers.add(signer);
        return undefined;
      }
      if (await ctx.validateCrlSigner(signer)) return undefined;
      continue;
    }
    let ok = false;
    try {
      ok = await verifySignatureByCertificate(
        signer,
        crl.signatureAlgorithm,
        crl.signature,
        crl.tbs,
        { allowSha1: true },
        ctx.context,
      );
    } catch (error) {
      ok = notSignedByKey(error);
    }
    if (!ok) continue;
    // Only keys that verified this very signature are kept: one or two, whatever the pool holds.
    if (!memo.keys.some((k) => bytesEqual(k, signer.spki))) memo.keys.push(signer.spki.slice());
    memo.spkis.add(signer.spki);
    // Only the issuer's own key is cached as a signer: a distinct signer's path depends on the time.
    if (signer === issuer) {
      memo.signers.add(signer);
      return undefined;
    }
    if (await ctx.validateCrlSigner(signer)) return undefined;
  }
  return `the CRL from "${crl.issuer.text}" is not signed by an authorised key`;
}

type CrlProblem = {
  code:
    | 'CRL_EXPIRED'
    | 'CRL_NOT_YET_VALID'
    | 'CRL_NUMBER_MISSING'
    | 'CRL_NUMBER_CRITICAL'
    | 'CRL_SIGNATURE_INVALID'
    | 'CRL_UNKNOWN_CRITICAL_EXTENSION'
    | 'SIGNATURE_ALGORITHM_WEAK';
  detail: string;
};

/** `validateCrl` could not decide without checking the signature (not yet known for this issuer). */
const SIGNATURE_NEEDED = Symbol('signature needed');

/**
 * The checks of `validateCrl` that need no signature verification, run synchronously: the verdict
 * when the CRL's signature is already known good for this very issuer certificate (the memo that
 * `checkCrlSignature` consults first), else `SIGNATURE_NEEDED`.
 */
function validateCrlKnown(
  crl: CrlIndex,
  issuer: Certificate,
  ctx: CrlCheckContext,
): CrlProblem | undefined | typeof SIGNATURE_NEEDED {
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
  // The policy is applied before the signature cache: a signature once verified is no licence.
  const weak = weakSignatureHash(crl.signatureAlgorithm, ctx.algorithms);
  if (weak)
    return {
      code: 'SIGNATURE_ALGORITHM_WEAK',
      detail: `the CRL from "${crl.issuer.text}" is signed with ${weak}, which the algorithm policy refuses`,
    };
  // The first test of `checkCrlSignature`: the issuer is the first candidate signer (its subject is
  // the CRL issuer) and its keyUsage and key were found good for this CRL before.
  if (!(memosOf(ctx.context).get(crl)?.signers.has(issuer) && namesMatch(crl.issuer, issuer.subject)))
    return SIGNATURE_NEEDED;
  // Checked after the signature, so the code speaks of a CRL its issuer really published.
  return ctx.profile === 'lenient' ? undefined : crlProfileProblem(crl);
}

async function validateCrl(
  crl: CrlIndex,
  issuer: Certificate,
  ctx: CrlCheckContext,
): Promise<CrlProblem | undefined> {
  const known = validateCrlKnown(crl, issuer, ctx);
  if (known !== SIGNATURE_NEEDED) return known;
  const sig = await checkCrlSignature(crl, issuer, ctx);
  if (sig) return { code: 'CRL_SIGNATURE_INVALID', detail: sig };
  // Checked after the signature, so the code speaks of a CRL its issuer really published.
  return ctx.profile === 'lenient' ? undefined : crlProfileProblem(crl);
}

/**
 * §5.2.3: "conforming CRL issuers MUST include this extension in all CRLs and MUST mark this
 * extension as non-critical"; §5.2.4: a delta CRL carries its own cRLNumber as well.
 */
function crlProfileProblem(
  crl: CrlIndex,
): { code: 'CRL_NUMBER_MISSING' | 'CRL_NUMBER_CRITICAL'; detail: string } | undefined {
  const kind = crl.isDelta ? 'delta CRL' : 'CRL';
  const ext = crl.extensions.find((e) => e.oid === EXT_OID.cRLNumber);
  if (!ext)
    return {
      code: 'CRL_NUMBER_MISSING',
      detail: `the ${kind} from "${crl.issuer.text}" has no cRLNumber (RFC 5280 §5.2.3)`,
    };
  if (ext.critical)
    return {
      code: 'CRL_NUMBER_CRITICAL',
      detail: `the ${kind} from "${crl.issuer.text}" marks cRLNumber critical (RFC 5280 §5.2.3)`,
    };
  return undefined;
}

const sameIdp = (a: CrlIndex, b: CrlIndex): boolean => {
  const x = a.extensions.find((e) => e.oid === EXT_OID.issuingDistributionPoint)?.value;
  const y = b.extensions.find((e) => e.oid === EXT_OID.issuingDistributionPoint)?.value;
  return x === y || (!!x && !!y && bytesEqual(x, y));
};

/** INTEGER contents without leading zero octets (one is kept for zero itself). */
function stripLeadingZeros(x: Uint8Array): Uint8Array {
  let i = 0;
  while (i < x.length - 1 && x[i] === 0) i++;
  return x.subarray(i);
}

/** Compares two CRL numbers (INTEGER contents, non-negative). */
const compareNumbers = (a: Uint8Array, b: Uint8Array): number => {
  const p = stripLeadingZeros(a);
  const q = stripLeadingZeros(b);
  return p.length !== q.length ? p.length - q.length : compareBytes(p, q);
};

/** A CRL that passed §6.3.3 checks for this certificate, with the reasons it covers. */
interface UsableCrl {
  readonly crl: CrlIndex;
  readonly mask: number;
}

/** The CRL that is newer for the same scope: higher cRLNumber, then later thisUpdate (§5.2.3). */
function newer(a: CrlIndex, b: CrlIndex): boolean {
  if (a.crlNumber && b.crlNumber) {
    const c = compareNumbers(a.crlNumber, b.crlNumber);
    if (c !== 0) return c > 0;
  }
  return a.thisUpdate > b.thisUpdate;
}

const sameScope = (a: CrlIndex, b: CrlIndex): boolean => namesMatch(a.issuer, b.issuer) && sameIdp(a, b);

/**
 * §5.2.4, §6.3.3 (c): a delta applies to a complete CRL of its scope whose number is at least the
 * delta's base and below the delta's own number.
 */
const deltaFor = (base: CrlIndex, d: CrlIndex): boolean =>
  sameScope(d, base) &&
  base.crlNumber !== undefined &&
  compareNumbers(d.deltaCrlIndicator!, base.crlNumber) <= 0 &&
  (!d.crlNumber || compareNumbers(d.crlNumber, base.crlNumber) > 0);

type EntryState =
  | { readonly kind: 'revoked'; readonly status: RevocationStatus; readonly permanent: boolean }
  | { readonly kind: 'released' }
  | { readonly kind: 'none' }
  | { readonly kind: 'unusable' };

/** A usable CRL with what it says of the certificate being checked. */
interface CrlState {
  readonly crl: CrlIndex;
  readonly state: EntryState;
}

/** The entry state already read for `crl` (every usable CRL and delta has one), else read now. */
function stateOf(states: readonly CrlState[], crl: CrlIndex, cert: Certificate, time: Date): EntryState {
  for (const s of states) if (s.crl === crl) return s.state;
  return entryState(crl, cert, time);
}

/**
 * What the CRL says of the certificate. A serial listed several times is read in full: any
 * permanent entry wins over a hold, a hold over a removeFromCRL.
 */
function entryState(crl: CrlIndex, cert: Certificate, time: Date): EntryState {
  const indexes = crl.findAll(cert.serial, crl.indirect ? cert.issuer : undefined);
  let state: EntryState = { kind: 'none' };
  for (const i of indexes) {
    if (crl.hasUnknownCriticalEntryExtension(i) || crl.entry(i).unknownCriticalExtensions.length)
      return { kind: 'unusable' };
    const e = crl.entry(i);
    if (e.reason === 'removeFromCRL') {
      if (state.kind === 'none') state = { kind: 'released' };
      continue;
    }
    // Revoked only after the validation time: not revoked at that time.
    if (e.revocationDate > time) continue;
    const permanent = e.reason !== 'certificateHold';
    if (state.kind === 'revoked' && (state.permanent || !permanent)) continue;
    state = {
      kind: 'revoked',
      permanent,
      status: {
        status: 'revoked',
        source: 'crl',
        reason: e.reason ?? 'unspecified',
        revokedAt: e.revocationDate,
      },
    };
  }
  return state;
}

/** The CRLs validated in one `checkCrls` call that needed their signature checked, with the verdict. */
interface CheckedCrls {
  problems: Map<CrlIndex, CrlProblem | undefined> | undefined;
}

/**
 * `validateCrl` once per CRL and call; a CRL whose signature is already known good for `issuer` is
 * decided without an await (the repeated chains of a portal).
 */
function validateOnce(
  crl: CrlIndex,
  issuer: Certificate,
  ctx: CrlCheckContext,
  checked: CheckedCrls,
): CrlProblem | undefined | Promise<CrlProblem | undefined> {
  const known = validateCrlKnown(crl, issuer, ctx);
  if (known !== SIGNATURE_NEEDED) return known;
  checked.problems ??= new Map();
  const problems = checked.problems;
  if (problems.has(crl)) return problems.get(crl);
  return validateCrl(crl, issuer, ctx).then((problem) => {
    problems.set(crl, problem);
    return problem;
  });
}

/**
 * Checks `cert` (issued by `issuer`) against the given CRLs (RFC 5280 §6.3.3). Every applicable CRL is
 * consulted, in any order: a permanent revocation (any reason but certificateHold) in any valid CRL in
 * scope stands; a hold, or its release, is decided by the newest CRL of its scope (with its newest
 * delta, §5.2.4), so an older CRL never overrides a newer one. `evidenceTime` is the thisUpdate of
 * the CRL that decided.
 */
export async function checkCrls(
  cert: Certificate,
  issuer: Certificate,
  crls: readonly CrlIndex[],
  ctx: CrlCheckContext,
): Promise<SourceOutcome> {
  const dps: readonly (DistributionPoint | undefined)[] = cert.crlDistributionPoints?.length
    ? cert.crlDistributionPoints
    : NO_DISTRIBUTION_POINT;
  let failure: { code: RevocationSourceErrorCode; detail: string } | undefined;
  let applicable = false;
  const bases: CrlIndex[] = [];
  const deltas: CrlIndex[] = [];
  for (const c of crls) (c.isDelta ? deltas : bases).push(c);
  const usable: UsableCrl[] = [];
  const checked: CheckedCrls = { problems: undefined };
  for (const dp of dps) {
    for (const crl of bases) {
      if (!inScope(crl, cert, dp)) continue;
      const mask = reasonsMask(crl, dp);
      if (mask === 0) continue;
      applicable = true;
      const pending = validateOnce(crl, issuer, ctx, checked);
      const problem = pending instanceof Promise ? await pending : pending;
      if (problem) {
        failure ??= problem;
        continue;
      }
      usable.push({ crl, mask });
    }
  }
  const usableDeltas: CrlIndex[] = [];
  // A complete CRL whose authentic delta breaks the profile cannot say `good` or decide a hold: the
  // issuer published newer information that cannot be ordered (§5.2.4). Its permanent revocations stand.
  const unusable = new Set<CrlIndex>();
  for (const d of deltas) {
    if (!usable.some((u) => deltaFor(u.crl, d))) continue;
    const pending = validateOnce(d, issuer, ctx, checked);
    const problem = pending instanceof Promise ? await pending : pending;
    if (problem?.code === 'CRL_NUMBER_MISSING' || problem?.code === 'CRL_NUMBER_CRITICAL') {
      failure ??= problem;
      for (const u of usable) if (deltaFor(u.crl, d)) unusable.add(u.crl);
    }
    if (problem) continue;
    usableDeltas.push(d);
  }
  // Permanent revocations: any valid complete CRL in scope, and any delta that applies to one. A CRL
  // whose entry for the certificate cannot be read (unknown critical extension, §5.3) covers nothing.
  let permanent: { status: RevocationStatus; at: Date } | undefined;
  // What each usable CRL says of the certificate, read once (the hold rules below consult it again).
  const states: CrlState[] = [];
  for (const u of usable) states.push({ crl: u.crl, state: entryState(u.crl, cert, ctx.time) });
  for (const d of usableDeltas) states.push({ crl: d, state: entryState(d, cert, ctx.time) });
  for (const { crl, state: st } of states) {
    if (st.kind === 'unusable') {
      unusable.add(crl);
      failure ??= {
        code: 'CRL_UNKNOWN_CRITICAL_EXTENSION',
        detail: 'the CRL entry has an unknown critical extension',
      };
      continue;
    }
    if (st.kind === 'revoked' && st.permanent && (!permanent || crl.thisUpdate > permanent.at))
      permanent = { status: st.status, at: crl.thisUpdate };
  }
  if (permanent) return { kind: 'status', status: permanent.status, evidenceTime: permanent.at };
  let covered = 0;
  for (const u of usable) if (!unusable.has(u.crl)) covered |= u.mask;

  // Holds: the newest CRL of each scope decides, with its newest delta (§5.2.4, §6.3.3 (c), (j)).
  let newestUsed: Date | undefined;
  let hold: { status: RevocationStatus; at: Date } | undefined;
  const newestOfScope: CrlIndex[] = [];
  for (const { crl } of usable) {
    if (unusable.has(crl)) continue;
    const k = newestOfScope.findIndex((c) => sameScope(c, crl));
    if (k < 0) newestOfScope.push(crl);
    else if (newer(crl, newestOfScope[k]!)) newestOfScope[k] = crl;
  }
  for (const base of newestOfScope) {
    let delta: CrlIndex | undefined;
    for (const d of usableDeltas) {
      if (!deltaFor(base, d) || unusable.has(d)) continue;
      if (!delta || newer(d, delta)) delta = d;
    }
    const fromDelta = delta ? stateOf(states, delta, cert, ctx.time) : undefined;
    const st =
      fromDelta && fromDelta.kind !== 'none' && fromDelta.kind !== 'unusable'
        ? fromDelta
        : stateOf(states, base, cert, ctx.time);
    const decidedBy = delta ?? base;
    if (!newestUsed || decidedBy.thisUpdate > newestUsed) newestUsed = decidedBy.thisUpdate;
    if (st.kind === 'revoked' && (!hold || decidedBy.thisUpdate > hold.at))
      hold = { status: st.status, at: decidedBy.thisUpdate };
  }
  if (hold) return { kind: 'status', status: hold.status, evidenceTime: hold.at };
  if ((covered & ALL_REASONS) === ALL_REASONS)
    return {
      kind: 'status',
      status: { status: 'good', source: 'crl' },
      ...(newestUsed ? { evidenceTime: newestUsed } : {}),
    };
  if (failure) return { kind: 'failed', code: failure.code, detail: failure.detail };
  if (applicable)
    return {
      kind: 'failed',
      code: 'REVOCATION_UNKNOWN',
      detail: 'the CRLs do not cover every revocation reason',
    };
  return { kind: 'none' };
}

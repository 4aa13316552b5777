/**
 * `verifyCms` → ValidationReport (design.md §4). Each signer is checked in the order of the report's
 * checks: certificate found, algorithm policy, signature value, messageDigest, contentType,
 * signing-certificate binding, key usage, then chain and revocation via `validatePath`.
 * Malformed input gives an `indeterminate` report with a precise code, never an exception.
 */
import { bytesEqual } from '../der/bytes.js';
import { derObjects } from '../der/pem.js';
import { coreError, isShomeiError, throwIfAborted } from '../errors.js';
import { parseJpkiIdentity } from '../jpki/identity.js';
import type { CertificateInput, PolicyOptions, ValidatePathOptions } from '../path/types.js';
import { validatePath as defaultValidatePath } from '../path/validate-path.js';
import type {
  ReportCheck,
  ReportJpkiIdentity,
  ReportTimestamp,
  SignerReport,
  ValidationReport,
  Verdict,
} from '../report/types.js';
import { VERDICT_RANK as RANK } from '../report/verdict-rank.js';
import type { HashAlgorithmName } from '../signer.js';
import { keyTypeOf } from '../x509/algorithms.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import type { ShomeiContext } from '../x509/context.js';
import { DIGEST_BY_OID, type DigestName, SIGNATURE_BY_OID, signatureAlgorithmName } from './algorithms.js';
import {
  checkContentType,
  checkMessageDigest,
  checkSigningCertificate,
  signingTime as readSigningTime,
} from './attributes-check.js';
import { type ContentInput, hashContentMulti } from './content.js';
import type { HashFactory } from './hasher.js';
import type { PathResultCache } from './path-cache.js';
import { type SignatureVerifier, verifySignerSignature } from './public-key.js';
import { parseSignedData, type SignedData, type SignerInfo } from './signed-data.js';
import { chainChecks, type PathValidator, signingKeyUsageCheck } from './verify-chain.js';
import { checkSignatureTimestamp } from './verify-timestamp.js';

/** What the algorithm policy accepts (defaults reject MD5, SHA-1 and RSA below 2048 bits). */
export interface AlgorithmPolicy {
  /** Accept SHA-1 digests and signatures (legacy archives). Default false. MD5 is never accepted. */
  readonly allowSha1?: boolean;
  /** Minimum RSA modulus size. Default 2048. */
  readonly minRsaBits?: number;
}

export interface VerifyCmsOptions {
  /**
   * The signed content, for a detached signature. With an attached signature it must equal the
   * encapsulated content, or every signer is `invalid` with `CMS_CONTENT_MISMATCH`: the verdict is
   * always about the document the caller holds.
   */
  content?: ContentInput;
  trustAnchors: readonly CertificateInput[];
  /**
   * Anchors a signature timestamp's TSA certificate must chain to (RFC 3161 §2.3). Default: the
   * `trustAnchors`. Give the TSA roots you trust for time here to keep them apart from signer roots.
   */
  tsaTrustAnchors?: readonly CertificateInput[];
  /** Most SignerInfos verified; a SignedData with more is refused (CMS_TOO_MANY_SIGNERS). Default 16. */
  maxSigners?: number;
  intermediates?: readonly CertificateInput[];
  crls?: ValidatePathOptions['crls'];
  ocsp?: readonly Uint8Array[];
  revocation?: ValidatePathOptions['revocation'];
  /** Validation time for the chain. Default: now. */
  time?: Date;
  /** RFC 5280 policy inputs, passed to validatePath. */
  policy?: PolicyOptions;
  /** Strictness and limits of path validation, passed to validatePath (defaults: strict, no maxIntermediates). */
  pathOptions?: Pick<ValidatePathOptions, 'profile' | 'trustAnchorMode' | 'maxIntermediates' | 'budget'>;
  algorithms?: AlgorithmPolicy;
  /** Path validation; default: core's `validatePath` (RFC 5280 §6 with revocation). */
  validatePath?: PathValidator;
  /** Reuse path results across calls (opt-in; see PathResultCache for what makes a hit). */
  pathCache?: PathResultCache;
  /** SignerInfo signature check; default: the context's backend. */
  verifier?: SignatureVerifier;
  /**
   * The crypto backend and caches of this verification (and of its path validations, unless
   * `validatePath` is replaced). Default: `defaultContext` (WebCrypto); `@shomei/core/node`'s
   * verifyCms uses `nodeContext`.
   */
  context?: ShomeiContext;
  hasher?: HashFactory;
  signal?: AbortSignal;
  onProgress?: (bytesHashed: number) => void;
}

interface Check {
  check: ReportCheck;
  severity: Verdict;
}

const DEFAULT_MAX_SIGNERS = 16;

const ALLOW_SHA1 = { allowSha1: true } as const;

const INDETERMINATE = new Set([
  'CMS_CONTENT_MISSING',
  'CMS_SIGNER_CERT_MISSING',
  'CMS_ALGORITHM_UNSUPPORTED',
  'CMS_UNSUPPORTED',
  'CMS_CHAIN_INDETERMINATE',
  'CRYPTO_UNAVAILABLE',
]);

const fail = (name: ReportCheck['name'], code: string, detail: string): Check => ({
  check: { name, ok: false, code, detail },
  severity: INDETERMINATE.has(code) ? 'indeterminate' : 'invalid',
});
const pass = (name: ReportCheck['name'], detail?: string): Check => ({
  check: detail ? { name, ok: true, detail } : { name, ok: true },
  severity: 'valid',
});

function messageOf(code: string | undefined, detail: string | undefined): string | undefined {
  if (!code) return undefined;
  return detail ? `${detail.charAt(0).toUpperCase()}${detail.slice(1)}.` : code;
}

interface ReportParts {
  signer: SignerReport['signer'];
  /** The holder's facts: reported only when the signer's verdict is `valid`. */
  jpki?: ReportJpkiIdentity | undefined;
  signingTime?: string | undefined;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  chain: SignerReport['chain'];
  timestamp?: ReportTimestamp | undefined;
}

/**
 * The report with the worst failing check deciding verdict and code. Keys are written in design.md §4
 * order and absent optional fields are left out (plain assignments: this runs on the verify hot path).
 */
function finish(p: ReportParts, checks: Check[]): SignerReport {
  let worst: Check | undefined;
  for (const c of checks) if (!c.check.ok && (!worst || RANK[c.severity] > RANK[worst.severity])) worst = c;
  const out: Record<string, unknown> = { verdict: worst ? worst.severity : 'valid' };
  if (worst?.check.code) {
    out.code = worst.check.code;
    out.message = messageOf(worst.check.code, worst.check.detail);
  }
  // A certificate's identity facts mean nothing until its signature, chain and revocation pass.
  out.signer = p.jpki && !worst ? { ...p.signer, jpki: p.jpki } : p.signer;
  if (p.signingTime) out.signingTime = p.signingTime;
  out.digestAlgorithm = p.digestAlgorithm;
  out.signatureAlgorithm = p.signatureAlgorithm;
  out.chain = p.chain;
  if (p.chain.length > 0) out.revocationChecked = revocationChecked(p.chain);
  out.checks = checks.map((c) => c.check);
  if (p.timestamp) out.timestamp = p.timestamp;
  return out as unknown as SignerReport;
}

/**
 * True when every certificate of the path below the trust anchor (the chain's last element) has a
 * conclusive status, good or revoked; false when one was not checked (`revocation: 'off'`, or
 * `'prefer'` with no CRL or OCSP for it), so that no reader takes "valid" for "in force".
 */
function revocationChecked(chain: SignerReport['chain']): boolean {
  for (let i = 0; i < chain.length - 1; i++) if (chain[i]!.revocation.status === 'unknown') return false;
  return true;
}

/** A report for input that could not be read as SignedData at all. */
function unreadable(error: unknown): ValidationReport {
  const code = isShomeiError(error) ? error.code : 'CMS_MALFORMED';
  const detail = isShomeiError(error) ? error.message : 'the signature could not be read';
  const severity: Verdict = 'indeterminate';
  return finish({ signer: { subject: '' }, digestAlgorithm: '', signatureAlgorithm: '', chain: [] }, [
    { check: { name: 'format', ok: false, code, detail: detail.replace(/\.$/, '') }, severity },
  ]);
}

interface Context {
  sd: SignedData;
  /** The caller's content differs from the encapsulated content. */
  contentMismatch: boolean;
  /** Verifying a timestamp token's signer (tokens inside tokens are not followed). */
  inToken: boolean;
  pool: readonly Certificate[];
  digests: Map<HashAlgorithmName, Uint8Array>;
  contentBytes?: Uint8Array;
  contentMissing: boolean;
  options: VerifyCmsOptions;
  validatePath: PathValidator;
}

/** Most certificates tried for one SignerIdentifier (look-alikes with the same issuer and serial). */
const MAX_SIGNER_CANDIDATES = 4;

/** The pool certificates the SignerIdentifier names (RFC 5652 §5.3), first ones first. */
function signerCandidates(si: SignerInfo, pool: readonly Certificate[]): Certificate[] {
  const sid = si.sid;
  const out: Certificate[] = [];
  for (const c of pool) {
    const hit =
      sid.type === 'issuerAndSerialNumber'
        ? bytesEqual(c.serial, sid.serial) && bytesEqual(c.issuer.der, sid.issuer)
        : c.subjectKeyIdentifier !== undefined && bytesEqual(c.subjectKeyIdentifier, sid.keyId);
    if (hit && !out.some((o) => bytesEqual(o.der, c.der))) out.push(c);
    if (out.length === MAX_SIGNER_CANDIDATES) break;
  }
  return out;
}

// The JPKI facts of a certificate. Module-level on purpose: a memo of a pure function of a parsed object of core's own (never a
// caller's buffer), held weakly, so it adds no lifetime and cannot answer for other data.
const jpkiCache = new WeakMap<Certificate, { jpki?: ReportJpkiIdentity; note?: string }>();

function jpkiOf(cert: Certificate): { jpki?: ReportJpkiIdentity; note?: string } {
  let r = jpkiCache.get(cert);
  if (!r) {
    r = readJpki(cert);
    jpkiCache.set(cert, r);
  }
  return r;
}

function readJpki(cert: Certificate): { jpki?: ReportJpkiIdentity; note?: string } {
  try {
    const id = parseJpkiIdentity(cert);
    return id ? { jpki: id } : {};
  } catch (e) {
    return { note: `JPKI identity unreadable: ${isShomeiError(e) ? e.message : 'malformed'}` };
  }
}

/** The algorithm policy (defaults: no MD5, no SHA-1, RSA ≥ 2048). Returns a failure or undefined. */
function policyFailure(
  digest: DigestName | undefined,
  sigHash: DigestName | undefined,
  keyType: 'RSA' | 'EC' | undefined,
  cert: Certificate,
  si: SignerInfo,
  policy: AlgorithmPolicy,
): Check | undefined {
  if (!digest)
    return fail(
      'algorithm',
      'CMS_ALGORITHM_UNSUPPORTED',
      `digest algorithm ${si.digestAlgorithm.oid} is not supported`,
    );
  if (!keyType || !sigHash) {
    return fail(
      'algorithm',
      'CMS_ALGORITHM_UNSUPPORTED',
      `signature algorithm ${si.signatureAlgorithm.oid} is not supported`,
    );
  }
  for (const h of [digest, sigHash]) {
    if (h === 'MD5' || (h === 'SHA-1' && !policy.allowSha1)) {
      return fail('algorithm', 'CMS_WEAK_DIGEST', `${h} is rejected by the algorithm policy`);
    }
  }
  const certKey = keyTypeOf(cert.publicKeyAlgorithm.oid);
  if (certKey !== keyType) {
    return fail(
      'algorithm',
      'CMS_ALGORITHM_UNSUPPORTED',
      `a ${keyType} signature algorithm with a ${certKey ?? 'unsupported'} key`,
    );
  }
  const minBits = policy.minRsaBits ?? 2048;
  if (keyType === 'RSA' && (cert.rsaModulusBits ?? 0) < minBits) {
    return fail(
      'algorithm',
      'CMS_WEAK_KEY',
      `RSA-${cert.rsaModulusBits} is below the policy minimum of ${minBits} bits`,
    );
  }
  return undefined;
}

/** The signer's report and the certificate whose key verified its signature (if one did). */
async function verifySignerCertificate(
  si: SignerInfo,
  ctx: Context,
): Promise<{ report: SignerReport; certificate?: Certificate }> {
  const checks: Check[] = [];
  const digest = DIGEST_BY_OID[si.digestAlgorithm.oid];
  const sigInfo = SIGNATURE_BY_OID[si.signatureAlgorithm.oid];
  const sigHash = sigInfo?.hash ?? digest;
  const digestAlgorithm = digest ?? si.digestAlgorithm.oid;
  const signatureAlgorithm =
    sigInfo && sigHash ? signatureAlgorithmName(sigInfo.key, sigHash) : si.signatureAlgorithm.oid;
  const time = si.signedAttrs ? readSigningTime(si.signedAttrs) : undefined;
  const signingTime = time?.toISOString();

  if (ctx.contentMismatch) {
    checks.push(
      fail(
        'messageDigest',
        'CMS_CONTENT_MISMATCH',
        'the given content differs from the content encapsulated in the signature, which is what was signed',
      ),
    );
  }
  if (si.signedAttrsNotDer) {
    checks.push(
      fail(
        'signature',
        'CMS_SIGNED_ATTRS_NOT_DER',
        `the signed attributes are not DER (${si.signedAttrsNotDer}); RFC 5652 §5.4 signs their DER encoding`,
      ),
    );
  }
  const candidates = signerCandidates(si, ctx.pool);
  if (candidates.length === 0) {
    checks.push(
      fail(
        'signerCertificate',
        'CMS_SIGNER_CERT_MISSING',
        'the signer certificate is neither in the SignedData nor among the intermediates',
      ),
    );
    return {
      report: finish(
        { signer: { subject: '' }, signingTime, digestAlgorithm, signatureAlgorithm, chain: [] },
        checks,
      ),
    };
  }
  // Several certificates may carry the same issuer and serial (a look-alike placed first): every
  // later check is made on the one whose key verifies the signature, never on the first by name.
  let cert = candidates[0]!;
  let signed: Check[] = [];
  let signatureVerified = false;
  for (const candidate of candidates) {
    const attempt = await signatureChecks(
      si,
      candidate,
      digest,
      sigHash,
      sigInfo?.key,
      signatureAlgorithm,
      ctx,
    );
    if (candidate === candidates[0] || attempt.verified) {
      cert = candidate;
      signed = attempt.checks;
      signatureVerified = attempt.verified;
    }
    if (attempt.verified) break;
  }
  // The signature value and every signed-attribute check passed for this certificate.
  let verified = signatureVerified;
  const { jpki, note } = jpkiOf(cert);
  const signer: SignerReport['signer'] = { subject: cert.subject.text };
  checks.push(pass('signerCertificate', note ?? cert.subject.text));
  for (const c of signed) {
    if (!c.check.ok) verified = false;
    checks.push(c);
  }

  let timestamp: ReportTimestamp | undefined;
  const o = ctx.options;
  // Without unsigned attributes there is no timestamp token to check (no call, no await).
  if (!ctx.inToken && si.unsignedAttrs.length > 0) {
    const ts = await checkSignatureTimestamp(si, ctx.pool, (token, tsi, pool, digests) =>
      verifySignerCertificate(tsi, {
        ...ctx,
        sd: token,
        pool,
        digests,
        contentMissing: false,
        contentMismatch: false,
        inToken: true,
        contentBytes: token.content!,
        // RFC 3161 §2.3: the TSA chains to the anchors the caller trusts for time.
        options: { ...o, trustAnchors: o.tsaTrustAnchors ?? o.trustAnchors },
      }),
    );
    if (ts?.ok) {
      timestamp = ts.timestamp;
      checks.push(pass('timestamp', `${ts.timestamp.time} by ${ts.timestamp.authority}`));
    } else if (ts) {
      checks.push(fail('timestamp', ts.code, ts.detail));
    }
  }

  checks.push(signingKeyUsageCheck(cert));

  let chain: SignerReport['chain'] = [];
  try {
    // CRLs carried in the SignedData are attacker-supplied bytes: they are indexed only for a signer
    // whose signature verified, never before anything is checked.
    const embeddedCrls = verified && ctx.sd.crls.length > 0;
    const intermediates: Certificate[] = [];
    // The pool already holds the embedded certificates and the caller's intermediates.
    for (const c of ctx.pool) if (c !== cert) intermediates.push(c);
    const pathOptions: { -readonly [K in keyof ValidatePathOptions]: ValidatePathOptions[K] } = {
      trustAnchors: o.trustAnchors,
      intermediates,
      crls: embeddedCrls ? [...(o.crls ?? []), ...ctx.sd.crls] : o.crls,
      ocsp: o.ocsp,
      time: o.time,
      policy: o.policy,
      revocation: o.revocation,
      signal: o.signal,
    };
    if (o.context) pathOptions.context = o.context;
    if (o.pathOptions) Object.assign(pathOptions, o.pathOptions);
    if (o.algorithms?.allowSha1) pathOptions.algorithms = ALLOW_SHA1;
    // A cache hit comes back as the result itself: awaited only when validation had to run.
    const pending = o.pathCache
      ? o.pathCache.resolve(cert, pathOptions, () => ctx.validatePath(cert, pathOptions))
      : ctx.validatePath(cert, pathOptions);
    const result = pending instanceof Promise ? await pending : pending;
    const outcome = chainChecks(result);
    chain = outcome.chain;
    for (const c of outcome.checks) checks.push(c);
  } catch (e) {
    if (isShomeiError(e) && e.code === 'ABORTED') throw e;
    const code = isShomeiError(e) ? e.code : 'CMS_CHAIN_INDETERMINATE';
    checks.push({
      check: {
        name: 'chain',
        ok: false,
        code,
        detail: isShomeiError(e) ? e.message : 'path validation failed',
      },
      severity: 'indeterminate',
    });
  }
  const report = finish(
    { signer, jpki, signingTime, digestAlgorithm, signatureAlgorithm, chain, timestamp },
    checks,
  );
  return verified ? { report, certificate: cert } : { report };
}

/** Algorithm policy, signature value and signed attributes for one candidate certificate. */
async function signatureChecks(
  si: SignerInfo,
  cert: Certificate,
  digest: DigestName | undefined,
  sigHash: DigestName | undefined,
  keyType: 'RSA' | 'EC' | undefined,
  signatureAlgorithm: string,
  ctx: Context,
): Promise<{ checks: Check[]; verified: boolean }> {
  const checks: Check[] = [];
  const policyFail = policyFailure(digest, sigHash, keyType, cert, si, ctx.options.algorithms ?? {});
  if (policyFail) return { checks: [policyFail], verified: false };
  checks.push(
    pass('algorithm', `${signatureAlgorithm}${cert.rsaModulusBits ? `, RSA-${cert.rsaModulusBits}` : ''}`),
  );
  // Refused (and reported) before any candidate is tried: see verifySignerCertificate.
  if (si.signedAttrsNotDer) return { checks, verified: false };
  await cryptoChecks(si, cert, digest as HashAlgorithmName, sigHash as HashAlgorithmName, ctx, checks);
  let verified = false;
  for (const c of checks) if (c.check.name === 'signature' && c.check.ok) verified = true;
  return { checks, verified };
}

async function cryptoChecks(
  si: SignerInfo,
  cert: Certificate,
  digest: HashAlgorithmName,
  sigHash: HashAlgorithmName,
  ctx: Context,
  checks: Check[],
): Promise<void> {
  const data = si.signedAttrsDer ?? ctx.contentBytes;
  if (!data) {
    checks.push(
      fail('signature', 'CMS_CONTENT_MISSING', 'the signature is detached and no content was given'),
    );
    return;
  }
  let ok: boolean;
  try {
    ok = ctx.options.verifier
      ? await ctx.options.verifier(cert, sigHash, si.signature, data)
      : await verifySignerSignature(cert, sigHash, si.signature, data, ctx.options.context);
  } catch (e) {
    checks.push(
      fail(
        'signature',
        isShomeiError(e) ? e.code : 'CMS_ALGORITHM_UNSUPPORTED',
        isShomeiError(e) ? e.message : 'the key could not be used',
      ),
    );
    return;
  }
  checks.push(
    ok
      ? pass('signature')
      : fail(
          'signature',
          'CMS_SIGNATURE_INVALID',
          'the signature value does not verify with the signer certificate',
        ),
  );
  if (!si.signedAttrs) {
    // RFC 5652 §5.4: without signed attributes the signature covers the content itself.
    checks.push(pass('messageDigest', 'no signed attributes: the signature covers the content'));
    return;
  }
  const computed = ctx.digests.get(digest);
  if (ctx.contentMissing || !computed) {
    checks.push(
      fail('messageDigest', 'CMS_CONTENT_MISSING', 'the signature is detached and no content was given'),
    );
  } else {
    const r = checkMessageDigest(si.signedAttrs, computed);
    checks.push(r.ok ? pass('messageDigest', r.detail) : fail('messageDigest', r.code, r.detail));
  }
  const ct = checkContentType(si.signedAttrs, ctx.sd.contentType);
  checks.push(ct.ok ? pass('contentType', ct.detail) : fail('contentType', ct.code, ct.detail));
  const sc = await checkSigningCertificate(si.signedAttrs, cert);
  checks.push(sc.ok ? pass('signingCertificate', sc.detail) : fail('signingCertificate', sc.code, sc.detail));
}

function parseCertificates(list: readonly Uint8Array[]): Certificate[] {
  const out: Certificate[] = [];
  for (const der of list) {
    try {
      out.push(parseCertificate(der));
    } catch {
      // An unreadable embedded certificate is skipped; the signer lookup reports what is missing.
    }
  }
  return out;
}

const toCertificate = (c: CertificateInput): Certificate | undefined => {
  try {
    return c instanceof Uint8Array ? parseCertificate(c) : c;
  } catch {
    return undefined;
  }
};

/** Whether `given` holds exactly `encapsulated` (length, then a SHA-256 over a stream of any size). */
async function sameContent(
  encapsulated: Uint8Array,
  given: ContentInput,
  options: VerifyCmsOptions,
): Promise<boolean> {
  if (given instanceof Uint8Array) return bytesEqual(given, encapsulated);
  const [a, b] = await Promise.all([
    hashContentMulti(given, ['SHA-256'], { hasher: options.hasher, signal: options.signal }),
    hashContentMulti(encapsulated, ['SHA-256'], { hasher: options.hasher }),
  ]);
  return a.length === b.length && bytesEqual(a.digests.get('SHA-256')!, b.digests.get('SHA-256')!);
}

/**
 * Verifies a CMS SignedData (DER or PEM) at one time (`options.time`) and reports every signer.
 * Throws only for unusable options (no trust anchors) and aborts; problems with the signature or its
 * content are in the report. The public `verifyCms` (verify-cms.ts) adds the long-term mode on top.
 */
export async function verifyCms(signed: Uint8Array, options: VerifyCmsOptions): Promise<ValidationReport> {
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0) {
    throw coreError('INPUT_INVALID', 'verifyCms needs at least one trust anchor (options.trustAnchors).');
  }
  throwIfAborted(options.signal);
  let sd: SignedData;
  try {
    // DER starts with SEQUENCE; only other input needs the PEM sniffing.
    sd = parseSignedData(signed[0] === 0x30 ? signed : derObjects(signed, ['CMS', 'PKCS7'])[0]!, {
      maxSigners: options.maxSigners ?? DEFAULT_MAX_SIGNERS,
    });
  } catch (e) {
    return unreadable(e);
  }
  return verifySignedData(sd, options);
}

/**
 * verifyCms on an already parsed SignedData: long-term validation hands down the structures it has
 * parsed once (without the evidence it judges itself) instead of encoding and parsing them again.
 */
export async function verifySignedData(sd: SignedData, options: VerifyCmsOptions): Promise<ValidationReport> {
  if (sd.signerInfos.length === 0) {
    return unreadable(coreError('CMS_NO_SIGNERS'));
  }
  const pool = parseCertificates(sd.certificates);
  if (options.intermediates) {
    for (const c of options.intermediates) {
      const cert = toCertificate(c);
      if (cert) pool.push(cert);
    }
  }
  const content = sd.content ?? options.content;
  // RFC 5652 §5.2: an attached signature covers its eContent. Content given beside it must be the
  // same bytes, or the caller would be shown a verdict about a document the signature does not cover.
  const contentMismatch =
    sd.content !== undefined &&
    options.content !== undefined &&
    !(await sameContent(sd.content, options.content, options));
  const needed: HashAlgorithmName[] = [];
  let needBytes = false;
  for (const si of sd.signerInfos) {
    const d = DIGEST_BY_OID[si.digestAlgorithm.oid];
    if (si.signedAttrs && d && d !== 'MD5' && !needed.includes(d)) needed.push(d);
    if (!si.signedAttrs) needBytes = true;
  }
  let digests = new Map<HashAlgorithmName, Uint8Array>();
  let contentBytes: Uint8Array | undefined;
  if (content !== undefined) {
    const hashed = await hashContentMulti(content, needed, {
      keep: needBytes,
      hasher: options.hasher,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    digests = hashed.digests;
    contentBytes = hashed.bytes;
  }
  const validatePath = options.validatePath ?? defaultValidatePath;
  const ctx: Context = {
    sd,
    pool,
    digests,
    contentBytes,
    contentMissing: content === undefined,
    contentMismatch,
    inToken: false,
    options,
    validatePath,
  };
  const reports: SignerReport[] = [];
  for (const si of sd.signerInfos) {
    try {
      reports.push((await verifySignerCertificate(si, ctx)).report);
    } catch (e) {
      // Whatever a malformed SignerInfo still throws becomes an indeterminate signer, not a crash.
      if (isShomeiError(e) && e.code === 'ABORTED') throw e;
      reports.push(unreadable(isShomeiError(e) ? e : coreError('CMS_MALFORMED', undefined, { cause: e })));
    }
  }
  let decisive = reports[0]!;
  for (const r of reports) if (RANK[r.verdict] > RANK[decisive.verdict]) decisive = r;
  return reports.length > 1 ? { ...decisive, signers: reports } : decisive;
}

/**
 * Past-time validation, format-neutral (ETSI EN 319 102-1 §5.5–5.6, simplified as docs/long-term-
 * validation.md explains). The format adapter (CAdES here; XAdES and PAdES alike) hands over the
 * timestamps it found, each already checked for what it covers and for its signature and TSA chain
 * at its genTime, the validation material, and a way to check the signature at a given time.
 *
 * Timestamps are taken newest first. The newest is proven to exist at the validation time; each one
 * that can be trusted and covers the earlier evidence (an archive or document timestamp) becomes the
 * proof of existence of everything older. A timestamp is trusted when its TSA chain was valid at its
 * genTime, no certificate of it was revoked before the token is proven to exist, the chain had not
 * expired by then, its algorithms were still trusted then, and revocation data issued after its
 * genTime says so. The earliest trusted timestamp fixes the time T at which the signature is judged
 * with the same rules; revocation after T does not matter.
 */
import { throwIfAborted } from '../errors.js';
import type { ReportCheck, ReportJpkiIdentity, Verdict } from '../report/types.js';
import type { Certificate } from '../x509/certificate.js';
import { contextSlot, defaultContext, type ShomeiContext } from '../x509/context.js';
import { namesMatch } from '../x509/name.js';
import {
  type EvidenceCertificate,
  type LongTermReport,
  LTV_INDICATION,
  type LtvReason,
  type PoeKind,
  type TimestampEvidence,
} from './evidence.js';
import type { EvidenceMaterial } from './material.js';
import { type MaterialSources, type RevocationFinding, revocationAt, sourcesOf } from './revocation-at.js';
import type { TokenCheck } from './token.js';

export interface TimestampInput {
  readonly kind: Exclude<PoeKind, 'validation-time'>;
  readonly genTime: Date;
  readonly hashAlgorithm: string;
  /** What the token covers was checked, and its signature and chain at genTime (see token.ts). */
  readonly check: TokenCheck;
  /** Algorithm names used by the token, for `algorithmExpiry` (e.g. `SHA-256`, `RSA-2048`). */
  readonly algorithms: readonly string[];
}

export type SignatureAtTime =
  | {
      readonly ok: true;
      readonly path: readonly Certificate[];
      readonly checks: readonly ReportCheck[];
      readonly algorithms: readonly string[];
    }
  | {
      readonly ok: false;
      readonly code: LtvReason;
      readonly detail: string;
      readonly path: readonly Certificate[];
      readonly checks: readonly ReportCheck[];
      readonly algorithms: readonly string[];
    };

export interface PastValidationInput {
  /** The crypto backend and caches of the path and revocation checks. Default: `defaultContext`. */
  readonly context?: ShomeiContext;
  readonly now: Date;
  readonly level: LongTermReport['level'];
  readonly signer: { readonly subject: string; readonly jpki?: ReportJpkiIdentity };
  readonly claimedSigningTime?: Date;
  readonly timestamps: readonly TimestampInput[];
  readonly material: EvidenceMaterial;
  /** `material`'s revocation data already parsed (sourcesOf), when the caller holds it. */
  readonly sources?: MaterialSources;
  readonly anchors: readonly Certificate[];
  /** Checks the signature (value, content digest, attributes, chain without revocation) at time t. */
  signatureAt(t: Date): Promise<SignatureAtTime>;
  /** Dates from which an algorithm is no longer trusted, by name (`SHA-1`, `RSA-1024`, …). */
  readonly algorithmExpiry?: Readonly<Record<string, Date>>;
  readonly signal?: AbortSignal;
}

type Failure = { readonly code: LtvReason; readonly detail: string };

const iso = (d: Date) => d.toISOString();

/** A certificate as the report describes it; the texts are written once per context. */
type Described = Omit<EvidenceCertificate, 'revocation'>;
const DESCRIBED = contextSlot<WeakMap<Certificate, readonly [Described, Described]>>(
  'long-term: certificates described',
);

/** What every chain judged in one validation shares: the parsed material and the certificate pool. */
interface Shared {
  readonly input: PastValidationInput;
  readonly described: WeakMap<Certificate, readonly [Described, Described]>;
  sources?: MaterialSources;
  candidates?: readonly Certificate[];
  /**
   * Revocation findings of this validation, per certificate, issuer and time: a CA shared by the
   * signer's and a TSA's chain, or two timestamps of the same second, are judged once per validation.
   */
  readonly findings: Map<Certificate, Map<Certificate, Map<number, Promise<RevocationFinding>>>>;
}

function describe(c: Certificate, anchor: boolean, shared: Shared): Described {
  let d = shared.described.get(c);
  if (!d) {
    const base = {
      subject: c.subject.text,
      issuer: c.issuer.text,
      serial: c.serialHex,
      notBefore: iso(c.notBefore),
      notAfter: iso(c.notAfter),
    };
    d = [Object.freeze({ ...base, trustAnchor: false }), Object.freeze({ ...base, trustAnchor: true })];
    shared.described.set(c, d);
  }
  return d[anchor ? 1 : 0];
}

/**
 * Judges a chain at time `t` for an object proven to exist at `provenAt` (≥ t). For the signature
 * itself provenAt = t; `timeIsProof` says whether t comes from a timestamp (else it is "now").
 */
async function judgeChain(
  path: readonly Certificate[],
  t: Date,
  provenAt: Date,
  role: 'signer' | 'tsa',
  timeIsProof: boolean,
  shared: Shared,
): Promise<{ chain: EvidenceCertificate[]; failure?: Failure; warnings: string[] }> {
  const input = shared.input;
  const chain: EvidenceCertificate[] = [];
  const warnings: string[] = [];
  let failure: Failure | undefined;
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    const cert = path[i]!;
    const anchor =
      i === last &&
      input.anchors.some(
        (a) => a === cert || (a.serialHex === cert.serialHex && namesMatch(a.subject, cert.subject)),
      );
    if (anchor) {
      chain.push(describe(cert, true, shared));
      continue;
    }
    const who = `"${cert.subject.text}"`;
    if (provenAt > cert.notAfter) {
      failure ??= {
        code: 'OUT_OF_BOUNDS_NO_POE',
        detail: `${who} expired at ${iso(cert.notAfter)} and the ${role === 'tsa' ? 'timestamp' : 'signature'} is proven to exist only at ${iso(provenAt)}`,
      };
    }
    const issuer = path[i + 1];
    if (!issuer) {
      chain.push(describe(cert, false, shared));
      failure ??= { code: 'NO_CERTIFICATE_CHAIN_FOUND', detail: `no issuer of ${who} in the material` };
      continue;
    }
    shared.sources ??= sourcesOf(input.material, input.context);
    shared.candidates ??= [...input.material.certificates, ...input.anchors];
    let byIssuer = shared.findings.get(cert);
    if (!byIssuer) {
      byIssuer = new Map();
      shared.findings.set(cert, byIssuer);
    }
    let byTime = byIssuer.get(issuer);
    if (!byTime) {
      byTime = new Map();
      byIssuer.set(issuer, byTime);
    }
    let pending = byTime.get(t.getTime());
    if (!pending) {
      pending = revocationAt(
        cert,
        issuer,
        t,
        input.material,
        shared.candidates,
        input.context,
        shared.sources,
      );
      byTime.set(t.getTime(), pending);
    }
    const found = await pending;
    const d = found.decisive;
    const described = describe(cert, false, shared);
    chain.push(d ? { ...described, revocation: d } : described);
    if (d?.status === 'revoked') {
      const at = `${who} was revoked${d.reason ? ` (${d.reason})` : ''} at ${d.revokedAt}, before ${iso(t)}`;
      if (i > 0) failure ??= { code: 'REVOKED_CA_NO_POE', detail: at };
      else if (role === 'signer' && timeIsProof)
        failure ??= { code: 'REVOKED', detail: `${at}, the earliest proof that the signature existed` };
      else
        failure ??= {
          code: 'REVOKED_NO_POE',
          detail: `${at}, and nothing proves the ${role === 'tsa' ? 'timestamp' : 'signature'} existed earlier`,
        };
      continue;
    }
    if (role === 'tsa' && found.revokedAt && found.revokedAt <= provenAt) {
      // The TSA key may have been compromised before the token is proven to exist: it could be backdated.
      failure ??= {
        code: 'REVOKED_NO_POE',
        detail: `${who} was revoked at ${iso(found.revokedAt)}, before the timestamp is proven to exist (${iso(provenAt)})`,
      };
      continue;
    }
    if (!d) {
      failure ??= {
        code: 'TRY_LATER',
        detail: `no revocation data for ${who}${found.problems.length ? ` (${found.problems.join('; ')})` : ''}`,
      };
    } else if (!d.fresh) {
      failure ??= {
        code: 'TRY_LATER',
        detail: `the newest revocation data for ${who} was issued at ${d.issuedAt}, before ${iso(t)}: it gives no freshness for that time`,
      };
    } else if (found.revokedAt) {
      warnings.push(
        `${who} was revoked at ${iso(found.revokedAt)}, after ${iso(t)}: this does not affect the result`,
      );
    }
  }
  return failure ? { chain, failure, warnings } : { chain, warnings };
}

function sunset(algorithms: readonly string[], at: Date, input: PastValidationInput): Failure | undefined {
  for (const a of algorithms) {
    const until = input.algorithmExpiry?.[a];
    if (until && until <= at) {
      return {
        code: 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
        detail: `${a} is trusted only until ${iso(until)} and nothing proves existence before ${iso(at)}`,
      };
    }
  }
  return undefined;
}

const VERDICT: Readonly<Record<string, Verdict>> = {
  'TOTAL-PASSED': 'valid',
  'TOTAL-FAILED': 'invalid',
  INDETERMINATE: 'indeterminate',
};

/** Runs past-time validation; see the module comment. */
export async function validatePast(input: PastValidationInput): Promise<LongTermReport> {
  // The material's revocation data, parsed once for every certificate asked about.
  const shared: Shared = {
    input,
    ...(input.sources ? { sources: input.sources } : {}),
    described: (input.context ?? defaultContext).slot(DESCRIBED, () => new WeakMap()),
    findings: new Map(),
  };
  const sorted = [...input.timestamps].sort((a, b) => b.genTime.getTime() - a.genTime.getTime());
  let poe = input.now;
  const evidence: TimestampEvidence[] = [];
  const warnings: string[] = [];
  let best: { time: Date; kind: Exclude<PoeKind, 'validation-time'> } | undefined;
  for (const ts of sorted) {
    throwIfAborted(input.signal);
    const provenAt = poe;
    const base = {
      kind: ts.kind,
      time: iso(ts.genTime),
      authority: ts.check.authority,
      hashAlgorithm: ts.hashAlgorithm,
      provenAt: iso(provenAt),
    };
    let failure: Failure | undefined = ts.check.ok
      ? undefined
      : { code: ts.check.code, detail: ts.check.detail };
    let chain: EvidenceCertificate[] | undefined;
    if (!failure) failure = sunset(ts.algorithms, provenAt, input);
    if (!failure) {
      const judged = await judgeChain(ts.check.path, ts.genTime, provenAt, 'tsa', true, shared);
      chain = judged.chain;
      failure = judged.failure;
      if (judged.warnings.length) warnings.push(...judged.warnings);
    }
    chain ??= ts.check.path.map((c) => describe(c, false, shared));
    if (failure) {
      evidence.push({ ...base, chain, ok: false, code: failure.code, detail: failure.detail });
      continue;
    }
    evidence.push({ ...base, chain, ok: true });
    if (!best || ts.genTime < best.time) best = { time: ts.genTime, kind: ts.kind };
    if (ts.kind !== 'signature-timestamp') poe = ts.genTime;
  }
  const T = best?.time ?? input.now;
  const sig = await input.signatureAt(T);
  let failure: Failure | undefined = sig.ok ? undefined : { code: sig.code, detail: sig.detail };
  if (!failure) failure = sunset(sig.algorithms, T, input);
  let chain: EvidenceCertificate[] | undefined;
  if (!failure) {
    const judged = await judgeChain(sig.path, T, T, 'signer', best !== undefined, shared);
    chain = judged.chain;
    failure = judged.failure;
    if (judged.warnings.length) warnings.push(...judged.warnings);
  }
  chain ??= sig.path.map((c, i) => describe(c, i === sig.path.length - 1, shared));
  if (!best && input.timestamps.length > 0)
    warnings.push('no timestamp could be trusted: the signature was judged at the validation time');
  const indication = failure ? LTV_INDICATION[failure.code] : 'TOTAL-PASSED';
  const proof = best
    ? `the ${best.kind.replace('-', ' ')} of ${iso(best.time)}`
    : 'no timestamp (judged at the validation time)';
  const message = failure
    ? `${failure.code}: ${failure.detail}.`
    : `The signature was valid at ${iso(T)}, proven by ${proof}.`;
  return {
    verdict: VERDICT[indication]!,
    indication,
    ...(failure ? { code: failure.code } : {}),
    message,
    level: input.level,
    signer: input.signer,
    ...(input.claimedSigningTime ? { claimedSigningTime: iso(input.claimedSigningTime) } : {}),
    proofOfExistence: { kind: best?.kind ?? 'validation-time', time: iso(T) },
    chain,
    timestamps: evidence,
    checks: sig.checks,
    warnings,
  };
}

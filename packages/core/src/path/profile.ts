/**
 * The RFC 5280 certificate profile that a conforming CA MUST follow, as data (style.md: the profile as
 * a table, as pyca does). Each rule has its own error code; `relaxable` rules are not checked under
 * `profile: 'lenient'`. Rules that keep a name or an extension unambiguous (duplicate extensions,
 * malformed subjectAltName) are never relaxed.
 */
import { bytesEqual } from '../der/bytes.js';
import type { Certificate } from '../x509/certificate.js';
import { EXT_OID } from '../x509/oids.js';
import { generalNameProblem } from './name-constraints.js';
import type { CertificateErrorCode, ValidationProfile } from './types.js';

/** Where a certificate sits in the path, for the rules that depend on it. */
export interface ProfileContext {
  /** The certificate issued it to itself and its key verifies its own signature. */
  readonly selfSigned: boolean;
}

interface ProfileRule {
  readonly code: CertificateErrorCode;
  readonly rfc: string;
  readonly relaxable: boolean;
  /** A description of the violation, or undefined when the certificate follows the rule. */
  readonly check: (c: Certificate, ctx: ProfileContext) => string | undefined;
}

/** The extension with this OID (a plain loop: the rules look up several per certificate). */
function ext(c: Certificate, oid: string): Certificate['extensions'][number] | undefined {
  for (const e of c.extensions) if (e.oid === oid) return e;
  return undefined;
}
const isCa = (c: Certificate) => c.basicConstraints?.ca === true;
/** Dates through 2049 MUST be UTCTime (tag 0x17), dates from 2050 GeneralizedTime (§4.1.2.5). */
const wrongTimeType = (d: Date, tag: number) => d.getUTCFullYear() < 2050 !== (tag === 0x17);

export const PROFILE_RULES: readonly ProfileRule[] = [
  {
    code: 'CERT_DUPLICATE_EXTENSION',
    rfc: '§4.2',
    relaxable: false,
    check: (c) =>
      c.duplicateExtensions
        ? `extension ${c.duplicateExtensions.join(', ')} appears more than once`
        : undefined,
  },
  {
    code: 'CERT_SAN_MALFORMED',
    rfc: '§4.2.1.6',
    relaxable: false,
    check: (c) => {
      if (!c.subjectAltName) return undefined;
      if (c.subjectAltName.length === 0) return 'subjectAltName is empty (GeneralNames is SIZE (1..MAX))';
      for (const g of c.subjectAltName) {
        const p = generalNameProblem(g);
        if (p) return p;
      }
      return undefined;
    },
  },
  {
    code: 'CERT_SERIAL_INVALID',
    rfc: '§4.1.2.2',
    relaxable: true,
    check: (c) => {
      const s = c.serial;
      if (s.length > 20) return `serial number of ${s.length} octets (at most 20)`;
      if ((s[0]! & 0x80) !== 0) return 'serial number is negative';
      if (s.every((b) => b === 0)) return 'serial number is zero';
      return undefined;
    },
  },
  {
    code: 'CERT_AKI_MISSING',
    rfc: '§4.2.1.1',
    relaxable: true,
    check: (c, ctx) =>
      ctx.selfSigned || c.authorityKeyIdentifier?.keyIdentifier
        ? undefined
        : 'no authorityKeyIdentifier keyIdentifier in a certificate that is not self-signed',
  },
  {
    code: 'CERT_AKI_CRITICAL',
    rfc: '§4.2.1.1',
    relaxable: true,
    check: (c) =>
      ext(c, EXT_OID.authorityKeyIdentifier)?.critical ? 'authorityKeyIdentifier is critical' : undefined,
  },
  {
    code: 'CERT_SKI_MISSING',
    rfc: '§4.2.1.2',
    relaxable: true,
    check: (c) =>
      isCa(c) && !c.subjectKeyIdentifier ? 'CA certificate without subjectKeyIdentifier' : undefined,
  },
  {
    code: 'CERT_SKI_CRITICAL',
    rfc: '§4.2.1.2',
    relaxable: true,
    check: (c) =>
      ext(c, EXT_OID.subjectKeyIdentifier)?.critical ? 'subjectKeyIdentifier is critical' : undefined,
  },
  {
    code: 'CERT_CA_SUBJECT_EMPTY',
    rfc: '§4.1.2.6',
    relaxable: true,
    check: (c) =>
      isCa(c) && c.subject.rdns.length === 0 ? 'CA certificate with an empty subject' : undefined,
  },
  {
    code: 'CERT_KEY_CERT_SIGN_NOT_CA',
    rfc: '§4.2.1.3',
    relaxable: true,
    check: (c) =>
      c.keyUsage?.keyCertSign && !isCa(c)
        ? 'keyCertSign asserted without basicConstraints cA=TRUE'
        : undefined,
  },
  {
    code: 'CERT_EKU_EMPTY',
    rfc: '§4.2.1.12',
    relaxable: true,
    check: (c) => (c.extKeyUsage && c.extKeyUsage.length === 0 ? 'extKeyUsage lists no purpose' : undefined),
  },
  {
    code: 'CERT_POLICY_CONSTRAINTS_NOT_CRITICAL',
    rfc: '§4.2.1.11',
    relaxable: true,
    check: (c) => {
      const e = ext(c, EXT_OID.policyConstraints);
      return e && !e.critical ? 'policyConstraints is not critical' : undefined;
    },
  },
  {
    code: 'CERT_NAME_CONSTRAINTS_NOT_CA',
    rfc: '§4.2.1.10',
    relaxable: true,
    check: (c) =>
      c.nameConstraints && !isCa(c) ? 'nameConstraints in a certificate that is not a CA' : undefined,
  },
  {
    code: 'CERT_ISSUER_EMPTY',
    rfc: '§4.1.2.4',
    relaxable: true,
    check: (c) => (c.issuer.rdns.length === 0 ? 'the issuer name is empty' : undefined),
  },
  {
    code: 'CERT_VALIDITY_ENCODING',
    rfc: '§4.1.2.5',
    relaxable: true,
    check: (c) => {
      if (wrongTimeType(c.notBefore, c.validityTags[0]))
        return 'notBefore is not encoded as RFC 5280 requires for its year';
      if (wrongTimeType(c.notAfter, c.validityTags[1]))
        return 'notAfter is not encoded as RFC 5280 requires for its year';
      return undefined;
    },
  },
  {
    code: 'CERT_BASIC_CONSTRAINTS_NOT_CRITICAL',
    rfc: '§4.2.1.9',
    relaxable: true,
    check: (c) =>
      isCa(c) && !ext(c, EXT_OID.basicConstraints)?.critical
        ? 'basicConstraints of a CA certificate is not critical'
        : undefined,
  },
  {
    code: 'CERT_PATH_LEN_NOT_CA',
    rfc: '§4.2.1.9',
    relaxable: true,
    check: (c) =>
      c.basicConstraints?.pathLenConstraint !== undefined && !(isCa(c) && c.keyUsage?.keyCertSign !== false)
        ? 'pathLenConstraint without cA=TRUE and keyCertSign'
        : undefined,
  },
  {
    code: 'CERT_CA_KEY_USAGE_MISSING',
    rfc: '§4.2.1.3',
    relaxable: true,
    check: (c) => (isCa(c) && !c.keyUsage ? 'CA certificate without keyUsage' : undefined),
  },
  {
    code: 'CERT_KEY_USAGE_EMPTY',
    rfc: '§4.2.1.3',
    relaxable: true,
    check: (c) =>
      c.keyUsage && !Object.values(c.keyUsage).some(Boolean) ? 'keyUsage has no bit set' : undefined,
  },
  {
    code: 'CERT_NAME_CONSTRAINTS_NOT_CRITICAL',
    rfc: '§4.2.1.10',
    relaxable: true,
    check: (c) =>
      ext(c, EXT_OID.nameConstraints)?.critical === false ? 'nameConstraints is not critical' : undefined,
  },
  {
    code: 'CERT_SAN_NOT_CRITICAL',
    rfc: '§4.2.1.6',
    relaxable: true,
    check: (c) => {
      if (c.subject.rdns.length > 0) return undefined;
      const san = ext(c, EXT_OID.subjectAltName);
      if (!san) return 'empty subject and no subjectAltName';
      return san.critical ? undefined : 'empty subject and a non-critical subjectAltName';
    },
  },
  {
    code: 'CERT_AIA_CRITICAL',
    rfc: '§4.2.2.1',
    relaxable: true,
    check: (c) =>
      ext(c, EXT_OID.authorityInfoAccess)?.critical ? 'authorityInfoAccess is critical' : undefined,
  },
];

export interface ProfileViolation {
  readonly code: CertificateErrorCode;
  readonly detail: string;
}

// The result depends only on the certificate and the two flags: cached, as repeated chains are the
// common case for a portal. Module-level on purpose: a memo of a pure function of a parsed object of
// core's own (never a caller's buffer), held weakly, so it adds no lifetime and cannot answer for
// other data. One slot per flag combination (see `slot`), no key string per lookup.
const cache = new WeakMap<Certificate, (readonly ProfileViolation[] | undefined)[]>();
const slot = (ctx: ProfileContext, profile: ValidationProfile): number =>
  (profile === 'lenient' ? 2 : 0) + (ctx.selfSigned ? 1 : 0);

/** The profile rules `cert` breaks under `profile`. */
export function checkProfile(
  cert: Certificate,
  ctx: ProfileContext,
  profile: ValidationProfile,
): readonly ProfileViolation[] {
  const k = slot(ctx, profile);
  let slots = cache.get(cert);
  const hit = slots?.[k];
  if (hit) return hit;
  const out = evaluate(cert, ctx, profile);
  if (!slots) {
    slots = [undefined, undefined, undefined, undefined];
    cache.set(cert, slots);
  }
  slots[k] = out;
  return out;
}

function evaluate(cert: Certificate, ctx: ProfileContext, profile: ValidationProfile): ProfileViolation[] {
  const out: ProfileViolation[] = [];
  for (const rule of PROFILE_RULES) {
    if (profile === 'lenient' && rule.relaxable) continue;
    const problem = rule.check(cert, ctx);
    if (problem) out.push({ code: rule.code, detail: `${problem} (RFC 5280 ${rule.rfc})` });
  }
  return out;
}

/** Self-signed: self-issued and verified by its own key (RFC 5280 §3.2), judged by the issuer found. */
export const isSelfSigned = (cert: Certificate, issuer: Certificate): boolean =>
  cert.selfIssued && bytesEqual(cert.spki, issuer.spki);

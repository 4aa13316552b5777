/** Decoders for the certificate extensions of RFC 5280 §4.2. Each takes the extnValue contents. */
import {
  children,
  contentsOf,
  encodingOf,
  expectTag,
  readBitString,
  readBoolean,
  readOid,
  readRoot,
  readSmallInteger,
  Tag,
  type Tlv,
} from '../der/reader.js';
import { coreError } from '../errors.js';
import { type GeneralName, parseGeneralNameAt, parseGeneralNamesAt } from './general-name.js';
import { type NameAttribute, parseRdnAt } from './name.js';

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** extnValue contents (the DER of the extension's own structure). */
  readonly value: Uint8Array;
}

export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLenConstraint?: number;
}

/** RFC 5280 §4.2.1.3 bit order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];
export type KeyUsage = Readonly<Record<KeyUsageName, boolean>>;

export interface AuthorityKeyIdentifier {
  readonly keyIdentifier?: Uint8Array;
  readonly authorityCertIssuer?: readonly GeneralName[];
  readonly authorityCertSerialNumber?: Uint8Array;
}

export interface PolicyInformation {
  readonly policyId: string;
  /** DER of the policyQualifiers SEQUENCE, when present. */
  readonly qualifiers?: Uint8Array;
}

export interface PolicyMapping {
  readonly issuerDomainPolicy: string;
  readonly subjectDomainPolicy: string;
}

export interface PolicyConstraints {
  readonly requireExplicitPolicy?: number;
  readonly inhibitPolicyMapping?: number;
}

export interface GeneralSubtree {
  readonly base: GeneralName;
  readonly minimum: number;
  readonly maximum?: number;
}

export interface NameConstraints {
  readonly permittedSubtrees?: readonly GeneralSubtree[];
  readonly excludedSubtrees?: readonly GeneralSubtree[];
}

export type DistributionPointName =
  | { readonly type: 'fullName'; readonly names: readonly GeneralName[] }
  | {
      readonly type: 'nameRelativeToCRLIssuer';
      readonly rdn: readonly NameAttribute[];
      /** The RDN re-encoded as a DER SET (for `appendRdn`). */
      readonly rdnSet: Uint8Array;
      readonly der: Uint8Array;
    };

/** RFC 5280 §5.3.1 ReasonFlags bit order (bit 0 unused). */
export const REASON_FLAG_BITS = [
  'unused',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
] as const;

export interface DistributionPoint {
  readonly distributionPoint?: DistributionPointName;
  /** Bit mask over REASON_FLAG_BITS (bit i = 1 << i); undefined means all reasons. */
  readonly reasons?: number;
  readonly cRLIssuer?: readonly GeneralName[];
}

export interface AccessDescription {
  readonly method: string;
  readonly location: GeneralName;
}

const malformed = (what: string) => coreError('DER_MALFORMED', `Malformed ${what} extension.`);

const root = (v: Uint8Array, what: string): Tlv => {
  const r = readRoot(v);
  if (r.tag !== Tag.SEQUENCE) throw malformed(what);
  return r;
};

/** Unsigned value of an implicitly tagged INTEGER's contents. */
export function implicitUint(bytes: Uint8Array, tlv: Tlv): number {
  const v = contentsOf(bytes, tlv);
  if (v.length === 0 || v.length > 6 || (v[0]! & 0x80) !== 0)
    throw coreError('DER_MALFORMED', 'Bad INTEGER.');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/** A BIT STRING (possibly implicitly tagged) as a number with bit i (from the MSB of octet 0) = 1 << i. */
export function bitMask(bytes: Uint8Array, tlv: Tlv): number {
  const v = contentsOf(bytes, tlv);
  if (v.length === 0 || v[0]! > 7) throw coreError('DER_MALFORMED', 'Bad BIT STRING.');
  let mask = 0;
  for (let i = 1; i < v.length && i <= 4; i++) {
    for (let b = 0; b < 8; b++) if (v[i]! & (0x80 >> b)) mask |= 1 << ((i - 1) * 8 + b);
  }
  return mask >>> 0;
}

export function parseBasicConstraints(v: Uint8Array): BasicConstraints {
  const r = root(v, 'basicConstraints');
  let ca = false;
  let pathLenConstraint: number | undefined;
  for (const c of children(v, r)) {
    if (c.tag === Tag.BOOLEAN) ca = readBoolean(v, c);
    else if (c.tag === Tag.INTEGER) {
      pathLenConstraint = readSmallInteger(v, c);
      if (pathLenConstraint < 0) throw malformed('basicConstraints');
    } else throw malformed('basicConstraints');
  }
  return pathLenConstraint === undefined ? { ca } : { ca, pathLenConstraint };
}

export function parseKeyUsage(v: Uint8Array): KeyUsage {
  const r = readRoot(v);
  readBitString(v, r);
  const mask = bitMask(v, r);
  const out = {} as Record<KeyUsageName, boolean>;
  KEY_USAGE_BITS.forEach((name, i) => {
    out[name] = (mask & (1 << i)) !== 0;
  });
  return out;
}

export function parseOidSequence(v: Uint8Array, what: string): string[] {
  return children(v, root(v, what)).map((c) => readOid(v, c));
}

export function parseOctetString(v: Uint8Array): Uint8Array {
  const r = expectTag(readRoot(v), Tag.OCTET_STRING, 'OCTET STRING');
  return contentsOf(v, r);
}

export function parseAuthorityKeyIdentifier(v: Uint8Array): AuthorityKeyIdentifier {
  const out: { -readonly [K in keyof AuthorityKeyIdentifier]: AuthorityKeyIdentifier[K] } = {};
  for (const c of children(v, root(v, 'authorityKeyIdentifier'))) {
    if (c.tag === 0x80) out.keyIdentifier = contentsOf(v, c);
    else if (c.tag === 0xa1) out.authorityCertIssuer = parseGeneralNamesAt(v, c);
    else if (c.tag === 0x82) out.authorityCertSerialNumber = contentsOf(v, c);
    else throw malformed('authorityKeyIdentifier');
  }
  return out;
}

export function parseGeneralNames(v: Uint8Array): GeneralName[] {
  return parseGeneralNamesAt(v, root(v, 'GeneralNames'));
}

export function parseCertificatePolicies(v: Uint8Array): PolicyInformation[] {
  const seen = new Set<string>();
  return children(v, root(v, 'certificatePolicies')).map((pi) => {
    const [id, q] = children(v, expectTag(pi, Tag.SEQUENCE, 'PolicyInformation'));
    if (!id) throw malformed('certificatePolicies');
    const policyId = readOid(v, id);
    // RFC 5280 §4.2.1.4: a policy OID must not appear more than once.
    if (seen.has(policyId)) throw malformed('certificatePolicies (duplicate policy)');
    seen.add(policyId);
    return q ? { policyId, qualifiers: encodingOf(v, q) } : { policyId };
  });
}

export function parsePolicyMappings(v: Uint8Array): PolicyMapping[] {
  return children(v, root(v, 'policyMappings')).map((m) => {
    const [a, b] = children(v, expectTag(m, Tag.SEQUENCE, 'PolicyMapping'));
    if (!a || !b) throw malformed('policyMappings');
    return { issuerDomainPolicy: readOid(v, a), subjectDomainPolicy: readOid(v, b) };
  });
}

export function parsePolicyConstraints(v: Uint8Array): PolicyConstraints {
  const out: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } = {};
  for (const c of children(v, root(v, 'policyConstraints'))) {
    if (c.tag === 0x80) out.requireExplicitPolicy = implicitUint(v, c);
    else if (c.tag === 0x81) out.inhibitPolicyMapping = implicitUint(v, c);
    else throw malformed('policyConstraints');
  }
  return out;
}

export function parseInhibitAnyPolicy(v: Uint8Array): number {
  const n = readSmallInteger(v, readRoot(v));
  if (n < 0) throw malformed('inhibitAnyPolicy');
  return n;
}

function parseSubtrees(v: Uint8Array, tlv: Tlv): GeneralSubtree[] {
  return children(v, tlv).map((st) => {
    const parts = children(v, expectTag(st, Tag.SEQUENCE, 'GeneralSubtree'));
    if (!parts[0]) throw malformed('nameConstraints');
    let minimum = 0;
    let maximum: number | undefined;
    for (const p of parts.slice(1)) {
      if (p.tag === 0x80) minimum = implicitUint(v, p);
      else if (p.tag === 0x81) maximum = implicitUint(v, p);
      else throw malformed('nameConstraints');
    }
    const base = parseGeneralNameAt(v, parts[0]);
    return maximum === undefined ? { base, minimum } : { base, minimum, maximum };
  });
}

export function parseNameConstraints(v: Uint8Array): NameConstraints {
  const out: { permittedSubtrees?: GeneralSubtree[]; excludedSubtrees?: GeneralSubtree[] } = {};
  for (const c of children(v, root(v, 'nameConstraints'))) {
    if (c.tag === 0xa0) out.permittedSubtrees = parseSubtrees(v, c);
    else if (c.tag === 0xa1) out.excludedSubtrees = parseSubtrees(v, c);
    else throw malformed('nameConstraints');
  }
  return out;
}

/** DistributionPointName at a [0]-tagged (EXPLICIT, as it is a CHOICE) element. */
export function parseDistributionPointNameAt(v: Uint8Array, tlv: Tlv): DistributionPointName {
  const inner = children(v, tlv);
  if (inner.length !== 1) throw malformed('DistributionPointName');
  const n = inner[0]!;
  if (n.tag === 0xa0) return { type: 'fullName', names: parseGeneralNamesAt(v, n) };
  if (n.tag === 0xa1) {
    // nameRelativeToCRLIssuer [1] IMPLICIT RelativeDistinguishedName: the same bytes as a SET.
    const rdnSet = new Uint8Array(encodingOf(v, n)); // a copy: never write into the caller's DER
    rdnSet[0] = Tag.SET;
    const rdn = parseRdnAt(rdnSet, readRoot(rdnSet));
    return { type: 'nameRelativeToCRLIssuer', rdn, rdnSet, der: encodingOf(v, n) };
  }
  throw malformed('DistributionPointName');
}

export function parseCrlDistributionPoints(v: Uint8Array): DistributionPoint[] {
  return children(v, root(v, 'cRLDistributionPoints')).map((dp) => {
    const out: { -readonly [K in keyof DistributionPoint]: DistributionPoint[K] } = {};
    for (const c of children(v, expectTag(dp, Tag.SEQUENCE, 'DistributionPoint'))) {
      if (c.tag === 0xa0) out.distributionPoint = parseDistributionPointNameAt(v, c);
      else if (c.tag === 0x81) out.reasons = bitMask(v, c);
      else if (c.tag === 0xa2) out.cRLIssuer = parseGeneralNamesAt(v, c);
      else throw malformed('cRLDistributionPoints');
    }
    return out;
  });
}

export function parseAccessDescriptions(v: Uint8Array): AccessDescription[] {
  return children(v, root(v, 'authorityInfoAccess')).map((ad) => {
    const [m, l] = children(v, expectTag(ad, Tag.SEQUENCE, 'AccessDescription'));
    if (!m || !l) throw malformed('authorityInfoAccess');
    return { method: readOid(v, m), location: parseGeneralNameAt(v, l) };
  });
}

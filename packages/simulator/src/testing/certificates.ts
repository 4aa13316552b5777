/**
 * Certificates for tests: hierarchies with any extension combination, and deliberately odd ones
 * (version 1, foreign algorithms, raw names and validity, broken signatures), encoded and signed by
 * the authority's certificate builder. Keys are WebCrypto keys: ECDSA P-256 ones are cheap; RSA-2048
 * ones are generated once per process and shared.
 */
import { type Certificate, KEY_USAGE_BITS, type KeyUsageName, parseCertificate } from '@shomei/core';
import { buildCertificate } from '../issuing/certificate-profile.js';
import {
  encodeExtension,
  encodeSerial,
  keyIdentifier,
  signatureAlgorithmOf,
  signatureValue,
  signStructure,
} from '../issuing/x509-encode.js';
import { bool, ctx, gn, implicit, int, name, namedBits, octets, oid, seq } from './der.js';

const subtle = globalThis.crypto.subtle;

export interface TestKey {
  readonly kind: 'ec' | 'rsa';
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
}

export async function generateKey(kind: 'ec' | 'rsa' = 'ec'): Promise<TestKey> {
  const pair =
    kind === 'ec'
      ? await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
      : await subtle.generateKey(
          {
            name: 'RSASSA-PKCS1-v1_5',
            modulusLength: 2048,
            publicExponent: Uint8Array.of(1, 0, 1),
            hash: 'SHA-256',
          },
          true,
          ['sign', 'verify'],
        );
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  return { kind, privateKey: pair.privateKey, publicKey: pair.publicKey, spki };
}

const rsaPool: Promise<TestKey>[] = [];
/** One of a few shared RSA-2048 keys (generated lazily, once per process). */
export function sharedRsaKey(index = 0): Promise<TestKey> {
  rsaPool[index] ??= generateKey('rsa');
  return rsaPool[index]!;
}

/** The AlgorithmIdentifier DER for signing with `key` (SHA-256 with RSA or ECDSA). */
export function signatureAlgorithm(key: TestKey): Uint8Array {
  return signatureAlgorithmOf(key.privateKey);
}

/** Signs `tbs` with `key` and returns the signature as it appears in an X.509 BIT STRING. */
export async function sign(key: TestKey, tbs: Uint8Array): Promise<Uint8Array> {
  return signatureValue(tbs, key.privateKey);
}

/** SIGNED{tbs} as certificates and CRLs carry it: SEQUENCE { tbs, algorithm, BIT STRING signature }. */
export async function signed(
  tbs: Uint8Array,
  key: TestKey,
  corrupt = false,
  algorithm?: Uint8Array,
): Promise<Uint8Array> {
  return signStructure(tbs, key.privateKey, { corrupt, ...(algorithm && { algorithm }) });
}

/** SKI as RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents. */
export async function keyId(key: TestKey): Promise<Uint8Array> {
  return keyIdentifier(key.spki);
}

export interface ExtensionSpec {
  readonly oid: string;
  readonly critical?: boolean;
  /** The extnValue contents (DER of the extension structure). */
  readonly value: Uint8Array;
}

/** Extension value builders. */
export const ext = {
  basicConstraints: (ca: boolean, pathLen?: number, critical = true): ExtensionSpec => ({
    oid: '2.5.29.19',
    critical,
    value: seq(...(ca ? [bool(true)] : []), ...(pathLen === undefined ? [] : [int(pathLen)])),
  }),
  keyUsage: (names: KeyUsageName[], critical = true): ExtensionSpec => ({
    oid: '2.5.29.15',
    critical,
    value: namedBits(names.map((n) => KEY_USAGE_BITS.indexOf(n))),
  }),
  extKeyUsage: (oids: string[], critical = false): ExtensionSpec => ({
    oid: '2.5.29.37',
    critical,
    value: seq(...oids.map(oid)),
  }),
  ski: (id: Uint8Array): ExtensionSpec => ({ oid: '2.5.29.14', value: octets(id) }),
  aki: (id: Uint8Array): ExtensionSpec => ({ oid: '2.5.29.35', value: seq(ctx(0, false, id)) }),
  san: (names: Uint8Array[], critical = false): ExtensionSpec => ({
    oid: '2.5.29.17',
    critical,
    value: seq(...names),
  }),
  policies: (oids: string[], critical = false): ExtensionSpec => ({
    oid: '2.5.29.32',
    critical,
    value: seq(...oids.map((o) => seq(oid(o)))),
  }),
  policyMappings: (pairs: [string, string][], critical = true): ExtensionSpec => ({
    oid: '2.5.29.33',
    critical,
    value: seq(...pairs.map(([a, b]) => seq(oid(a), oid(b)))),
  }),
  policyConstraints: (c: {
    requireExplicitPolicy?: number;
    inhibitPolicyMapping?: number;
  }): ExtensionSpec => ({
    oid: '2.5.29.36',
    critical: true,
    value: seq(
      ...(c.requireExplicitPolicy === undefined ? [] : [implicit(0, int(c.requireExplicitPolicy))]),
      ...(c.inhibitPolicyMapping === undefined ? [] : [implicit(1, int(c.inhibitPolicyMapping))]),
    ),
  }),
  inhibitAnyPolicy: (n: number): ExtensionSpec => ({ oid: '2.5.29.54', critical: true, value: int(n) }),
  nameConstraints: (c: { permitted?: Uint8Array[]; excluded?: Uint8Array[] }): ExtensionSpec => ({
    oid: '2.5.29.30',
    critical: true,
    value: seq(
      ...(c.permitted ? [ctx(0, true, ...c.permitted.map((g) => seq(g)))] : []),
      ...(c.excluded ? [ctx(1, true, ...c.excluded.map((g) => seq(g)))] : []),
    ),
  }),
  /** cRLDistributionPoints with one point per entry. */
  crlDp: (
    points: { uris?: string[]; fullName?: Uint8Array[]; reasons?: number[]; crlIssuer?: Uint8Array[] }[],
  ): ExtensionSpec => ({
    oid: '2.5.29.31',
    value: seq(
      ...points.map((p) => {
        const full = [...(p.uris ?? []).map(gn.uri), ...(p.fullName ?? [])];
        return seq(
          ...(full.length ? [ctx(0, true, ctx(0, true, ...full))] : []),
          ...(p.reasons ? [implicit(1, namedBits(p.reasons))] : []),
          ...(p.crlIssuer ? [ctx(2, true, ...p.crlIssuer)] : []),
        );
      }),
    ),
  }),
  aia: (entries: { ocsp?: string; caIssuers?: string }): ExtensionSpec => ({
    oid: '1.3.6.1.5.5.7.1.1',
    value: seq(
      ...(entries.ocsp ? [seq(oid('1.3.6.1.5.5.7.48.1'), gn.uri(entries.ocsp))] : []),
      ...(entries.caIssuers ? [seq(oid('1.3.6.1.5.5.7.48.2'), gn.uri(entries.caIssuers))] : []),
    ),
  }),
  raw: (o: string, value: Uint8Array, critical = false): ExtensionSpec => ({ oid: o, critical, value }),
};

export interface CertSpec {
  /** RFC 4514-style subject, least significant first: `CN=Leaf,O=Test,C=JP`. */
  readonly subject: string;
  readonly key: TestKey;
  /** Issuer; omit for a self-signed certificate. */
  readonly issuer?: TestCert;
  /** Overrides the issuer name (for name-chaining tests). */
  readonly issuerName?: string;
  /** Raw DER Names, for names the RFC 4514 text form cannot express (or must not: hostile encodings). */
  readonly subjectDer?: Uint8Array;
  readonly issuerDer?: Uint8Array;
  /** Raw DER of the Validity SEQUENCE (e.g. a malformed time). */
  readonly validityDer?: Uint8Array;
  readonly serial?: number | Uint8Array;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** CA shortcut: basicConstraints cA (critical) + keyUsage keyCertSign|cRLSign; `pathLen` optional. */
  readonly ca?: boolean;
  readonly pathLen?: number;
  /** Extensions appended after the defaults; an extension with the same OID replaces the default one. */
  readonly extensions?: readonly ExtensionSpec[];
  /** Extensions appended as they are, after `extensions` (a repeated OID stays repeated). */
  readonly extraExtensions?: readonly ExtensionSpec[];
  /** Leave out the default SKI/AKI/basicConstraints/keyUsage. */
  readonly bare?: boolean;
  readonly version?: 1 | 3;
  readonly corruptSignature?: boolean;
  /** AlgorithmIdentifier DER written in the TBS `signature` field instead of the real one. */
  readonly tbsSignatureAlgorithm?: Uint8Array;
  /** AlgorithmIdentifier DER written as the outer signatureAlgorithm instead of the real one. */
  readonly outerSignatureAlgorithm?: Uint8Array;
}

export interface TestCert {
  readonly der: Uint8Array;
  readonly cert: Certificate;
  readonly key: TestKey;
  readonly subject: string;
  readonly subjectDer?: Uint8Array;
}

export const DEFAULT_NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
export const DEFAULT_NOT_AFTER = new Date('2035-01-01T00:00:00Z');
/** A time inside every default validity period. */
export const NOW = new Date('2026-06-01T00:00:00Z');

let serialCounter = 1000;

export async function issue(spec: CertSpec): Promise<TestCert> {
  const der = await issueDer(spec);
  return {
    der,
    cert: parseCertificate(der),
    key: spec.key,
    subject: spec.subject,
    ...(spec.subjectDer ? { subjectDer: spec.subjectDer } : {}),
  };
}

/** The DER of the certificate `spec` describes, unparsed (for certificates the parser must refuse). */
export async function issueDer(spec: CertSpec): Promise<Uint8Array> {
  const issuerKey = spec.issuer?.key ?? spec.key;
  const issuerName = spec.issuerName ?? spec.issuer?.subject ?? spec.subject;
  const exts: ExtensionSpec[] = [];
  if (!spec.bare) {
    exts.push(ext.ski(await keyId(spec.key)));
    exts.push(ext.aki(await keyId(issuerKey)));
    if (spec.ca) {
      exts.push(ext.basicConstraints(true, spec.pathLen));
      exts.push(ext.keyUsage(['keyCertSign', 'cRLSign']));
    } else {
      exts.push(ext.keyUsage(['digitalSignature']));
    }
  }
  for (const e of spec.extensions ?? []) {
    const i = exts.findIndex((x) => x.oid === e.oid);
    if (i >= 0) exts[i] = e;
    else exts.push(e);
  }
  exts.push(...(spec.extraExtensions ?? []));
  const notBefore = spec.notBefore ?? DEFAULT_NOT_BEFORE;
  const notAfter = spec.notAfter ?? DEFAULT_NOT_AFTER;
  return buildCertificate(
    {
      serial: new Uint8Array(0),
      issuer:
        spec.issuerDer ??
        (spec.issuerName ? undefined : spec.issuer ? spec.issuer.subjectDer : spec.subjectDer) ??
        name(issuerName),
      subject: spec.subjectDer ?? name(spec.subject),
      notBefore,
      notAfter,
      publicKey: spec.key.spki,
      extensions: exts.map((e) => encodeExtension(e.oid, e.critical ?? false, e.value)),
    },
    issuerKey.privateKey,
    {
      version: spec.version ?? 3,
      serial:
        spec.serial instanceof Uint8Array ? encodeSerial(spec.serial) : int(spec.serial ?? serialCounter++),
      ...(spec.tbsSignatureAlgorithm && { tbsAlgorithm: spec.tbsSignatureAlgorithm }),
      ...(spec.outerSignatureAlgorithm && { algorithm: spec.outerSignatureAlgorithm }),
      ...(spec.validityDer && { validity: spec.validityDer }),
      ...(spec.corruptSignature && { corrupt: true }),
    },
  );
}

/** A root → intermediate → leaf hierarchy on fresh P-256 keys (or the given ones). */
export async function hierarchy(
  opts: { leaf?: Partial<CertSpec>; ca?: Partial<CertSpec>; root?: Partial<CertSpec> } = {},
): Promise<{ root: TestCert; ca: TestCert; leaf: TestCert }> {
  const [rk, ik, lk] = await Promise.all([generateKey(), generateKey(), generateKey()]);
  const root = await issue({ subject: 'CN=Test Root,O=Shomei,C=JP', key: rk, ca: true, ...opts.root });
  const ca = await issue({
    subject: 'CN=Test CA,O=Shomei,C=JP',
    key: ik,
    ca: true,
    issuer: root,
    ...opts.ca,
  });
  const leaf = await issue({ subject: 'CN=Leaf,O=Shomei,C=JP', key: lk, issuer: ca, ...opts.leaf });
  return { root, ca, leaf };
}

import { coreError, isShomeiError, throwIfAborted } from '../errors.js';
import type { LongTermReport } from '../ltv/evidence.js';
import { addSupplied, addTokenMaterial, emptyMaterial } from '../ltv/material.js';
import { type SignatureAtTime, type TimestampInput, validatePast } from '../ltv/past-validation.js';
import { reasonForCheck } from '../ltv/reasons.js';
import { anchorsOf, malformedTimestamp, pathOf, readToken, timestampInput } from '../ltv/token.js';
import { formatFailure } from '../ltv/validate-cms.js';
import { VERDICT_RANK as RANK } from '../report/verdict-rank.js';
import type { Certificate } from '../x509/certificate.js';
import { XADES_NS } from '../xml/algorithms.js';
import { canonicalize } from '../xml/c14n.js';
import { childElements, textContent, type XmlDocument, type XmlElement } from '../xml/dom.js';
import { parseXml } from '../xml/parse.js';
import { DEFAULT_ID_ATTRIBUTES, type DereferenceContext, indexIds } from '../xml/references.js';
import { type ParsedSignature, readSignature } from '../xml/signature.js';
import { findSignatures, type VerifyXmlOptions, verifyXml, type XmlValidationReport } from '../xml/verify.js';
import { qualifyingProperties } from '../xml/xades-verify.js';
import {
  addXadesMaterial,
  archiveInput,
  isProperty,
  timestampProperty,
  timestampRole,
  unsignedOf,
  XADES141_NS,
  type XadesUnsigned,
} from './properties.js';

export interface VerifyXmlLongTermOptions
  extends Omit<VerifyXmlOptions, 'time' | 'revocation' | 'validatePath' | 'pathCache'> {
  /** The validation time ("now"). Default: the clock. */
  now?: Date;
  /** Dates from which an algorithm is no longer trusted, by name: `SHA-1`, `SHA-256`, `RSA-2048` … */
  algorithmExpiry?: Readonly<Record<string, Date>>;
}

/** Reference failures that mean the signed data is not there rather than changed. */
const NOT_FOUND = new Set(['XML_REFERENCE_NOT_FOUND', 'XML_REFERENCE_EXTERNAL']);

const unreadable = (e: unknown, now: Date): LongTermReport =>
  formatFailure(
    isShomeiError(e) ? e.message.replace(/\.$/, '') : 'the document could not be read',
    now,
    isShomeiError(e) ? e.code : 'XML_MALFORMED',
  );

/**
 * Validates the XML signature(s) of a document in the past: the earliest trustworthy timestamp fixes
 * the time at which each signature, its chain and their revocation are judged, with the material the
 * signature carries (and what the caller adds). With several signatures each is in `signers` and the
 * top level is the worst. Throws only for unusable options and aborts.
 */
export async function verifyXmlLongTerm(
  input: Uint8Array | string | XmlDocument,
  options: VerifyXmlLongTermOptions,
): Promise<LongTermReport> {
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0)
    throw coreError(
      'INPUT_INVALID',
      'verifyXmlLongTerm needs at least one trust anchor (options.trustAnchors).',
    );
  throwIfAborted(options.signal);
  const now = options.now ?? new Date();
  let doc: XmlDocument;
  let signatures: XmlElement[];
  try {
    doc =
      typeof input === 'object' && !(input instanceof Uint8Array) ? input : parseXml(input, options.limits);
    signatures = findSignatures(doc);
    if (!signatures.length) throw coreError('XML_SIGNATURE_NOT_FOUND');
  } catch (e) {
    return unreadable(e, now);
  }
  const reports: LongTermReport[] = [];
  for (const el of signatures) reports.push(await signatureLongTerm(doc, el, now, options));
  let worst = reports[0]!;
  for (const r of reports) if (RANK[r.verdict] > RANK[worst.verdict]) worst = r;
  return reports.length > 1 ? { ...worst, signers: reports } : worst;
}

/** The timestamp's covered bytes, or undefined (with why) when they cannot be rebuilt. */
async function rebuilt(covered: () => Promise<Uint8Array>): Promise<{ data?: Uint8Array; problem?: string }> {
  try {
    return { data: await covered() };
  } catch (e) {
    if (isShomeiError(e) && e.code === 'ABORTED') throw e;
    return {
      problem: `what it covers cannot be rebuilt: ${isShomeiError(e) ? e.message.replace(/\.$/, '') : 'unreadable'}`,
    };
  }
}

/** The signer's SigningTime claim (never used as proof). */
function claimedTime(u: XadesUnsigned | undefined): Date | undefined {
  const sp = u ? childElements(u.qualifying, XADES_NS, 'SignedProperties')[0] : undefined;
  const ssp = sp ? childElements(sp, XADES_NS, 'SignedSignatureProperties')[0] : undefined;
  const st = ssp ? childElements(ssp, XADES_NS, 'SigningTime')[0] : undefined;
  const d = st ? new Date(textContent(st).trim()) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/**
 * An XMLTimeStamp (XAdESTimeStampType's XML alternative) is refused: EN 319 132-1 leaves its format
 * open and no TSA profile for it exists in practice, so nothing could check it. It proves nothing,
 * and says so, rather than disappearing from the report.
 */
const xmlTimestamp = (kind: TimestampInput['kind'], property: string, now: Date): TimestampInput =>
  malformedTimestamp(
    kind,
    now,
    'XML_TIMESTAMP_UNSUPPORTED',
    `the ${property} holds an XMLTimeStamp, which shomei cannot validate (only RFC 3161 EncapsulatedTimeStamp is supported), so it is no proof of existence`,
  );

function levelOf(u: XadesUnsigned | undefined): LongTermReport['level'] {
  const roles = (u?.properties ?? []).flatMap((p) => timestampRole(p) ?? []);
  if (!roles.length) return 'B';
  if (roles.some((r) => r.kind === 'archive-timestamp')) return 'LTA';
  const has = (ns: string, name: string) => u?.properties.some((p) => isProperty(p, ns, name)) ?? false;
  return has(XADES_NS, 'RevocationValues') || has(XADES141_NS, 'TimeStampValidationData') ? 'LT' : 'T';
}

async function signatureLongTerm(
  doc: XmlDocument,
  element: XmlElement,
  now: Date,
  options: VerifyXmlLongTermOptions,
): Promise<LongTermReport> {
  let sig: ParsedSignature;
  let u: XadesUnsigned | undefined;
  try {
    sig = readSignature(element, options.limits);
    const qp = qualifyingProperties(sig);
    u = qp ? unsignedOf(qp) : undefined;
  } catch (e) {
    return unreadable(e, now);
  }
  const material = emptyMaterial();
  addXadesMaterial(material, sig, u ?? { qualifying: element, properties: [] });
  addSupplied(material, {
    certificates: options.intermediates ?? [],
    crls: (options.crls ?? []).filter((c): c is Uint8Array => c instanceof Uint8Array),
    ocsp: options.ocsp ?? [],
  });
  const stamps = (u?.properties ?? []).flatMap((p) => {
    const role = timestampRole(p);
    return role ? [{ p, role, ts: timestampProperty(p) }] : [];
  });
  for (const s of stamps)
    for (const e of s.ts.entries) {
      const t = e.type === 'encapsulated' && e.token && readToken(e.token);
      if (t) addTokenMaterial(material, t.raw);
    }
  const ctx: DereferenceContext = {
    document: doc,
    signature: element,
    ids: indexIds(doc, options.idAttributes ?? DEFAULT_ID_ATTRIBUTES),
    ...(options.resolveExternal ? { resolveExternal: options.resolveExternal } : {}),
  };
  const timestamps = (
    await Promise.all(
      stamps.map(async ({ p, role, ts }): Promise<TimestampInput[]> => {
        throwIfAborted(options.signal);
        const kind = role.kind;
        const name = `${p.localName}${role.kind === 'archive-timestamp' ? ` (XAdES ${role.version})` : ''}`;
        if (!ts.entries.length) return [malformedTimestamp(kind, now)];
        const c14n = ts.c14n;
        const { data, problem } = await rebuilt(async () => {
          if (ts.explicit)
            throw coreError(
              'XML_ALGORITHM_UNSUPPORTED',
              'The time-stamp names what it covers with xades:Include (the explicit form), which is not supported.',
            );
          if (!c14n)
            throw coreError('XML_ALGORITHM_UNSUPPORTED', 'The canonicalization method is not supported.');
          return role.kind === 'archive-timestamp'
            ? archiveInput(sig, u!, p, c14n, ctx, role.version)
            : canonicalize(sig.signatureValueElement, { method: c14n.method, comments: c14n.comments });
        });
        return Promise.all(
          ts.entries.map((e) =>
            e.type === 'xml'
              ? xmlTimestamp(kind, name, now)
              : timestampInput(
                  kind,
                  e.token ? readToken(e.token) : undefined,
                  data,
                  problem ??
                    (role.kind === 'archive-timestamp'
                      ? `the ${name} does not cover the signature and its properties as they are now`
                      : 'the token does not cover this SignatureValue'),
                  material,
                  now,
                  options,
                ),
          ),
        );
      }),
    )
  ).flat();
  const refused = timestamps.filter((t) => !t.check.ok && t.check.code === 'XML_TIMESTAMP_UNSUPPORTED');

  const anchors = anchorsOf(options.trustAnchors);
  let basic:
    | { signer: LongTermReport['signer']; digestAlgorithm: string; signatureAlgorithm: string }
    | undefined;
  const signatureAt = async (t: Date): Promise<SignatureAtTime> => {
    const { now: _now, algorithmExpiry: _ae, ...rest } = options;
    const full = await verifyXml(doc, {
      ...rest,
      intermediates: material.certificates as Certificate[],
      time: t,
      revocation: 'off',
    });
    const report =
      (full.signers as readonly XmlValidationReport[] | undefined)?.find(
        (r) => r.signatureElement === element,
      ) ?? full;
    basic = {
      signer: report.signer,
      digestAlgorithm: report.digestAlgorithm,
      signatureAlgorithm: report.signatureAlgorithm,
    };
    const path = pathOf(report.chain, [...material.certificates, ...anchors]);
    const bits = path[0]?.rsaModulusBits;
    const algorithms = [
      ...new Set([sig.hash, ...sig.references.map((r) => r.digest)]),
      ...(bits ? [`RSA-${bits}`] : []),
    ];
    const failed = report.checks.find((c) => !c.ok && c.name !== 'revocation' && c.name !== 'timestamp');
    if (failed) {
      const code = NOT_FOUND.has(failed.code ?? '')
        ? 'SIGNED_DATA_NOT_FOUND'
        : reasonForCheck(failed.name, failed.code);
      return {
        ok: false,
        code,
        detail: failed.detail ?? failed.code ?? failed.name,
        path,
        checks: report.checks,
        algorithms,
      };
    }
    return { ok: true, path, checks: report.checks, algorithms };
  };
  const signingTime = claimedTime(u);
  const result = await validatePast({
    now,
    level: levelOf(u),
    signer: { subject: '' },
    ...(signingTime ? { claimedSigningTime: signingTime } : {}),
    timestamps,
    material,
    anchors,
    signatureAt,
    ...(options.algorithmExpiry ? { algorithmExpiry: options.algorithmExpiry } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const b = basic as typeof basic;
  return {
    ...result,
    ...(b ?? {}),
    ...(refused.length
      ? {
          warnings: [
            ...result.warnings,
            `${refused.length} XMLTimeStamp${refused.length > 1 ? 's were' : ' was'} not validated (XML_TIMESTAMP_UNSUPPORTED): only RFC 3161 EncapsulatedTimeStamps give a proof of existence`,
          ],
        }
      : {}),
  };
}

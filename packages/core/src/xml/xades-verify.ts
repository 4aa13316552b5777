/**
 * XAdES checks (ETSI EN 319 132-1 v1.1.1): the QualifyingProperties of a signature, its
 * SignedProperties covered by a reference of the SignedProperties type (§4.3.4), SigningTime (§5.2.1),
 * SigningCertificateV2 (§5.2.2) against the certificate that verified, and the SignatureTimeStamp
 * (§5.3) over the canonical ds:SignatureValue element, checked as an RFC 3161 token by verifyCms.
 */

import { CMS_OID } from '../cms/oids.js';
import { parseSignedData } from '../cms/signed-data.js';
import { parseTstInfo } from '../cms/timestamp.js';
import { verifyCms } from '../cms/verify.js';
import { bytesEqual, fromBase64 } from '../der/bytes.js';
import { children, encodingOf, readIntegerBytes, readRoot } from '../der/reader.js';
import { coreError, isShomeiError } from '../errors.js';
import type { ReportCheck, ReportTimestamp, Verdict } from '../report/types.js';
import type { HashAlgorithmName } from '../signer.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import { C14N_BY_URI, DIGEST_BY_URI, DSIG_NS, XADES_NS, XADES_SIGNED_PROPERTIES_TYPE } from './algorithms.js';
import { canonicalize } from './c14n.js';
import { xmlDigest } from './digest.js';
import { attributeValue, childElements, textContent, type XmlElement } from './dom.js';
import { signedElementOf, type XmlSignedContent } from './references.js';
import type { ParsedSignature } from './signature.js';
import type { VerifyXmlOptions, XmlReferenceReport, XmlSignatureFormat } from './verify.js';

export interface XadesOutcome {
  readonly format: XmlSignatureFormat;
  readonly signingTime?: string;
  readonly timestamp?: ReportTimestamp;
  readonly checks: readonly { check: ReportCheck; severity: Verdict }[];
}

const one = (el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined =>
  el ? childElements(el, ns, name)[0] : undefined;

const malformed = (detail: string) =>
  coreError('XML_SIGNATURE_MALFORMED', `The XAdES properties are malformed: ${detail}.`);

/** The QualifyingProperties of the signature, if it has XAdES properties; undefined for plain XMLDSig. */
export function qualifyingProperties(sig: ParsedSignature): XmlElement | undefined {
  const found: XmlElement[] = [];
  for (const o of sig.objects) found.push(...childElements(o, XADES_NS, 'QualifyingProperties'));
  if (found.length > 1) throw malformed('more than one QualifyingProperties');
  return found[0];
}

export async function checkXades(
  sig: ParsedSignature,
  cert: Certificate,
  references: readonly XmlReferenceReport[],
  signed: readonly XmlSignedContent[],
  options: VerifyXmlOptions,
): Promise<XadesOutcome | undefined> {
  const qp = qualifyingProperties(sig);
  if (!qp) return undefined;
  const checks: { check: ReportCheck; severity: Verdict }[] = [];
  const target = attributeValue(qp, 'Target');
  if (!sig.id || target !== `#${sig.id}`)
    throw malformed(`Target="${target ?? ''}" does not name this signature's Id`);
  const sp = one(qp, XADES_NS, 'SignedProperties');
  if (!sp) throw malformed('no SignedProperties');
  // §4.3.4: a Reference of the SignedProperties type must cover exactly this element.
  const covered = signed.some(
    (s, i) =>
      s.kind === 'element' &&
      signedElementOf(s) === sp &&
      references[i]?.ok &&
      references[i]?.type === XADES_SIGNED_PROPERTIES_TYPE,
  );
  if (!covered) {
    throw coreError(
      'XML_SIGNATURE_WRAPPED',
      'The XAdES SignedProperties are not covered by a verified Reference of the SignedProperties type.',
    );
  }
  const ssp = one(sp, XADES_NS, 'SignedSignatureProperties');
  const timeEl = one(ssp, XADES_NS, 'SigningTime');
  let signingTime: string | undefined;
  if (timeEl) {
    const t = new Date(textContent(timeEl).trim());
    if (Number.isNaN(t.getTime())) throw malformed('SigningTime is not an xsd:dateTime');
    signingTime = t.toISOString();
  }
  const sc = one(ssp, XADES_NS, 'SigningCertificateV2') ?? one(ssp, XADES_NS, 'SigningCertificate');
  if (!sc) {
    checks.push({
      check: {
        name: 'signingCertificate',
        ok: false,
        code: 'XML_SIGNING_CERT_MISMATCH',
        detail: 'the SignedProperties have no SigningCertificateV2',
      },
      severity: 'invalid',
    });
  } else {
    let match = false;
    for (const c of childElements(sc, XADES_NS, 'Cert')) {
      const cd = one(c, XADES_NS, 'CertDigest');
      const dm = one(cd, DSIG_NS, 'DigestMethod');
      const dv = one(cd, DSIG_NS, 'DigestValue');
      const hash = dm ? DIGEST_BY_URI[attributeValue(dm, 'Algorithm') ?? ''] : undefined;
      if (!hash || !dv) throw malformed('a Cert has no usable CertDigest');
      if (!bytesEqual(await xmlDigest(hash, cert.der), fromBase64(textContent(dv)))) continue;
      const is = one(c, XADES_NS, 'IssuerSerialV2');
      if (is && !issuerSerialMatches(fromBase64(textContent(is)), cert)) continue;
      match = true;
      break;
    }
    checks.push(
      match
        ? {
            check: {
              name: 'signingCertificate',
              ok: true,
              detail: 'SigningCertificateV2 names the signer certificate',
            },
            severity: 'valid',
          }
        : {
            check: {
              name: 'signingCertificate',
              ok: false,
              code: 'XML_SIGNING_CERT_MISMATCH',
              detail: 'SigningCertificateV2 does not name the certificate that verified the signature',
            },
            severity: 'invalid',
          },
    );
  }
  const usp = one(one(qp, XADES_NS, 'UnsignedProperties'), XADES_NS, 'UnsignedSignatureProperties');
  const sts = usp ? childElements(usp, XADES_NS, 'SignatureTimeStamp') : [];
  if (!sts.length) return { format: 'XAdES-BES', ...(signingTime ? { signingTime } : {}), checks };
  let timestamp: ReportTimestamp | undefined;
  try {
    timestamp = await checkTimestamp(sts[0]!, sig, options);
    checks.push({
      check: {
        name: 'timestamp',
        ok: true,
        detail: `${timestamp.time} by ${timestamp.authority ?? 'a TSA'}`,
      },
      severity: 'valid',
    });
  } catch (e) {
    if (isShomeiError(e) && e.code === 'ABORTED') throw e;
    checks.push({
      check: {
        name: 'timestamp',
        ok: false,
        code: isShomeiError(e) ? e.code : 'TIMESTAMP_INVALID',
        detail: isShomeiError(e) ? e.message.replace(/\.$/, '') : 'the timestamp is unreadable',
      },
      severity: 'invalid',
    });
  }
  return {
    format: 'XAdES-T',
    ...(signingTime ? { signingTime } : {}),
    ...(timestamp ? { timestamp } : {}),
    checks,
  };
}

/** RFC 5035 §4 IssuerSerial { issuer GeneralNames, serialNumber } against the certificate. */
function issuerSerialMatches(der: Uint8Array, cert: Certificate): boolean {
  try {
    const [names, serial] = children(der, readRoot(der));
    if (!names || !serial) return false;
    const issuerOk = children(der, names)
      .filter((g) => g.tag === 0xa4)
      .some((g) => {
        const [name] = children(der, g);
        return name !== undefined && bytesEqual(encodingOf(der, name), cert.issuer.der);
      });
    return issuerOk && bytesEqual(readIntegerBytes(der, serial), cert.serial);
  } catch {
    return false;
  }
}

const KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const TS_HASHES: readonly string[] = ['SHA-256', 'SHA-384', 'SHA-512'];

async function checkTimestamp(
  sts: XmlElement,
  sig: ParsedSignature,
  options: VerifyXmlOptions,
): Promise<ReportTimestamp> {
  const bad = (detail: string) =>
    coreError('TIMESTAMP_INVALID', `The SignatureTimeStamp is invalid: ${detail}.`);
  const cm = one(sts, DSIG_NS, 'CanonicalizationMethod');
  const c14n = cm
    ? C14N_BY_URI[attributeValue(cm, 'Algorithm') ?? '']
    : C14N_BY_URI['http://www.w3.org/TR/2001/REC-xml-c14n-20010315'];
  if (!c14n) throw bad('its CanonicalizationMethod is not supported');
  const enc = one(sts, XADES_NS, 'EncapsulatedTimeStamp');
  if (!enc) throw bad('it has no EncapsulatedTimeStamp');
  const token = fromBase64(textContent(enc));
  const sd = parseSignedData(token);
  if (sd.contentType !== CMS_OID.tstInfo || !sd.content) throw bad('the token does not hold a TSTInfo');
  const info = parseTstInfo(sd.content);
  if (!TS_HASHES.includes(info.hash)) throw bad(`the imprint uses ${info.hash}`);
  // §5.3: the time-stamped data is the canonical ds:SignatureValue element.
  const input = canonicalize(sig.signatureValueElement, c14n);
  if (!bytesEqual(await xmlDigest(info.hash as HashAlgorithmName, input), info.imprint)) {
    throw bad('the token does not cover this SignatureValue');
  }
  const report = await verifyCms(token, {
    trustAnchors: options.trustAnchors,
    ...(options.intermediates ? { intermediates: options.intermediates } : {}),
    ...(options.crls ? { crls: options.crls } : {}),
    ...(options.ocsp ? { ocsp: options.ocsp } : {}),
    ...(options.revocation ? { revocation: options.revocation } : {}),
    ...(options.time ? { time: options.time } : {}),
    ...(options.validatePath ? { validatePath: options.validatePath } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (report.verdict !== 'valid') throw bad(`the TSA signature is ${report.verdict} (${report.code ?? ''})`);
  const tsa = sd.certificates
    .map((d) => {
      try {
        return parseCertificate(d);
      } catch {
        return undefined;
      }
    })
    .find((c) => c?.subject.text === report.signer.subject);
  const ekuCritical = tsa?.extensions.find((e) => e.oid === '2.5.29.37')?.critical;
  if (!tsa?.extKeyUsage?.includes(KP_TIME_STAMPING) || !ekuCritical) {
    throw bad('the TSA certificate lacks the critical id-kp-timeStamping extended key usage (RFC 3161 §2.3)');
  }
  return { time: info.genTime.toISOString(), authority: report.signer.subject };
}

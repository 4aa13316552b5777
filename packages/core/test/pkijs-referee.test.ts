/**
 * pkijs/asn1js as an independent referee: every kind of structure shomei writes — the authority's
 * certificates (JPKI signing and authentication profiles, CAs under a root and J-LIS-style
 * self-signed ones, the time-stamping unit), its complete and delta CRLs, its OCSP responses and
 * time-stamp tokens, the test kit's certificates, CRLs and OCSP responses, and SignedData from
 * signCms (attached, detached, ECDSA, CAdES-T) — is parsed by pkijs, and the fields pkijs reads must
 * be the fields shomei's own parsers read and meant to write. Signatures are checked by pkijs too.
 */
import { createHash } from 'node:crypto';
import {
  ATTRIBUTE_OID,
  buildOcspRequest,
  CMS_OID,
  CrlIndex,
  type Extension,
  type GeneralName,
  JPKI_SAN_OID,
  KEY_USAGE_BITS,
  type Name,
  parseCertificate,
  parseOcspResponse,
  parseTstInfo,
  signCms,
  toHex,
} from '@shomei/core';
import {
  Authority,
  authorityTimestampSource,
  CRL_REASON,
  OperatorCard,
  TSA_POLICY_OID,
  type VirtualJpkiCard,
} from '@shomei/simulator';
import {
  buildCrl,
  buildOcspResponse,
  ext,
  generateKey,
  hierarchy,
  issue,
  TEST_HOLDER,
  TEST_PINS,
} from '@shomei/simulator/testing';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSignedData } from '../src/cms/signed-data.js';
import { pkcs8Signer } from '../src/signer/pkcs8.js';
import { pki } from './pki.js';

pkijs.setEngine('node', new pkijs.CryptoEngine({ crypto: globalThis.crypto as Crypto }));

const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;
const big = (b: ArrayBuffer | Uint8Array): bigint => BigInt(`0x${toHex(new Uint8Array(b)) || '0'}`);
const hex = (b: ArrayBuffer | Uint8Array): string => toHex(new Uint8Array(b));

const theirName = (n: pkijs.RelativeDistinguishedNames) =>
  n.typesAndValues.map((tv) => [tv.type, (tv.value as asn1js.Utf8String).valueBlock.value]);
const ourName = (n: Name) => n.rdns.flat().map((a) => [a.oid, a.value]);
const theirExtensions = (e: readonly pkijs.Extension[] | undefined) =>
  (e ?? []).map((x) => [x.extnID, x.critical]);
const ourExtensions = (e: readonly Extension[]) => e.map((x) => [x.oid, x.critical]);

/** GeneralName URIs (tag [6]) of a pkijs GeneralName list. */
const uris = (names: readonly pkijs.GeneralName[]) =>
  names.filter((g) => g.type === 6).map((g) => g.value as string);

/**
 * pkijs parses `der` as a certificate, agrees with shomei's parser on every field shomei writes, decodes
 * each extension it knows, and verifies the signature with `issuer` (itself when self-signed).
 */
async function refereeCertificate(der: Uint8Array, issuer: Uint8Array = der): Promise<pkijs.Certificate> {
  const ours = parseCertificate(der);
  const theirs = pkijs.Certificate.fromBER(ab(der));
  expect(theirs.version).toBe(ours.version - 1);
  expect(big(theirs.serialNumber.valueBlock.valueHexView)).toBe(big(ours.serial));
  expect(theirs.signature.algorithmId).toBe(ours.tbsSignatureAlgorithm.oid);
  expect(theirs.signatureAlgorithm.algorithmId).toBe(ours.signatureAlgorithm.oid);
  expect(theirName(theirs.issuer)).toEqual(ourName(ours.issuer));
  expect(theirName(theirs.subject)).toEqual(ourName(ours.subject));
  expect(theirs.notBefore.value.getTime()).toBe(ours.notBefore.getTime());
  expect(theirs.notAfter.value.getTime()).toBe(ours.notAfter.getTime());
  expect(theirs.subjectPublicKeyInfo.algorithm.algorithmId).toBe(ours.publicKeyAlgorithm.oid);
  expect(theirExtensions(theirs.extensions)).toEqual(ourExtensions(ours.extensions));
  for (const e of theirs.extensions ?? []) {
    const v = e.parsedValue;
    switch (e.extnID) {
      case '2.5.29.14':
        expect(hex((v as asn1js.OctetString).valueBlock.valueHexView)).toBe(hex(ours.subjectKeyIdentifier!));
        break;
      case '2.5.29.35':
        expect(hex((v as pkijs.AuthorityKeyIdentifier).keyIdentifier!.valueBlock.valueHexView)).toBe(
          hex(ours.authorityKeyIdentifier!.keyIdentifier!),
        );
        break;
      case '2.5.29.19':
        expect((v as pkijs.BasicConstraints).cA).toBe(ours.basicConstraints!.ca);
        break;
      case '2.5.29.15': {
        // KeyUsage BIT STRING (RFC 5280 §4.2.1.3): the bits pkijs reads, named as shomei names them.
        const bits = new Uint8Array((v as asn1js.BitString).valueBlock.valueHexView);
        const theirBits = KEY_USAGE_BITS.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
        expect(theirBits).toEqual(KEY_USAGE_BITS.filter((n) => ours.keyUsage![n]));
        expect(theirBits.length).toBeGreaterThan(0);
        break;
      }
      case '2.5.29.32':
        expect((v as pkijs.CertificatePolicies).certificatePolicies.map((p) => p.policyIdentifier)).toEqual(
          ours.certificatePolicies!.map((p) => p.policyId),
        );
        break;
      case '2.5.29.37':
        expect((v as pkijs.ExtKeyUsage).keyPurposes).toEqual(ours.extKeyUsage);
        break;
      case '2.5.29.31': {
        const points = (v as pkijs.CRLDistributionPoints).distributionPoints;
        expect(points).toHaveLength(ours.crlDistributionPoints!.length);
        const theirUris = points.flatMap((p) =>
          Array.isArray(p.distributionPoint) ? uris(p.distributionPoint) : [],
        );
        const ourUris = ours.crlDistributionPoints!.flatMap((p) =>
          p.distributionPoint?.type === 'fullName'
            ? p.distributionPoint.names.flatMap((g) =>
                g.type === 'uniformResourceIdentifier' ? [g.value] : [],
              )
            : [],
        );
        expect(theirUris).toEqual(ourUris);
        break;
      }
      case '1.3.6.1.5.5.7.1.1':
        expect(
          (v as pkijs.InfoAccess).accessDescriptions.map((d) => [d.accessMethod, d.accessLocation.value]),
        ).toEqual(
          ours.authorityInfoAccess!.map((d) => [
            d.method,
            d.location.type === 'uniformResourceIdentifier' ? d.location.value : undefined,
          ]),
        );
        break;
      case '2.5.29.17':
        expect((v as pkijs.AltName).altNames.map((g) => g.type)).toEqual(
          ours.subjectAltName!.map((g) => GENERAL_NAME_TAG[g.type]),
        );
        break;
      default:
        break;
    }
  }
  const issuerCert = pkijs.Certificate.fromBER(ab(issuer));
  expect(await theirs.verify(issuerCert)).toBe(true);
  return theirs;
}

/** GeneralName CHOICE tags (RFC 5280 §4.2.1.6) by shomei's names. */
const GENERAL_NAME_TAG: Record<GeneralName['type'], number> = {
  otherName: 0,
  rfc822Name: 1,
  dNSName: 2,
  x400Address: 3,
  directoryName: 4,
  ediPartyName: 5,
  uniformResourceIdentifier: 6,
  iPAddress: 7,
  registeredID: 8,
};

/** pkijs parses a CRL, agrees on issuer, times, entries, extensions, and verifies its signature. */
async function refereeCrl(der: Uint8Array, issuer: Uint8Array): Promise<pkijs.CertificateRevocationList> {
  const ours = CrlIndex.from(der);
  const theirs = pkijs.CertificateRevocationList.fromBER(ab(der));
  expect(theirName(theirs.issuer)).toEqual(ourName(ours.issuer));
  expect(theirs.thisUpdate.value.getTime()).toBe(ours.thisUpdate.getTime());
  expect(theirs.nextUpdate?.value.getTime()).toBe(ours.nextUpdate?.getTime());
  expect(theirs.signature.algorithmId).toBe(ours.signatureAlgorithm.oid);
  expect(theirExtensions(theirs.crlExtensions?.extensions)).toEqual(ourExtensions(ours.extensions));
  const entries = theirs.revokedCertificates ?? [];
  expect(entries).toHaveLength(ours.size);
  entries.forEach((entry, i) => {
    const our = ours.entry(i);
    expect(big(entry.userCertificate.valueBlock.valueHexView)).toBe(big(our.serial));
    expect(entry.revocationDate.value.getTime()).toBe(our.revocationDate.getTime());
    const reason = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === '2.5.29.21');
    expect(reason ? (reason.parsedValue as asn1js.Enumerated).valueBlock.valueDec : undefined).toBe(
      our.reason === undefined ? undefined : CRL_REASON[our.reason as keyof typeof CRL_REASON],
    );
  });
  for (const e of theirs.crlExtensions?.extensions ?? []) {
    if (e.extnID === '2.5.29.20')
      expect(big((e.parsedValue as asn1js.Integer).valueBlock.valueHexView)).toBe(big(ours.crlNumber!));
    if (e.extnID === '2.5.29.27')
      expect(big((e.parsedValue as asn1js.Integer).valueBlock.valueHexView)).toBe(
        big(ours.deltaCrlIndicator!),
      );
  }
  expect(await theirs.verify({ issuerCertificate: pkijs.Certificate.fromBER(ab(issuer)) })).toBe(true);
  return theirs;
}

const CERT_STATUS_TAG = { good: 0, revoked: 1, unknown: 2 } as const;

/**
 * pkijs parses an OCSPResponse, agrees on status, CertIDs, times and certificates; the signature is
 * checked with `signer` (pkijs's own responder search and chain check when the response carries it).
 */
async function refereeOcsp(der: Uint8Array, signer: Uint8Array, trusted: Uint8Array[] = []) {
  const ours = parseOcspResponse(der);
  const theirs = pkijs.OCSPResponse.fromBER(ab(der));
  expect(theirs.responseStatus.valueBlock.valueDec).toBe(0);
  expect(theirs.responseBytes!.responseType).toBe('1.3.6.1.5.5.7.48.1.1');
  const basic = pkijs.BasicOCSPResponse.fromBER(
    ab(new Uint8Array(theirs.responseBytes!.response.valueBlock.valueHexView)),
  );
  const data = basic.tbsResponseData;
  expect(data.producedAt.getTime()).toBe(ours.producedAt!.getTime());
  expect(basic.signatureAlgorithm.algorithmId).toBe(ours.signatureAlgorithm!.oid);
  expect(basic.certs?.length ?? 0).toBe(ours.certs.length);
  if ('byKey' in ours.responderId!)
    expect(hex((data.responderID as asn1js.OctetString).valueBlock.valueHexView)).toBe(
      hex(ours.responderId.byKey),
    );
  else
    expect(theirName(data.responderID as pkijs.RelativeDistinguishedNames)).toEqual(
      ourName(ours.responderId!.byName),
    );
  expect(data.responses).toHaveLength(ours.responses.length);
  data.responses.forEach((single, i) => {
    const our = ours.responses[i]!;
    expect(single.certID.hashAlgorithm.algorithmId).toBe(our.certId.hashAlgorithm);
    expect(hex(single.certID.issuerNameHash.valueBlock.valueHexView)).toBe(hex(our.certId.issuerNameHash));
    expect(hex(single.certID.issuerKeyHash.valueBlock.valueHexView)).toBe(hex(our.certId.issuerKeyHash));
    expect(big(single.certID.serialNumber.valueBlock.valueHexView)).toBe(big(our.certId.serial));
    expect((single.certStatus as asn1js.BaseBlock).idBlock.tagNumber).toBe(CERT_STATUS_TAG[our.status]);
    expect(single.thisUpdate.getTime()).toBe(our.thisUpdate.getTime());
    expect(single.nextUpdate?.getTime()).toBe(our.nextUpdate?.getTime());
  });
  // pkijs looks for the responder among the certificates the response carries (RFC 6960 §4.2.2.2);
  // a CA answering for itself may leave them out, so the referee is handed the CA certificate and
  // told to trust it as the responder. A delegated responder is checked up to `trusted`.
  const signerCert = pkijs.Certificate.fromBER(ab(signer));
  const embedded = basic.certs ?? [];
  if (embedded.length === 0) basic.certs = [signerCert];
  const verdict = await basic.verify(
    trusted.length > 0
      ? { trustedCerts: trusted.map((t) => pkijs.Certificate.fromBER(ab(t))) }
      : { trustedResponders: [signerCert] },
  );
  expect(verdict).toBe(true);
  if (embedded.length === 0) basic.certs = undefined;
  return basic;
}

/** pkijs reads a ContentInfo with SignedData; the first signer agrees with shomei's parse, and verifies. */
async function refereeSignedData(der: Uint8Array, detachedContent?: Uint8Array): Promise<pkijs.SignedData> {
  const ours = parseSignedData(der);
  const info = pkijs.ContentInfo.fromBER(ab(der));
  expect(info.contentType).toBe(CMS_OID.signedData);
  const theirs = new pkijs.SignedData({ schema: info.content });
  expect(theirs.version).toBe(ours.version);
  expect(theirs.encapContentInfo.eContentType).toBe(ours.contentType);
  expect(theirs.encapContentInfo.eContent !== undefined).toBe(ours.content !== undefined);
  expect(theirs.certificates?.length ?? 0).toBe(ours.certificates.length);
  expect(theirs.signerInfos).toHaveLength(ours.signerInfos.length);
  const [their, our] = [theirs.signerInfos[0]!, ours.signerInfos[0]!];
  expect(their.version).toBe(our.version);
  if (our.sid.type === 'issuerAndSerialNumber') {
    const sid = their.sid as pkijs.IssuerAndSerialNumber;
    expect(big(sid.serialNumber.valueBlock.valueHexView)).toBe(big(our.sid.serial));
    expect(hex(sid.issuer.toSchema().toBER())).toBe(hex(our.sid.issuer));
  } else {
    expect(hex((their.sid as asn1js.OctetString).valueBlock.valueHexView)).toBe(hex(our.sid.keyId));
  }
  expect(their.digestAlgorithm.algorithmId).toBe(our.digestAlgorithm.oid);
  expect(their.signatureAlgorithm.algorithmId).toBe(our.signatureAlgorithm.oid);
  expect(their.signedAttrs!.attributes.map((a) => a.type)).toEqual(our.signedAttrs!.map((a) => a.oid));
  expect((their.unsignedAttrs?.attributes ?? []).map((a) => a.type)).toEqual(
    our.unsignedAttrs.map((a) => a.oid),
  );
  const verified = await theirs.verify({
    signer: 0,
    checkChain: false,
    ...(detachedContent && { data: ab(detachedContent) }),
  });
  expect(verified).toBe(true);
  return theirs;
}

/** The TSTInfo of a token as pkijs reads it, checked against shomei's parseTstInfo. */
async function refereeTimestampToken(token: Uint8Array, tsaCertificate: Uint8Array, imprintOf: Uint8Array) {
  // pkijs checks a token's message imprint against the data it is given (RFC 3161 §2.4.2).
  const sd = await refereeSignedData(token, imprintOf);
  expect(sd.encapContentInfo.eContentType).toBe(CMS_OID.tstInfo);
  const tstDer = new Uint8Array(sd.encapContentInfo.eContent!.getValue());
  const ours = parseTstInfo(tstDer);
  const theirs = pkijs.TSTInfo.fromBER(ab(tstDer));
  expect(theirs.policy).toBe(ours.policy);
  expect(theirs.policy).toBe(TSA_POLICY_OID);
  expect(big(theirs.serialNumber.valueBlock.valueHexView)).toBe(big(ours.serial));
  expect(theirs.genTime.getTime()).toBe(ours.genTime.getTime());
  expect(theirs.messageImprint.hashAlgorithm.algorithmId).toBe('2.16.840.1.101.3.4.2.1');
  const expected = new Uint8Array(createHash('sha256').update(imprintOf).digest());
  expect(hex(theirs.messageImprint.hashedMessage.valueBlock.valueHexView)).toBe(hex(expected));
  expect(hex(ours.imprint)).toBe(hex(expected));
  // The token's signer is the time-stamping unit (RFC 3161 §2.4.2: its certificate identifies it).
  const tsa = parseCertificate(tsaCertificate);
  const sid = sd.signerInfos[0]!.sid as pkijs.IssuerAndSerialNumber | asn1js.OctetString;
  if (sid instanceof pkijs.IssuerAndSerialNumber)
    expect(big(sid.serialNumber.valueBlock.valueHexView)).toBe(big(tsa.serial));
  else expect(hex(sid.valueBlock.valueHexView)).toBe(hex(tsa.subjectKeyIdentifier!));
}

describe('pkijs referee: the authority', () => {
  let jlis: Authority;
  let rooted: Authority;
  let card: VirtualJpkiCard;
  let session: ReturnType<Authority['openSession']>;

  beforeAll(async () => {
    [jlis, rooted] = await Promise.all([
      Authority.create({ label: 'referee' }),
      Authority.create({ label: 'referee root', root: true }),
    ]);
    const operator = OperatorCard.create({ name: 'counter', pin: '2468' });
    jlis.enrolOperator(operator);
    session = jlis.openSession(operator, '2468');
    ({ card } = await jlis.issue(session, { holder: TEST_HOLDER, pins: TEST_PINS }));
  }, 120_000);

  it('J-LIS-style self-signed CAs, and the JPKI signing and authentication certificates', async () => {
    const signCa = jlis.caCertificate('sign');
    const authCa = jlis.caCertificate('auth');
    await refereeCertificate(signCa);
    await refereeCertificate(authCa);
    const sign = await refereeCertificate(card.certificate('sign'), signCa);
    const auth = await refereeCertificate(card.certificate('auth'), authCa);
    // The holder's facts are SAN otherNames (spec §11); pkijs finds each type-id.
    const san = sign.extensions!.find((e) => e.extnID === '2.5.29.17')!.parsedValue as pkijs.AltName;
    const typeIds = san.altNames.map((g) => {
      const seq = (g.value as asn1js.Constructed).valueBlock.value;
      return (seq[0] as asn1js.ObjectIdentifier).valueBlock.toString();
    });
    expect(typeIds).toEqual(
      expect.arrayContaining([JPKI_SAN_OID.name, JPKI_SAN_OID.address, JPKI_SAN_OID.birthDate]),
    );
    expect(auth.extensions!.some((e) => e.extnID === '2.5.29.17')).toBe(false);
  });

  it('CAs under a common root, and the time-stamping unit', async () => {
    const root = rooted.caCertificate('root');
    await refereeCertificate(root);
    await refereeCertificate(rooted.caCertificate('sign'), root);
    await refereeCertificate(rooted.caCertificate('auth'), root);
    await refereeCertificate(rooted.caCertificate('tsa'), rooted.caCertificate('sign'));
  });

  it('complete and delta CRLs, with a revoked card on them', async () => {
    const { card: lost } = await jlis.issue(session, { holder: TEST_HOLDER, pins: TEST_PINS });
    jlis.publishCrls({ base: true });
    jlis.revoke(session, lost, 'keyCompromise');
    jlis.publishCrls();
    const complete = await refereeCrl(jlis.crl('sign'), jlis.caCertificate('sign'));
    const delta = await refereeCrl(jlis.crl('sign', { delta: true }), jlis.caCertificate('sign'));
    const serial = big(parseCertificate(lost.certificate('sign')).serial);
    for (const crl of [complete, delta])
      expect(crl.revokedCertificates!.map((e) => big(e.userCertificate.valueBlock.valueHexView))).toContain(
        serial,
      );
    expect(delta.crlExtensions!.extensions.find((e) => e.extnID === '2.5.29.27')?.critical).toBe(true);
    await refereeCrl(rooted.crl('root'), rooted.caCertificate('root'));
    await refereeCrl(jlis.syntheticCrl(300), jlis.caCertificate('sign'));
  });

  it('OCSP responses for a good and a revoked certificate, with a nonce', async () => {
    const signCa = jlis.caCertificate('sign');
    const issuer = parseCertificate(signCa);
    const request = await buildOcspRequest(parseCertificate(card.certificate('sign')), issuer, {
      nonce: true,
    });
    const good = await refereeOcsp(jlis.respondOcsp(request.der), signCa, [signCa]);
    expect((good.tbsResponseData.responses[0]!.certStatus as asn1js.BaseBlock).idBlock.tagNumber).toBe(0);
    const nonce = good.tbsResponseData.responseExtensions!.find((e) => e.extnID === '1.3.6.1.5.5.7.48.1.2');
    expect(hex(nonce!.extnValue.valueBlock.valueHexView)).toContain(hex(request.nonce!));
    const { card: lost } = await jlis.issue(session, { holder: TEST_HOLDER, pins: TEST_PINS });
    jlis.revoke(session, lost, 'cessationOfOperation');
    const revokedRequest = await buildOcspRequest(
      parseCertificate(lost.certificate('auth')),
      parseCertificate(jlis.caCertificate('auth')),
    );
    const basic = await refereeOcsp(jlis.respondOcsp(revokedRequest.der), jlis.caCertificate('auth'), [
      jlis.caCertificate('auth'),
    ]);
    expect((basic.tbsResponseData.responses[0]!.certStatus as asn1js.BaseBlock).idBlock.tagNumber).toBe(1);
  });

  it('signCms SignedData: attached, detached, ECDSA, and CAdES-T with the authority’s time stamp', async () => {
    const content = new TextEncoder().encode('住民票の写しの交付請求書 1通');
    const rsa = await pkcs8Signer(pki.signerKey, pki.signer, { chain: [pki.intermediate] });
    const ec = await pkcs8Signer(pki.ecKey, pki.ec, { chain: [pki.intermediate] });
    const attached = await refereeSignedData(await signCms(content, rsa));
    expect(new Uint8Array(attached.encapContentInfo.eContent!.getValue())).toEqual(content);
    await refereeSignedData(await signCms(content, rsa, { detached: true }), content);
    await refereeSignedData(await signCms(content, ec, { detached: true }), content);
    const cadesT = await signCms(content, rsa, {
      detached: true,
      timestamp: authorityTimestampSource(rooted),
    });
    const sd = await refereeSignedData(cadesT, content);
    const attribute = sd.signerInfos[0]!.unsignedAttrs!.attributes.find(
      (a) => a.type === ATTRIBUTE_OID.timeStampToken,
    )!;
    const token = new Uint8Array(attribute.values[0]!.toBER());
    const signature = new Uint8Array(sd.signerInfos[0]!.signature.valueBlock.valueHexView);
    await refereeTimestampToken(token, rooted.caCertificate('tsa'), signature);
  });

  it('a time-stamp token straight from the time-stamping unit', async () => {
    const data = new TextEncoder().encode('timestamped');
    const token = await authorityTimestampSource(jlis)(data, {});
    await refereeTimestampToken(token, jlis.caCertificate('tsa'), data);
  });
});

describe('pkijs referee: the test kit', () => {
  it('an EC hierarchy with policies, name constraints, CRL DP and AIA', async () => {
    const { root, ca, leaf } = await hierarchy({
      ca: { extensions: [ext.nameConstraints({ permitted: [new Uint8Array([0x82, 3, 0x6a, 0x70, 0x00])] })] },
      leaf: {
        extensions: [
          ext.policies(['1.2.392.200149.8.5.1.1.10']),
          ext.extKeyUsage(['1.3.6.1.5.5.7.3.4']),
          ext.crlDp([{ uris: ['http://ca.example.jp/ca.crl'] }]),
          ext.aia({ ocsp: 'http://ocsp.example.jp', caIssuers: 'http://ca.example.jp/ca.crt' }),
        ],
      },
    });
    await refereeCertificate(root.der);
    await refereeCertificate(ca.der, root.der);
    await refereeCertificate(leaf.der, ca.der);
  });

  it('an RSA delegated OCSP signer, its response, and a CA-signed one', async () => {
    const { root, ca, leaf } = await hierarchy();
    const signer = await issue({
      subject: 'CN=OCSP signer,O=Shomei,C=JP',
      key: await generateKey('rsa'),
      issuer: ca,
      extensions: [ext.extKeyUsage(['1.3.6.1.5.5.7.3.9'])],
    });
    await refereeCertificate(signer.der, ca.der);
    const delegated = await buildOcspResponse({
      cert: leaf,
      issuer: ca,
      responder: signer,
      status: 'revoked',
      reason: 1,
      nonce: Uint8Array.of(1, 2, 3, 4),
    });
    await refereeOcsp(delegated, signer.der, [root.der, ca.der]);
    await refereeOcsp(await buildOcspResponse({ cert: leaf, issuer: ca, status: 'unknown' }), ca.der);
  });

  it('CRLs: entries with reasons, a delta, and an issuing distribution point', async () => {
    const { ca } = await hierarchy();
    const entries = [
      { serial: 7, reason: 1 },
      { serial: Uint8Array.of(0x7f, 0xee, 0x01), reason: 5 },
      { serial: 9 },
    ];
    await refereeCrl(await buildCrl({ issuer: ca, entries }), ca.der);
    await refereeCrl(await buildCrl({ issuer: ca, entries, deltaOf: 4 }), ca.der);
    await refereeCrl(
      await buildCrl({ issuer: ca, entries, idp: { uris: ['http://ca.example.jp/ca.crl'], onlyUser: true } }),
      ca.der,
    );
  });
});

describe('pkijs referee: it refuses what it must', () => {
  it('a certificate, a CRL and an OCSP response whose signatures were broken', async () => {
    const { ca, leaf } = await hierarchy();
    const broken = await issue({
      subject: 'CN=Broken,C=JP',
      key: leaf.key,
      issuer: ca,
      corruptSignature: true,
    });
    expect(
      await pkijs.Certificate.fromBER(ab(broken.der)).verify(pkijs.Certificate.fromBER(ab(ca.der))),
    ).toBe(false);
    const crl = pkijs.CertificateRevocationList.fromBER(
      ab(await buildCrl({ issuer: ca, corruptSignature: true })),
    );
    expect(await crl.verify({ issuerCertificate: pkijs.Certificate.fromBER(ab(ca.der)) })).toBe(false);
    await expect(
      refereeOcsp(await buildOcspResponse({ cert: leaf, issuer: ca, corruptSignature: true }), ca.der),
    ).rejects.toThrow();
  });
});

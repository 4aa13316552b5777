/**
 * A minimal built-in test CA: one self-signed signature CA and one self-signed authentication CA with
 * J-LIS-like names, issuing end-entity certificates per the JPKI profile facts of spec/jpki-card.md §11.
 * Test use only; the full Authority (separate issue) replaces it.
 *
 * Built with pkijs over the platform WebCrypto. The CA keys are WebCrypto keys made in this process;
 * the end-entity keys are generated inside the virtual card, and only their public keys arrive here.
 */
import { webcrypto } from 'node:crypto';
import {
  concatBytes,
  encodeOid,
  encodeTlv,
  JPKI_POLICY_OID,
  JPKI_SAN_OID,
  type JpkiSanField,
} from '@shomei/core';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HolderProfile } from '../card/holder.js';
import type { CertificateIssuer, CertificateRequest, IssuedCertificate } from '../card/issuer.js';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });

const RSA_PARAMS: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

/** X.500 attribute types (RFC 5280 Appendix A). */
const AT = {
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
};
const JLIS = 'Japan Agency for Local Authority Information Systems';

/**
 * spec §11: `C=JP, O=JPKI, OU=JPKI for …, OU=Japan Agency for Local Authority Information Systems`.
 * Every process makes its own test CA keys, so the first OU also carries the key identifier: two
 * test CAs never share a name, and a certificate is never checked against the wrong one by name.
 */
function caName(
  purpose: 'digital signature' | 'user authentication',
  keyId: Uint8Array,
): pkijs.RelativeDistinguishedNames {
  return names([
    [AT.country, 'JP', 'printable'],
    [AT.organization, 'JPKI', 'utf8'],
    [AT.organizationalUnit, `JPKI for ${purpose} (test CA ${keyTag(keyId)})`, 'utf8'],
    [AT.organizationalUnit, JLIS, 'utf8'],
  ]);
}

/** End-entity subject DN: not published [U]; a test serial CN under the CA's country and organisation. */
function holderName(serial: string): pkijs.RelativeDistinguishedNames {
  return names([
    [AT.country, 'JP', 'printable'],
    [AT.organization, 'JPKI', 'utf8'],
    [AT.commonName, `shomei test holder ${serial}`, 'utf8'],
  ]);
}

/**
 * A Name with one attribute per RDN (RFC 5280 §4.1.2.4). Encoded here rather than through pkijs, whose
 * RelativeDistinguishedNames puts all attributes into one multi-valued RDN; `fromBER` keeps this encoding.
 */
function names(rdns: readonly [string, string, 'printable' | 'utf8'][]): pkijs.RelativeDistinguishedNames {
  const utf8 = new TextEncoder();
  const der = encodeTlv(
    0x30,
    concatBytes(
      ...rdns.map(([type, value, kind]) =>
        encodeTlv(
          0x31,
          encodeTlv(0x30, encodeOid(type), encodeTlv(kind === 'printable' ? 0x13 : 0x0c, utf8.encode(value))),
        ),
      ),
    ),
  );
  return pkijs.RelativeDistinguishedNames.fromBER(der.slice().buffer as ArrayBuffer);
}

interface Ca {
  keys: CryptoKeyPair;
  name: pkijs.RelativeDistinguishedNames;
  certificate: Uint8Array;
  keyId: Uint8Array;
}

/** The built-in CA pair. `TestCa.create()` makes fresh CA keys; `sharedTestCa()` reuses one per process. */
export class TestCa implements CertificateIssuer {
  readonly #sign: Ca;
  readonly #auth: Ca;
  #serial = 1;

  private constructor(sign: Ca, auth: Ca) {
    this.#sign = sign;
    this.#auth = auth;
  }

  static async create(now: Date = new Date()): Promise<TestCa> {
    const [sign, auth] = await Promise.all([
      makeCa('digital signature', now),
      makeCa('user authentication', now),
    ]);
    return new TestCa(sign, auth);
  }

  get signCaCertificate(): Uint8Array {
    return this.#sign.certificate.slice();
  }

  get authCaCertificate(): Uint8Array {
    return this.#auth.certificate.slice();
  }

  async issue(request: CertificateRequest): Promise<IssuedCertificate> {
    const ca = request.kind === 'sign' ? this.#sign : this.#auth;
    const serial = randomSerial(this.#serial++);
    const now = new Date();
    const cert = new pkijs.Certificate();
    cert.version = 2;
    cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer as ArrayBuffer });
    cert.issuer = ca.name;
    cert.subject = holderName(hex(serial));
    cert.notBefore = new pkijs.Time({ type: 0, value: new Date(now.getTime() - 60_000) });
    // Validity of end-entity certificates is [U] (commonly 5 years); 5 years here.
    cert.notAfter = new pkijs.Time({ type: 0, value: addYears(now, 5) });
    cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(request.publicKey.slice().buffer as ArrayBuffer);
    const spki = request.publicKey;
    const extensions = [
      // Key usage for end-entity certificates is [U]: sign = digitalSignature + nonRepudiation, auth = digitalSignature.
      extension(
        '2.5.29.15',
        true,
        keyUsage(request.kind === 'sign' ? 0xc0 : 0x80, request.kind === 'sign' ? 6 : 7),
      ),
      extension(
        '2.5.29.32',
        false,
        encodeTlv(
          0x30,
          encodeTlv(0x30, encodeOid(request.kind === 'sign' ? JPKI_POLICY_OID.sign : JPKI_POLICY_OID.auth)),
        ),
      ),
      extension('2.5.29.35', false, encodeTlv(0x30, encodeTlv(0x80, ca.keyId))),
      extension('2.5.29.14', false, encodeTlv(0x04, await keyIdentifier(spki))),
    ];
    // spec §11: only the signing certificate carries the holder's facts, as SAN otherNames.
    if (request.kind === 'sign') extensions.push(extension('2.5.29.17', false, holderSan(request.holder)));
    cert.extensions = extensions;
    await cert.sign(ca.keys.privateKey, 'SHA-256', engine);
    return { certificate: der(cert), caCertificate: ca.certificate.slice() };
  }
}

let shared: Promise<TestCa> | undefined;

/** One test CA per process, so that many virtual cards chain to the same anchors (and tests stay fast). */
export function sharedTestCa(): Promise<TestCa> {
  shared ??= TestCa.create().catch((e) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

async function makeCa(purpose: 'digital signature' | 'user authentication', now: Date): Promise<Ca> {
  const keys = (await subtle.generateKey(RSA_PARAMS, true, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
  const keyId = await keyIdentifier(spki);
  const name = caName(purpose, keyId);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: 1 });
  cert.issuer = name;
  cert.subject = name;
  cert.notBefore = new pkijs.Time({ type: 0, value: new Date(now.getTime() - 60_000) });
  cert.notAfter = new pkijs.Time({ type: 0, value: addYears(now, 10) });
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spki.buffer as ArrayBuffer);
  cert.extensions = [
    // spec §11 [C]: keyUsage critical keyCertSign + cRLSign; basicConstraints critical CA:TRUE; SKI.
    extension('2.5.29.15', true, keyUsage(0x06, 1)),
    extension('2.5.29.19', true, encodeTlv(0x30, Uint8Array.of(0x01, 0x01, 0xff))),
    extension('2.5.29.14', false, encodeTlv(0x04, keyId)),
  ];
  await cert.sign(keys.privateKey, 'SHA-256', engine);
  return { keys, name, certificate: der(cert), keyId };
}

function extension(extnID: string, critical: boolean, value: Uint8Array): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.slice().buffer as ArrayBuffer });
}

/** KeyUsage BIT STRING (RFC 5280 §4.2.1.3): bits from the most significant end of one octet. */
function keyUsage(bits: number, unused: number): Uint8Array {
  return encodeTlv(0x03, Uint8Array.of(unused, bits));
}

/** The first four octets of a key identifier, in hex: enough to tell test CAs apart by name. */
export function keyTag(keyId: Uint8Array): string {
  return Array.from(keyId.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents. */
async function keyIdentifier(spki: Uint8Array): Promise<Uint8Array> {
  const info = pkijs.PublicKeyInfo.fromBER(spki.slice().buffer as ArrayBuffer);
  const bits = new Uint8Array(info.subjectPublicKey.valueBlock.valueHexView);
  return new Uint8Array(await subtle.digest('SHA-1', bits));
}

/**
 * SubjectAltName with one otherName per fact (spec §11): `[0] { type-id, [0] EXPLICIT UTF8String }`.
 * Sex as `1`/`2`/`9` and birth date as `E` + `YYYYMMDD` with E the Japanese era digit are third-party
 * reports [U].
 */
function holderSan(h: HolderProfile): Uint8Array {
  const facts: [JpkiSanField, string | undefined][] = [
    ['name', h.name],
    ['nameSubstitute', h.nameSubstitute],
    ['sex', h.sex === 'male' ? '1' : h.sex === 'female' ? '2' : '9'],
    ['birthDate', `${eraDigit(h.birthDate)}${h.birthDate.replaceAll('-', '')}`],
    ['address', h.address],
    ['addressSubstitute', h.addressSubstitute],
  ];
  const utf8 = new TextEncoder();
  const otherNames = facts
    .filter((f): f is [JpkiSanField, string] => f[1] !== undefined)
    .map(([field, value]) =>
      encodeTlv(0xa0, encodeOid(JPKI_SAN_OID[field]), encodeTlv(0xa0, encodeTlv(0x0c, utf8.encode(value)))),
    );
  return encodeTlv(0x30, concatBytes(...otherNames));
}

/** Era of a Gregorian date: 1 Meiji, 2 Taishō, 3 Shōwa, 4 Heisei, 5 Reiwa (first days of each era). */
export function eraDigit(isoDate: string): string {
  if (isoDate >= '2019-05-01') return '5';
  if (isoDate >= '1989-01-08') return '4';
  if (isoDate >= '1926-12-25') return '3';
  if (isoDate >= '1912-07-30') return '2';
  return '1';
}

function randomSerial(counter: number): Uint8Array {
  const out = new Uint8Array(16);
  webcrypto.getRandomValues(out);
  out[0] = (out[0]! & 0x3f) | 0x40; // positive, no leading zero octet (RFC 5280 §4.1.2.2)
  out[15] = counter & 0xff;
  return out;
}

function addYears(d: Date, years: number): Date {
  const out = new Date(d);
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

function der(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

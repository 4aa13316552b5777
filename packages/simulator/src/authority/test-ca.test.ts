import { X509Certificate } from 'node:crypto';
import {
  children,
  contentsOf,
  JPKI_POLICY_OID,
  JPKI_SAN_OID,
  readOid,
  readRoot,
  readTlv,
} from '@shomei/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOLDER, issuedCardFile } from '../../test/fixture.js';
import { VirtualJpkiCard } from '../card/virtual-card.js';
import { eraDigit } from './test-ca.js';

let card: VirtualJpkiCard;
const cert = (slot: 'sign' | 'sign-ca' | 'auth' | 'auth-ca') => new X509Certificate(card.certificate(slot));

beforeAll(async () => {
  card = VirtualJpkiCard.load(await issuedCardFile());
});

/** The SAN otherNames of a certificate as { OID: UTF8 value } (spec §11). */
function sanOtherNames(der: Uint8Array): Record<string, string> {
  // The SAN extension: OID 2.5.29.17 (06 03 55 1D 11), then (not critical) its OCTET STRING.
  const at = Buffer.from(der).indexOf(Buffer.from('0603551d11', 'hex')) + 5;
  const inner = contentsOf(der, readTlv(der, at));
  const out: Record<string, string> = {};
  for (const otherName of children(inner, readRoot(inner))) {
    const [oid, explicit] = children(inner, otherName);
    const [value] = children(inner, explicit!);
    out[readOid(inner, oid!)] = new TextDecoder().decode(contentsOf(inner, value!));
  }
  return out;
}

describe('built-in test CA (spec §11)', () => {
  it('names the sign CA like J-LIS, with its key identifier so that no two test CAs share a name', () => {
    expect(cert('sign-ca').subject.split('\n')).toEqual([
      'C=JP',
      'O=JPKI',
      expect.stringMatching(/^OU=JPKI for digital signature \(test CA [0-9a-f]{8}\)$/),
      'OU=Japan Agency for Local Authority Information Systems',
    ]);
    const tag = (c: string) => /test CA ([0-9a-f]{8})/.exec(cert(c as 'sign-ca').subject)?.[1];
    expect(tag('sign-ca')).not.toBe(tag('auth-ca'));
  });

  it('names the auth CA like J-LIS', () => {
    expect(cert('auth-ca').subject).toContain('OU=JPKI for user authentication');
  });

  it('makes self-signed CA certificates with CA:TRUE', () => {
    const ca = cert('sign-ca');
    expect([ca.ca, ca.verify(ca.publicKey), ca.issuer === ca.subject]).toEqual([true, true, true]);
  });

  it('signs the sign certificate with the sign CA', () => {
    expect(cert('sign').verify(cert('sign-ca').publicKey)).toBe(true);
  });

  it('signs the auth certificate with the auth CA', () => {
    expect(cert('auth').verify(cert('auth-ca').publicKey)).toBe(true);
  });

  it('puts the holder facts into the sign certificate SAN otherNames', () => {
    expect(sanOtherNames(card.certificate('sign'))).toEqual({
      [JPKI_SAN_OID.name]: HOLDER.name,
      [JPKI_SAN_OID.sex]: '2',
      [JPKI_SAN_OID.birthDate]: '319850401',
      [JPKI_SAN_OID.address]: HOLDER.address,
    });
  });

  it('gives the auth certificate no SAN', () => {
    expect(cert('auth').subjectAltName).toBeUndefined();
  });

  it('uses the JPKI certificate policies', () => {
    const hexOf = (oid: string) => Buffer.from(oidBytes(oid)).toString('hex');
    expect([
      cert('sign').raw.toString('hex').includes(hexOf(JPKI_POLICY_OID.sign)),
      cert('auth').raw.toString('hex').includes(hexOf(JPKI_POLICY_OID.auth)),
    ]).toEqual([true, true]);
  });

  it('gives the sign certificate digitalSignature + nonRepudiation', () => {
    // KeyUsage BIT STRING 03 02 06 C0 (RFC 5280 §4.2.1.3).
    expect(cert('sign').raw.toString('hex')).toContain('0603551d0f0101ff0404030206c0');
  });
});

describe('eraDigit', () => {
  it.each([
    ['1912-07-29', '1'],
    ['1912-07-30', '2'],
    ['1926-12-25', '3'],
    ['1989-01-07', '3'],
    ['1989-01-08', '4'],
    ['2019-04-30', '4'],
    ['2019-05-01', '5'],
  ])('%s is era %s', (date, era) => {
    expect(eraDigit(date)).toBe(era);
  });
});

function oidBytes(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const n of parts.slice(2)) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return Uint8Array.of(0x06, out.length, ...out);
}

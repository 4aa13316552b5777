/**
 * The holder's four basic facts (基本4情報) carried in a JPKI signing certificate's subjectAltName as
 * otherNames 1.2.392.200149.8.5.5.1–6 (spec/jpki-card.md §11). Values are kept exactly as encoded:
 * the birth-date format (reportedly `EYYYYMMDD`) and the sex code are [U] in the spec.
 */
import { readRoot } from '../der/reader.js';
import { coreError } from '../errors.js';
import { type Certificate, parseCertificate } from '../x509/certificate.js';
import { decodeString } from '../x509/name.js';
import { JPKI_SAN_OID, type JpkiSanField } from './oids.js';

export interface JpkiIdentity {
  /** 氏名 */
  readonly name: string;
  /** 氏名代替文字: the name with characters outside the character set replaced, when present. */
  readonly nameSubstitute?: string;
  /** 住所 */
  readonly address: string;
  /** 住所代替文字 */
  readonly addressSubstitute?: string;
  /** 生年月日 as encoded (reportedly era digit + YYYYMMDD). */
  readonly birthDate: string;
  /** 性別 as encoded (a code such as "1"). */
  readonly sex: string;
}

const FIELD_BY_OID = new Map<string, JpkiSanField>(
  Object.entries(JPKI_SAN_OID).map(([field, oid]) => [oid, field as JpkiSanField]),
);

const STRING_TAGS = new Set([0x0c, 0x13, 0x16, 0x1a, 0x14, 0x12, 0x1e]);

/**
 * The JPKI identity of a certificate, or `undefined` when it carries none (an authentication
 * certificate, or a certificate outside the JPKI profile). Throws `JPKI_IDENTITY_MALFORMED` when the
 * profile's fields are present but incomplete or not strings, and `CERT_MALFORMED` for a bad certificate.
 */
export function parseJpkiIdentity(certificate: Uint8Array | Certificate): JpkiIdentity | undefined {
  const cert = certificate instanceof Uint8Array ? parseCertificate(certificate) : certificate;
  const found: Partial<Record<JpkiSanField, string>> = {};
  for (const gn of cert.subjectAltName ?? []) {
    if (gn.type !== 'otherName') continue;
    const field = FIELD_BY_OID.get(gn.typeId);
    if (!field) continue;
    const tlv = (() => {
      try {
        return readRoot(gn.value);
      } catch (cause) {
        throw coreError('JPKI_IDENTITY_MALFORMED', `The JPKI ${field} value is not valid DER.`, { cause });
      }
    })();
    if (!STRING_TAGS.has(tlv.tag)) {
      throw coreError('JPKI_IDENTITY_MALFORMED', `The JPKI ${field} value is not a string (tag ${tlv.tag}).`);
    }
    if (found[field] !== undefined) {
      throw coreError('JPKI_IDENTITY_MALFORMED', `The JPKI ${field} field appears twice.`);
    }
    found[field] = decodeString(tlv.tag, gn.value.subarray(tlv.valueOffset, tlv.end));
  }
  if (Object.keys(found).length === 0) return undefined;
  const { name, address, birthDate, sex, nameSubstitute, addressSubstitute } = found;
  if (name === undefined || address === undefined || birthDate === undefined || sex === undefined) {
    const missing = (['name', 'address', 'birthDate', 'sex'] as const).filter((f) => found[f] === undefined);
    throw coreError('JPKI_IDENTITY_MALFORMED', `The JPKI identity lacks ${missing.join(', ')}.`, {
      details: { missing },
    });
  }
  return {
    name,
    ...(nameSubstitute !== undefined ? { nameSubstitute } : {}),
    address,
    ...(addressSubstitute !== undefined ? { addressSubstitute } : {}),
    birthDate,
    sex,
  };
}

/** GeneralName and GeneralNames (RFC 5280 §4.2.1.6). */
import { children, contentsOf, encodingOf, readOid, readRoot, type Tlv } from '../der/reader.js';
import { coreError } from '../errors.js';
import { decodeString, type Name, parseNameAt } from './name.js';

export type GeneralName =
  | {
      readonly type: 'otherName';
      readonly typeId: string /** DER of the [0] EXPLICIT value's inner element. */;
      readonly value: Uint8Array;
    }
  | { readonly type: 'rfc822Name'; readonly value: string }
  | { readonly type: 'dNSName'; readonly value: string }
  | { readonly type: 'x400Address'; readonly der: Uint8Array }
  | { readonly type: 'directoryName'; readonly name: Name }
  | { readonly type: 'ediPartyName'; readonly der: Uint8Array }
  | { readonly type: 'uniformResourceIdentifier'; readonly value: string }
  | { readonly type: 'iPAddress'; readonly bytes: Uint8Array }
  | { readonly type: 'registeredID'; readonly oid: string };

export type GeneralNameType = GeneralName['type'];

const ia5 = (v: Uint8Array): string => decodeString(0x16, v);

/** Parses one GeneralName element (context-tagged, RFC 5280 §4.2.1.6 — IMPLICIT tags except [4]). */
export function parseGeneralNameAt(bytes: Uint8Array, tlv: Tlv): GeneralName {
  if (tlv.tagClass !== 2) throw coreError('DER_MALFORMED', 'GeneralName must be context-tagged.');
  switch (tlv.tagNumber) {
    case 0: {
      // OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
      const [id, val] = children(bytes, tlv);
      if (!id || !val || val.tag !== 0xa0) throw coreError('DER_MALFORMED', 'OtherName is malformed.');
      const inner = children(bytes, val);
      if (inner.length !== 1) throw coreError('DER_MALFORMED', 'OtherName value must hold one element.');
      return { type: 'otherName', typeId: readOid(bytes, id), value: encodingOf(bytes, inner[0]!) };
    }
    case 1:
      return { type: 'rfc822Name', value: ia5(contentsOf(bytes, tlv)) };
    case 2:
      return { type: 'dNSName', value: ia5(contentsOf(bytes, tlv)) };
    case 3:
      return { type: 'x400Address', der: encodingOf(bytes, tlv) };
    case 4: {
      const inner = children(bytes, tlv);
      if (inner.length !== 1) throw coreError('DER_MALFORMED', 'directoryName must hold one Name.');
      return { type: 'directoryName', name: parseNameAt(bytes, inner[0]!) };
    }
    case 5:
      return { type: 'ediPartyName', der: encodingOf(bytes, tlv) };
    case 6:
      return { type: 'uniformResourceIdentifier', value: ia5(contentsOf(bytes, tlv)) };
    case 7:
      return { type: 'iPAddress', bytes: contentsOf(bytes, tlv) };
    case 8: {
      // registeredID [8] IMPLICIT OBJECT IDENTIFIER: re-tag to decode.
      const v = contentsOf(bytes, tlv);
      const tmp = new Uint8Array(v.length + 2);
      tmp[0] = 0x06;
      tmp[1] = v.length;
      tmp.set(v, 2);
      if (v.length > 127) throw coreError('DER_MALFORMED', 'registeredID too long.');
      return { type: 'registeredID', oid: readOid(tmp, readRoot(tmp)) };
    }
    default:
      throw coreError('DER_MALFORMED', `Unknown GeneralName tag [${tlv.tagNumber}].`);
  }
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (or the children of an implicitly tagged one). */
export function parseGeneralNamesAt(bytes: Uint8Array, seq: Tlv): GeneralName[] {
  return children(bytes, seq).map((c) => parseGeneralNameAt(bytes, c));
}

/** A readable form, e.g. `dNSName:example.jp`, `otherName:1.2.392…`. */
export function formatGeneralName(g: GeneralName): string {
  switch (g.type) {
    case 'otherName':
      return `otherName:${g.typeId}`;
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      return `${g.type}:${g.value}`;
    case 'directoryName':
      return `directoryName:${g.name.text}`;
    case 'iPAddress':
      return `iPAddress:${formatIp(g.bytes)}`;
    case 'registeredID':
      return `registeredID:${g.oid}`;
    case 'x400Address':
    case 'ediPartyName':
      return g.type;
  }
}

function formatIp(b: Uint8Array): string {
  if (b.length === 4 || b.length === 8) {
    const addr = Array.from(b.subarray(0, 4)).join('.');
    return b.length === 8 ? `${addr}/${Array.from(b.subarray(4)).join('.')}` : addr;
  }
  const groups: string[] = [];
  for (let i = 0; i + 1 < Math.min(b.length, 16); i += 2)
    groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return b.length === 32 ? `${groups.join(':')}/mask` : groups.join(':');
}

/**
 * CAdES archive-time-stamp-v3 (ETSI EN 319 122-1 §5.5.3) and its ats-hash-index-v3 (§5.5.2).
 * The archive timestamp's imprint is the hash of the concatenation of:
 *   1. the eContentType element of the root SignedData;
 *   2. the hash of the signed content (eContent octets, or the detached content);
 *   3. the SignerInfo's version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm and signature
 *      elements, as encoded, in order;
 *   4. the DER ATSHashIndexV3 value carried as an unsigned attribute of the timestamp token.
 * ATSHashIndexV3 lists the hash of each certificate and each RevocationInfoChoice of the root
 * SignedData and, for each unsigned attribute of the SignerInfo, the hash of attrType followed by one
 * AttributeValue (one entry per value). Evidence added later (new revocation data, the next archive
 * timestamp) is outside the index and leaves this timestamp valid; anything it lists must still be
 * present unchanged.
 */

import { DIGEST_BY_OID, digestAlgorithmIdentifier } from '../cms/algorithms.js';
import type { HashFactory } from '../cms/hasher.js';
import { bytesEqual } from '../der/bytes.js';
import { children, contentsOf, expectTag, readOid, readRoot, Tag } from '../der/reader.js';
import { concatBytes, encodeTlv } from '../der/writer.js';
import type { HashAlgorithmName } from '../signer.js';
import { isStrongDigest } from '../x509/algorithms.js';
import type { RawSignedData, RawSignerInfo } from './cms-structure.js';
import { digestWith } from './content.js';

/** The DER ATSHashIndexV3 for the signature as it is now. */
export async function atsHashIndexV3(
  sd: RawSignedData,
  si: RawSignerInfo,
  hash: HashAlgorithmName,
  hasher?: HashFactory,
): Promise<Uint8Array> {
  const octets = async (items: readonly Uint8Array[]) =>
    encodeTlv(
      Tag.SEQUENCE,
      ...(await Promise.all(
        items.map(async (i) => encodeTlv(Tag.OCTET_STRING, await digestWith(hasher, hash, i))),
      )),
    );
  const attrValues = si.unsigned.flatMap((a) => a.values.map((v) => concatBytes(a.type, v)));
  return encodeTlv(
    Tag.SEQUENCE,
    digestAlgorithmIdentifier(hash),
    await octets(sd.certificates),
    await octets(sd.crls),
    await octets(attrValues),
  );
}

/** The bytes whose hash is the archive timestamp's imprint (items 1–4 above). */
export function atsV3Input(
  sd: RawSignedData,
  si: RawSignerInfo,
  contentHash: Uint8Array,
  hashIndex: Uint8Array,
): Uint8Array {
  return concatBytes(sd.eContentType, contentHash, ...si.signedFields, hashIndex);
}

export type HashIndexCheck =
  | { readonly ok: true; readonly hash: HashAlgorithmName }
  | { readonly ok: false; readonly detail: string };

/**
 * §5.5.2: the index is invalid when one of its entries matches no certificate, RevocationInfoChoice
 * or attribute value present now. Returns the index's hash algorithm when every entry is found.
 */
export async function checkHashIndex(
  index: Uint8Array,
  sd: RawSignedData,
  si: RawSignerInfo,
  hasher?: HashFactory,
): Promise<HashIndexCheck> {
  let alg: HashAlgorithmName;
  let lists: Uint8Array[][];
  try {
    const parts = children(index, expectTag(readRoot(index), Tag.SEQUENCE, 'ATSHashIndexV3'));
    let i = 0;
    alg = 'SHA-256';
    if (parts[0]?.tag === Tag.SEQUENCE && parts.length === 4) {
      const [oid] = children(index, parts[0]);
      const name = DIGEST_BY_OID[readOid(index, oid!)];
      if (!name || !isStrongDigest(name))
        return { ok: false, detail: `the hash index uses ${name ?? 'an unknown algorithm'}` };
      alg = name;
      i = 1;
    }
    lists = parts
      .slice(i)
      .map((seq) =>
        children(index, expectTag(seq, Tag.SEQUENCE, 'hash list')).map((o) =>
          contentsOf(index, expectTag(o, Tag.OCTET_STRING, 'hash')),
        ),
      );
    if (lists.length !== 3) return { ok: false, detail: 'the hash index does not have three lists' };
  } catch {
    return { ok: false, detail: 'the hash index is malformed' };
  }
  // Each entry must match an item present now. Items are hashed when first needed, at most once:
  // entries list them in order, and what was added after the index (the archive timestamp itself,
  // later evidence) is never hashed.
  const unsigned = si.unsigned.flatMap((a) => a.values.map((v) => [a.type, v] as const));
  const pools: readonly (readonly unknown[])[] = [sd.certificates, sd.crls, unsigned];
  const bytesOf = (k: number, i: number): Uint8Array =>
    k < 2 ? (pools[k]![i] as Uint8Array) : concatBytes(...(unsigned[i] as readonly [Uint8Array, Uint8Array]));
  const names = ['certificate', 'revocation entry', 'unsigned attribute value'];
  for (let k = 0; k < 3; k++) {
    const hashes: (Uint8Array | undefined)[] = [];
    let next = 0;
    for (const h of lists[k]!) {
      let found = false;
      // Look where the previous entry matched first, then everywhere.
      for (let n = 0; n < pools[k]!.length && !found; n++) {
        const i = (next + n) % pools[k]!.length;
        hashes[i] ??= await digestWith(hasher, alg, bytesOf(k, i));
        if (bytesEqual(hashes[i]!, h)) {
          found = true;
          next = i + 1;
        }
      }
      if (!found)
        return { ok: false, detail: `a ${names[k]} covered by the archive timestamp is missing or altered` };
    }
  }
  return { ok: true, hash: alg };
}

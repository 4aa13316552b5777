/**
 * A CAdES signature as long-term validation reads it: the SignedData in its parts and parsed for
 * verification, and per SignerInfo the embedded validation material and its timestamp tokens. An
 * archive is validated again and again over the years (and a portal re-checks what it stores), so
 * the reading is kept in the context and found again by content (memo.ts: confirmed byte for byte
 * against a private copy; the parts are views of that copy, which nothing writes to).
 *
 * Kept with it are results that are pure functions of those bytes and the hash implementation:
 * whether each timestamp covers what it must (its imprint against the signature value, or the
 * archive timestamp's ats-hash-index-v3 and imprint against the SignedData as it is). They are kept
 * per hasher and only when nothing outside the bytes enters them (an archive timestamp over a
 * detached signature also covers the caller's content, so it is computed on every call).
 */
import type { HashFactory } from '../cms/hasher.js';
import { ATTRIBUTE_OID } from '../cms/oids.js';
import type { SignedData } from '../cms/signed-data.js';
import { isShomeiError } from '../errors.js';
import type { ReportCheck, SignerReport } from '../report/types.js';
import type { HashAlgorithmName } from '../signer.js';
import type { Certificate } from '../x509/certificate.js';
import { contextSlot, type ShomeiContext } from '../x509/context.js';
import { type RawSignedData, type RawSignerInfo, readSignedDataViews } from './cms-structure.js';
import { addTokenMaterial, cmsMaterial, type EvidenceMaterial } from './material.js';
import { BytesMemo } from './memo.js';
import { LTV_OID } from './oids.js';
import type { TimestampInput } from './past-validation.js';
import { type MaterialSources, sourcesOf } from './revocation-at.js';
import { type ParsedToken, readToken } from './token.js';

export interface TokenPart {
  readonly der: Uint8Array;
  readonly kind: Extract<TimestampInput['kind'], 'signature-timestamp' | 'archive-timestamp'>;
  /** Undefined when the token cannot be read (FORMAT_FAILURE). */
  readonly token: ParsedToken | undefined;
}

/** What a timestamp was found to cover (HASH_FAILURE with `detail` when not). */
export type Coverage = { readonly covered: true } | { readonly covered: false; readonly detail: string };

/**
 * The signer's SignerInfo checks (signature value, messageDigest, contentType, signing-certificate
 * binding) found passed with `cert` over these bytes, under the verifier, hasher and algorithm
 * policy named; with what the report says of the signer when they pass.
 */
export interface SignerVerdict {
  readonly by: object;
  readonly hasher: object;
  readonly policy: string;
  readonly cert: Certificate;
  readonly checks: readonly ReportCheck[];
  readonly signer: SignerReport['signer'];
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
}

export interface SignerParts {
  readonly rsi: RawSignerInfo;
  /** The material of the SignedData and the RFC 5126 attributes: copy before adding to it. */
  readonly material: EvidenceMaterial;
  /** `material` with the certificates and revocation data inside the tokens added (copy it too). */
  readonly withTokens: EvidenceMaterial;
  readonly tokens: readonly TokenPart[];
  readonly signatureTimestamps: number;
  readonly archiveTimestamps: number;
  /** The SignedData with this signer alone and no evidence: what its signature check is given. */
  readonly bare: SignedData;
  /** The revocation sources of `withTokens`, parsed (once per context: the parts belong to one). */
  sources(context: ShomeiContext): MaterialSources;
  /** SignerInfo checks found passed, per verifier, hasher and policy (validate-cms.ts signerAt). */
  readonly verdicts: SignerVerdict[];
  /** Coverage per token index, per hasher (`WEBCRYPTO_HASHES` when none is given). */
  readonly coverage: WeakMap<object, Map<number, Coverage>>;
}

export interface CmsParts {
  readonly raw: RawSignedData;
  readonly sd: SignedData;
  readonly signers: readonly SignerParts[];
  /** Hashers that remember the digests of `sd.content`, per hasher given (contentHasher). */
  readonly hashers: WeakMap<HashFactory, HashFactory>;
}

/**
 * `hasher` with the digests of the encapsulated content remembered: that content is a view of the
 * context's private copy, so its digest cannot go stale. Any other bytes are hashed as `hasher`
 * hashes them. Only a hasher with a one-shot digest is wrapped (WebCrypto's is asynchronous).
 */
export function contentHasher(parts: CmsParts, hasher: HashFactory | undefined): HashFactory | undefined {
  const once = hasher?.digestOnce;
  const content = parts.sd.content;
  if (!hasher || !once || !content) return hasher;
  let wrapped = parts.hashers.get(hasher);
  if (!wrapped) {
    const digests = new Map<HashAlgorithmName, Uint8Array>();
    const digestOnce = (hash: HashAlgorithmName, bytes: Uint8Array): Uint8Array => {
      if (bytes !== content) return once(hash, bytes);
      let d = digests.get(hash);
      if (!d) {
        d = once(hash, bytes);
        digests.set(hash, d);
      }
      return d.slice();
    };
    wrapped = Object.assign((hash: HashAlgorithmName) => hasher(hash), { digestOnce });
    parts.hashers.set(hasher, wrapped);
  }
  return wrapped;
}

// Archived signatures of up to 16 MiB are kept, 256 of them, in all at most 64 MiB per context.
const PARSED = contextSlot<BytesMemo<CmsParts | string>>('long-term: CAdES signatures read');

function signerParts(raw: RawSignedData, sd: SignedData, index: number): SignerParts {
  const rsi = raw.signerInfos[index]!;
  const psi = sd.signerInfos[index]!;
  const material = cmsMaterial(raw, rsi);
  const tokens: TokenPart[] = [];
  let signatureTimestamps = 0;
  let archiveTimestamps = 0;
  for (const a of rsi.unsigned) {
    if (a.oid === ATTRIBUTE_OID.timeStampToken) {
      for (const der of a.values) tokens.push({ der, kind: 'signature-timestamp', token: readToken(der) });
      signatureTimestamps += a.values.length;
    }
  }
  for (const a of rsi.unsigned) {
    if (a.oid === LTV_OID.archiveTimestampV3) {
      for (const der of a.values) tokens.push({ der, kind: 'archive-timestamp', token: readToken(der) });
      archiveTimestamps += a.values.length;
    }
  }
  const withTokens = copyMaterial(material);
  let parsed: MaterialSources | undefined;
  for (const t of tokens) if (t.token) addTokenMaterial(withTokens, t.token.raw);
  return {
    rsi,
    material,
    withTokens,
    tokens,
    signatureTimestamps,
    archiveTimestamps,
    bare: { ...sd, certificates: [], crls: [], signerInfos: [{ ...psi, unsignedAttrs: [] }] },
    coverage: new WeakMap(),
    verdicts: [],
    sources(context) {
      parsed ??= sourcesOf(withTokens, context);
      return parsed;
    },
  };
}

/** A copy of the material's lists (the certificates and byte arrays themselves are shared). */
export const copyMaterial = (m: EvidenceMaterial): EvidenceMaterial => ({
  certificates: [...m.certificates],
  crls: [...m.crls],
  ocsp: [...m.ocsp],
});

/** Reads `signed` (or finds it read before in `context`); a string says why it cannot be read. */
export function readCms(signed: Uint8Array, context: ShomeiContext): CmsParts | string {
  const memo = context.slot(PARSED, () => new BytesMemo<CmsParts | string>(256, 64 * 1024 * 1024));
  return memo.get(signed, (copy) => {
    try {
      // One walk gives both views: the parts (for the evidence and the hash index) and the parse.
      const { raw, sd } = readSignedDataViews(copy);
      if (sd.signerInfos.length === 0 || sd.signerInfos.length !== raw.signerInfos.length)
        return 'the SignedData has no signer';
      return {
        raw,
        sd,
        signers: sd.signerInfos.map((_, i) => signerParts(raw, sd, i)),
        hashers: new WeakMap(),
      };
    } catch (e) {
      return isShomeiError(e) ? e.message.replace(/\.$/, '') : 'the signature could not be read';
    }
  });
}

/**
 * `signCms`: CMS SignedData (RFC 5652 §5) with CAdES-BES signed attributes, attached or detached.
 * The content is hashed as a stream; only the DER of the small structures is built in memory.
 */
import { contentsOf, readRoot } from '../der/reader.js';
import { encodeOid, encodeSmallInteger, encodeTlv } from '../der/writer.js';
import { coreError, throwIfAborted } from '../errors.js';
import type { HashAlgorithmName, Signer } from '../signer.js';
import { ecdsaRawToDer } from '../x509/ecdsa-signature.js';
import { digestAlgorithmIdentifier, signatureAlgorithmIdentifier } from './algorithms.js';
import { certificateIds } from './certificate-ids.js';
import { type ContentInput, type HashContentOptions, hashContent } from './content.js';
import { digestInfo } from './digest-info.js';
import { digestBytes } from './hasher.js';
import { ATTRIBUTE_OID, CMS_OID } from './oids.js';
import { attribute, signedAttributes } from './signed-attributes.js';

/** Obtains an RFC 3161 TimeStampToken (DER ContentInfo) over the given signature value. */
export type TimestampSource = (
  signatureValue: Uint8Array,
  options: { signal?: AbortSignal },
) => Promise<Uint8Array>;

export interface SignCmsOptions extends Omit<HashContentOptions, 'keep'> {
  /** Digest algorithm. Default SHA-256, or the signer's fixed hash when it signs data itself. */
  hash?: HashAlgorithmName;
  /** Leave the content out of the SignedData (a `.p7s` beside the file). Default false (attached). */
  detached?: boolean;
  /** signingTime attribute value. Default: now. `null` omits the attribute. */
  signingTime?: Date | null;
  /** Certificates to embed. Default: the signer's certificate followed by its chain. */
  certificates?: readonly Uint8Array[];
  /** eContentType. Default id-data. */
  contentType?: string;
  /** Adds a signature timestamp (CAdES-T); see `tsaTimestamp(url)`. */
  timestamp?: TimestampSource;
}

const SIGNING_HASHES: readonly HashAlgorithmName[] = ['SHA-256', 'SHA-384', 'SHA-512'];

function chooseHash(signer: Signer, requested: HashAlgorithmName | undefined): HashAlgorithmName {
  const fixed = signer.algorithm.input === 'data' ? signer.algorithm.hash : undefined;
  const hash = requested ?? fixed ?? 'SHA-256';
  if (!SIGNING_HASHES.includes(hash)) {
    throw coreError('INPUT_INVALID', `signCms signs with SHA-256, SHA-384 or SHA-512, not ${hash}.`);
  }
  if (fixed && fixed !== hash) {
    throw coreError(
      'INPUT_INVALID',
      `This signer hashes with ${fixed}; it cannot make a ${hash} signature. Ask it for ${hash} or omit the hash option.`,
    );
  }
  return hash;
}

/** Builds a DER ContentInfo holding SignedData, signed by `signer`, over `content`. */
export async function signCms(
  content: ContentInput,
  signer: Signer,
  options: SignCmsOptions = {},
): Promise<Uint8Array> {
  const hash = chooseHash(signer, options.hash);
  const signal = options.signal;
  const ids = certificateIds(signer.certificate);
  const contentType = options.contentType ?? CMS_OID.data;
  const hashed = await hashContent(content, hash, {
    ...(options.hasher ? { hasher: options.hasher } : {}),
    ...(signal ? { signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    keep: !options.detached,
  });
  throwIfAborted(signal);

  const signingTime = options.signingTime === undefined ? new Date() : options.signingTime;
  const attrs = signedAttributes({
    contentType,
    messageDigest: hashed.digest,
    ...(signingTime ? { signingTime } : {}),
    hash,
    certHash: await digestBytes(hash, signer.certificate),
    ids,
  });

  const keyType = signer.algorithm.name === 'ECDSA' ? 'EC' : 'RSA';
  let signature: Uint8Array;
  try {
    const input =
      signer.algorithm.input === 'digest-info' ? digestInfo(hash, await digestBytes(hash, attrs)) : attrs;
    signature = await signer.sign(input, { hash, ...(signal ? { signal } : {}) });
  } catch (cause) {
    if ((cause as { code?: string }).code) throw cause;
    throw coreError('SIGNER_FAILED', undefined, { cause });
  }
  if (!(signature instanceof Uint8Array) || signature.length === 0) throw coreError('SIGNER_FAILED');
  if (keyType === 'EC') signature = ecdsaRawToDer(signature);

  const unsigned: Uint8Array[] = [];
  if (options.timestamp) {
    const token = await options.timestamp(signature, signal ? { signal } : {});
    unsigned.push(attribute(ATTRIBUTE_OID.timeStampToken, token));
  }

  // RFC 5652 §5.3: version 1 with issuerAndSerialNumber; signedAttrs is [0] IMPLICIT SET OF Attribute.
  const signerInfo = encodeTlv(
    0x30,
    encodeSmallInteger(1),
    encodeTlv(0x30, ids.issuer, encodeTlv(0x02, ids.serial)),
    digestAlgorithmIdentifier(hash),
    encodeTlv(0xa0, contentsOf(attrs, readRoot(attrs))),
    signatureAlgorithmIdentifier(keyType, hash),
    encodeTlv(0x04, signature),
    ...(unsigned.length > 0 ? [encodeTlv(0xa1, ...unsigned)] : []),
  );
  const certificates = options.certificates ?? [signer.certificate, ...(signer.chain ?? [])];
  const encap = encodeTlv(
    0x30,
    encodeOid(contentType),
    ...(options.detached ? [] : [encodeTlv(0xa0, encodeTlv(0x04, hashed.bytes ?? new Uint8Array(0)))]),
  );
  // RFC 5652 §5.1: version 1 for id-data content, no attribute certificates, v1 SignerInfos;
  // version 3 when the eContentType is anything else.
  const signedData = encodeTlv(
    0x30,
    encodeSmallInteger(contentType === CMS_OID.data ? 1 : 3),
    encodeTlv(0x31, digestAlgorithmIdentifier(hash)),
    encap,
    ...(certificates.length > 0 ? [encodeTlv(0xa0, ...certificates)] : []),
    encodeTlv(0x31, signerInfo),
  );
  return encodeTlv(0x30, encodeOid(CMS_OID.signedData), encodeTlv(0xa0, signedData));
}

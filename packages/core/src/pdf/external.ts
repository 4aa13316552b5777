/**
 * External signing for PDF (PAdES): "prepare → sign the hash elsewhere → finish". `prepareExternalPdf`
 * lays out the incremental update with its zero-filled /Contents hole and fixed /ByteRange
 * (ISO 32000-1 §12.8.1), hashes the bytes outside the hole and builds the CMS signed attributes over
 * that digest (RFC 5652 §5.4); their digest is what the card signs. `finishExternalPdf` rebuilds the
 * signed attributes from the same bytes, refuses a signature that does not verify over them with the
 * prepared certificate, and writes the CMS into the hole.
 *
 * The state is JSON: the update without its hole (a few KB; more with a visible signature, whose
 * font subset it carries) and the CMS state of `prepareExternalCms`. It holds no secret; everything
 * in it is either written into the file under the signature or checked against it, so a changed
 * state cannot produce a valid signature without the key of the certificate it names.
 */
import {
  checkPreparedCms,
  finishExternalCms,
  type PreparedCmsSignature,
  prepareExternalCms,
} from '../cms/external.js';
import type { TimestampSource } from '../cms/sign.js';
import { fromBase64, toBase64 } from '../der/bytes.js';
import { coreError, throwIfAborted } from '../errors.js';
import type { HashAlgorithmName, Signer } from '../signer.js';
import { PdfDocument } from './document.js';
import {
  embedPdfSignature,
  type PdfSubFilter,
  type PreparedPdfSignature,
  preparePdfSignature,
  type SignPdfOptions,
  signedChunks,
} from './sign.js';
import { bytesSource, type PdfSource, rangeChunks } from './source.js';

export interface PrepareExternalPdfOptions
  extends Omit<SignPdfOptions, 'timestamp' | 'hasher' | 'onProgress'> {
  /** DER certificate of the key that will sign (for a JPKI card: its signing certificate). */
  certificate: Uint8Array;
  /** Issuing chain to embed (leaf's issuer first). */
  chain?: readonly Uint8Array[];
  /** Reserve room for a signature timestamp that `finishExternalPdf` will add (PAdES B-T). */
  timestamp?: boolean;
}

/** What `finishExternalPdf` needs besides the original PDF and the signature (JSON-serialisable). */
export interface PreparedExternalPdf {
  readonly format: 'pdf';
  readonly hash: HashAlgorithmName;
  /** Digest of the DER signed attributes: what the external signer signs. */
  readonly digest: string;
  /** `digest` as a DER DigestInfo (RFC 8017 §9.2), base64, for signers that take one. */
  readonly digestInfo: string;
  readonly subFilter: PdfSubFilter;
  /** Size of the original file; the update is appended at this offset. */
  readonly originalSize: number;
  /** base64 of the update with the /Contents hole cut out. */
  readonly update: string;
  /** Offset of the hole inside the update (its `<`) and its length in bytes, `<` and `>` included. */
  readonly holeOffset: number;
  readonly holeLength: number;
  /** The CMS signed-attributes state (`prepareExternalCms`), with the same digest. */
  readonly cms: PreparedCmsSignature;
}

export interface FinishExternalPdfOptions {
  /** The certificate the external signer returned: refused with EXTERNAL_CERTIFICATE_MISMATCH unless it is the prepared one. */
  certificate?: Uint8Array;
  /** Signature timestamp (PAdES B-T); prepare with `timestamp: true` so that it fits. */
  timestamp?: TimestampSource;
  signal?: AbortSignal;
}

const sourceOf = (pdf: Uint8Array | PdfSource): PdfSource =>
  pdf instanceof Uint8Array ? bytesSource(pdf) : pdf;

/** Step 1: the update and the hash to sign. The PDF is hashed here and again in `finishExternalPdf`. */
export async function prepareExternalPdf(
  pdf: Uint8Array | PdfSource,
  options: PrepareExternalPdfOptions,
): Promise<PreparedExternalPdf> {
  const { certificate, chain = [], timestamp, ...pdfOptions } = options;
  throwIfAborted(options.signal);
  const source = sourceOf(pdf);
  const doc = await PdfDocument.open(source, options.signal ? { signal: options.signal } : {});
  const subFilter = pdfOptions.subFilter ?? 'adbe.pkcs7.detached';
  const hash = pdfOptions.hash ?? 'SHA-256';
  // One time, whole seconds, for /M and (adbe.pkcs7.detached only) the signingTime attribute.
  const time = new Date(Math.floor((pdfOptions.signingTime ?? new Date()).getTime() / 1000) * 1000);
  // The layout only reads the certificates (size estimate, visible name); it never signs.
  const layoutSigner: Signer = {
    certificate,
    chain,
    algorithm: { name: 'RSASSA-PKCS1-v1_5', input: 'data', hash },
    sign: () => Promise.reject(coreError('SIGNER_FAILED', 'The layout signer does not sign.')),
  };
  const prepared = await preparePdfSignature(doc, layoutSigner, {
    ...pdfOptions,
    signingTime: time,
    // Only the presence of a timestamp source matters to the layout (8 KiB more room); finish brings the real one.
    ...(timestamp ? { timestamp: () => Promise.reject(coreError('SIGNER_FAILED')) } : {}),
  });
  const cms = await prepareExternalCms(
    signedChunks(rangeChunks(source, 0, source.size, options.signal), prepared),
    {
      certificate,
      chain,
      hash,
      detached: true,
      // ETSI EN 319 142-1 §5.4 (PAdES): the time is /M; a signingTime attribute shall not be present.
      signingTime: subFilter === 'ETSI.CAdES.detached' ? null : time,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  const holeOffset = prepared.holeStart - prepared.originalSize;
  const holeLength = prepared.holeEnd - prepared.holeStart;
  const u = prepared.update;
  const cut = new Uint8Array(u.length - holeLength);
  cut.set(u.subarray(0, holeOffset));
  cut.set(u.subarray(holeOffset + holeLength), holeOffset);
  return {
    format: 'pdf',
    hash,
    digest: cms.digest,
    digestInfo: cms.digestInfo,
    subFilter,
    originalSize: prepared.originalSize,
    update: toBase64(cut),
    holeOffset,
    holeLength,
    cms,
  };
}

function checkPrepared(value: unknown): asserts value is PreparedExternalPdf {
  const p = value as Partial<Record<keyof PreparedExternalPdf, unknown>> | null;
  const int = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (
    typeof p !== 'object' ||
    p === null ||
    p.format !== 'pdf' ||
    !int(p.originalSize) ||
    !int(p.holeOffset) ||
    !int(p.holeLength) ||
    (p.holeLength as number) < 4 ||
    (p.holeLength as number) % 2 !== 0 ||
    typeof p.update !== 'string' ||
    typeof p.digest !== 'string'
  ) {
    throw coreError(
      'INPUT_INVALID',
      'The prepared PDF signature state is malformed: pass what prepareExternalPdf returned.',
    );
  }
  checkPreparedCms(p.cms);
  if (p.cms.digest !== p.digest) {
    throw coreError(
      'INPUT_INVALID',
      'The prepared PDF signature state is inconsistent (two different digests).',
    );
  }
}

/**
 * Step 3: the signed PDF (the original followed by the update). The signature is checked against the
 * prepared certificate over signed attributes rebuilt from the bytes given here: another document,
 * another key or another hash is EXTERNAL_SIGNATURE_MISMATCH and nothing is returned.
 */
export async function finishExternalPdf(
  pdf: Uint8Array | PdfSource,
  prepared: PreparedExternalPdf,
  signature: Uint8Array,
  options: FinishExternalPdfOptions = {},
): Promise<Uint8Array> {
  checkPrepared(prepared);
  const source = sourceOf(pdf);
  if (source.size !== prepared.originalSize) {
    throw coreError(
      'EXTERNAL_SIGNATURE_MISMATCH',
      `The PDF has ${source.size} bytes but ${prepared.originalSize} were prepared: pass the same file to prepare and finish.`,
    );
  }
  const cut = fromBase64(prepared.update);
  if (prepared.holeOffset > cut.length) {
    throw coreError(
      'INPUT_INVALID',
      'The prepared PDF signature state is malformed (hole outside the update).',
    );
  }
  const update = new Uint8Array(cut.length + prepared.holeLength);
  update.set(cut.subarray(0, prepared.holeOffset));
  update.fill(0x30, prepared.holeOffset + 1, prepared.holeOffset + prepared.holeLength - 1);
  update[prepared.holeOffset] = 0x3c; // '<'
  update[prepared.holeOffset + prepared.holeLength - 1] = 0x3e; // '>'
  update.set(cut.subarray(prepared.holeOffset), prepared.holeOffset + prepared.holeLength);
  const layout: PreparedPdfSignature = {
    originalSize: prepared.originalSize,
    update,
    holeStart: prepared.originalSize + prepared.holeOffset,
    holeEnd: prepared.originalSize + prepared.holeOffset + prepared.holeLength,
  };
  const cms = await finishExternalCms(
    signedChunks(rangeChunks(source, 0, source.size, options.signal), layout),
    prepared.cms,
    signature,
    {
      ...(options.certificate ? { certificate: options.certificate } : {}),
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  embedPdfSignature(layout, cms);
  const out = new Uint8Array(source.size + update.length);
  if (pdf instanceof Uint8Array) out.set(pdf);
  else {
    let o = 0;
    for await (const c of rangeChunks(source, 0, source.size, options.signal)) {
      out.set(c, o);
      o += c.length;
    }
  }
  out.set(update, source.size);
  return out;
}

/**
 * Content given to `signCms`/`verifyCms`: bytes, a Blob, a web ReadableStream or any async iterable
 * of bytes (a Node `Readable` is one). Streams are hashed chunk by chunk so memory stays flat.
 */
import { coreError, throwIfAborted } from '../errors.js';
import type { HashAlgorithmName } from '../signer.js';
import { digestBytes, type HashFactory, portableHashFactory } from './hasher.js';

export type ContentInput = Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface HashContentOptions {
  /** Incremental hash implementation for streams (default: portable; the node entry uses node:crypto). */
  hasher?: HashFactory;
  signal?: AbortSignal;
  /** Called after each chunk with the number of bytes hashed so far (for progress bars). */
  onProgress?: (bytesHashed: number) => void;
  /** Also return the content (needed for attached signatures); costs memory equal to its size. */
  keep?: boolean;
}

export interface HashedContent {
  digest: Uint8Array;
  length: number;
  /** Present when `keep` was asked. */
  bytes?: Uint8Array;
}

const isBlob = (x: unknown): x is Blob => typeof Blob !== 'undefined' && x instanceof Blob;
const isReadableStream = (x: unknown): x is ReadableStream<Uint8Array> =>
  typeof (x as ReadableStream | undefined)?.getReader === 'function';
const isAsyncIterable = (x: unknown): x is AsyncIterable<Uint8Array> =>
  typeof (x as AsyncIterable<Uint8Array> | undefined)?.[Symbol.asyncIterator] === 'function';

/** The chunks of a content input, in order. */
export async function* contentChunks(input: ContentInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    yield input;
  } else if (isBlob(input)) {
    yield* readableChunks(input.stream() as ReadableStream<Uint8Array>);
  } else if (isReadableStream(input)) {
    yield* readableChunks(input);
  } else if (isAsyncIterable(input)) {
    for await (const chunk of input) {
      if (!(chunk instanceof Uint8Array)) {
        throw coreError(
          'INPUT_INVALID',
          'A content stream must yield bytes (Uint8Array/Buffer), not strings.',
        );
      }
      yield chunk;
    }
  } else {
    throw coreError(
      'INPUT_INVALID',
      'Content must be a Uint8Array, a Blob, a ReadableStream or an async iterable of bytes.',
    );
  }
}

async function* readableChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (!(value instanceof Uint8Array)) {
        throw coreError('INPUT_INVALID', 'A content stream must yield bytes (Uint8Array), not strings.');
      }
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Hashes the content in one pass; bytes in memory go to WebCrypto in one call unless a hasher is given. */
export async function hashContent(
  input: ContentInput,
  hash: HashAlgorithmName,
  options: HashContentOptions = {},
): Promise<HashedContent> {
  const r = await hashContentMulti(input, [hash], options);
  return { digest: r.digests.get(hash)!, length: r.length, ...(r.bytes ? { bytes: r.bytes } : {}) };
}

export interface MultiHashedContent {
  digests: Map<HashAlgorithmName, Uint8Array>;
  length: number;
  bytes?: Uint8Array;
}

/**
 * Hashes the content with several algorithms in a single pass (a stream can be read only once, and a
 * multi-signer message may use a different digest per signer).
 */
export async function hashContentMulti(
  input: ContentInput,
  hashes: readonly HashAlgorithmName[],
  options: HashContentOptions = {},
): Promise<MultiHashedContent> {
  throwIfAborted(options.signal);
  const digests = new Map<HashAlgorithmName, Uint8Array>();
  if (input instanceof Uint8Array && !options.hasher) {
    for (const h of hashes) digests.set(h, await digestBytes(h, input));
    options.onProgress?.(input.length);
    return { digests, length: input.length, ...(options.keep ? { bytes: input } : {}) };
  }
  const factory = options.hasher ?? portableHashFactory;
  if (input instanceof Uint8Array && factory.digestOnce) {
    for (const h of hashes) digests.set(h, factory.digestOnce(h, input));
    options.onProgress?.(input.length);
    return { digests, length: input.length, ...(options.keep ? { bytes: input } : {}) };
  }
  const states = hashes.map((h) => [h, factory(h)] as const);
  if (input instanceof Uint8Array) {
    // Bytes in memory: one update, no stream machinery.
    for (const [h, s] of states) {
      s.update(input);
      digests.set(h, await s.digest());
    }
    options.onProgress?.(input.length);
    return { digests, length: input.length, ...(options.keep ? { bytes: input } : {}) };
  }
  const kept: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of contentChunks(input)) {
    throwIfAborted(options.signal);
    for (const [, s] of states) s.update(chunk);
    // A source may reuse its buffer for the next chunk, so keep a copy.
    if (options.keep) kept.push(chunk.slice());
    length += chunk.length;
    options.onProgress?.(length);
  }
  for (const [h, s] of states) digests.set(h, await s.digest());
  if (!options.keep) return { digests, length };
  const bytes = kept.length === 1 ? kept[0]! : concat(kept, length);
  return { digests, length, bytes };
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

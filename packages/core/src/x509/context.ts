/**
 * The explicit context of verification: the crypto backend and every cache whose answers outlive one
 * call (imported keys, certificate-signature verdicts, parsed CRLs and OCSP responses, fetched
 * revocation data). The caller creates it — `new ShomeiContext({ crypto })` — and passes it as
 * `context` in the options of validatePath, verifyCms, verifyPdf, verifyXml …; a context is a unit of
 * trust and lifetime (drop it and its caches go with it). Calls without one use `defaultContext`:
 * WebCrypto, caches living as long as the page or process. `@shomei/core/node` changes nothing on
 * import; its functions use `nodeContext` (node:crypto) unless given another.
 *
 * No cache here is keyed by the identity of a buffer the caller owns: bytes are found by content and
 * kept as a private copy, so a caller reusing (overwriting) a buffer never gets an answer about the
 * bytes it held before.
 */
import { bytesEqual } from '../der/bytes.js';
import { contentKey } from './content-key.js';
import { type SignatureBackend, webCryptoBackend } from './crypto-backend.js';

export interface ShomeiContextOptions {
  /** How signatures are checked. Default: the platform's WebCrypto (`webCryptoBackend()`). */
  readonly crypto?: SignatureBackend;
}

/** Identifies one layer's state inside a context; the type parameter types what `slot` returns. */
export type ContextSlot<T> = symbol & { readonly __slot?: T };

/** Declares a slot (once per module, at load: a key, not state). */
export const contextSlot = <T>(name: string): ContextSlot<T> => Symbol(name) as ContextSlot<T>;

export class ShomeiContext {
  readonly crypto: SignatureBackend;
  /** Used when `crypto` answers undefined for a key it cannot load (WebCrypto then decides). */
  #fallback: SignatureBackend | undefined;
  readonly #slots = new Map<symbol, unknown>();

  constructor(options: ShomeiContextOptions = {}) {
    this.crypto = options.crypto ?? webCryptoBackend();
  }

  /** The WebCrypto backend that decides when `crypto` declines a key. */
  get fallbackCrypto(): SignatureBackend {
    this.#fallback ??= webCryptoBackend();
    return this.#fallback;
  }

  /** One layer's state in this context (its caches), created on first use. */
  slot<T>(key: ContextSlot<T>, create: () => T): T {
    let v = this.#slots.get(key) as T | undefined;
    if (v === undefined) {
      v = create();
      this.#slots.set(key, v);
    }
    return v;
  }

  /** Forgets every cached answer (keys, verdicts, parsed and fetched revocation data). */
  clear(): void {
    this.#slots.clear();
    this.#fallback = undefined;
    this.crypto.clear?.();
  }
}

/**
 * The context of calls that name none: WebCrypto and process- (or page-) long caches. A documented
 * module-level default, as `fetch` has one; give your own `ShomeiContext` to control lifetime.
 */
export const defaultContext: ShomeiContext = new ShomeiContext();

/**
 * A bounded cache of values derived from bytes, found by content: the key is the length and a hash,
 * a hit is confirmed against a private copy of the bytes taken when the value was made. Oldest
 * entries go first once `limit` entries or `maxBytes` bytes are held.
 */
export class ContentMemo<T> {
  readonly #entries = new Map<string, { bytes: Uint8Array; value: T }>();
  #bytes = 0;
  constructor(
    readonly limit: number,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** The value for these bytes, made by `make` from a private copy when not cached. */
  get(bytes: Uint8Array, make: (privateCopy: Uint8Array) => T): T {
    const key = contentKey(bytes);
    const hit = this.#entries.get(key);
    if (hit && bytesEqual(hit.bytes, bytes)) return hit.value;
    const copy = new Uint8Array(bytes);
    const value = make(copy);
    if (hit) this.#drop(key);
    while (
      this.#entries.size > 0 &&
      (this.#entries.size >= this.limit || this.#bytes + copy.length > this.maxBytes)
    )
      this.#drop(this.#entries.keys().next().value as string);
    if (copy.length <= this.maxBytes) {
      this.#entries.set(key, { bytes: copy, value });
      this.#bytes += copy.length;
    }
    return value;
  }

  #drop(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#bytes -= e.bytes.length;
  }
}

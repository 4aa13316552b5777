/**
 * What long-term validation derives from bytes that come back unchanged — the same archived
 * signature validated again, the same timestamp token or OCSP response in many signatures — kept in
 * the caller's ShomeiContext and found by content: the key is the length and a hash of the head and
 * tail, and a hit is confirmed against a private copy of every byte, so a changed byte (or a buffer
 * the caller overwrote in place) is a miss. Nothing here is keyed by a caller's buffer, and nothing
 * is module-level: a context is the unit of trust and lifetime (`context.clear()` forgets it all).
 */
import { contentKey } from '../x509/content-key.js';
import type { ContextSlot, ShomeiContext } from '../x509/context.js';

/** Byte equality, a 32-bit word at a time where both views are aligned (archives are 10–100 KB). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  let i = 0;
  if (((a.byteOffset | b.byteOffset) & 3) === 0 && n >= 64) {
    const w = n >> 2;
    const x = new Int32Array(a.buffer, a.byteOffset, w);
    const y = new Int32Array(b.buffer, b.byteOffset, w);
    for (let k = 0; k < w; k++) if (x[k] !== y[k]) return false;
    i = w << 2;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A bounded map from bytes to a value made from a private copy of them. Oldest entries go first once
 * `limit` entries or `maxBytes` bytes are held; bytes longer than `maxBytes` are not kept.
 */
export class BytesMemo<T> {
  readonly #entries = new Map<string, { readonly bytes: Uint8Array; readonly value: T }[]>();
  #count = 0;
  #bytes = 0;
  constructor(
    readonly limit: number,
    readonly maxBytes: number,
  ) {}

  /** The value for these bytes, or `make(privateCopy)` (then kept). */
  get(bytes: Uint8Array, make: (privateCopy: Uint8Array) => T): T {
    const key = contentKey(bytes);
    const list = this.#entries.get(key);
    if (list) for (const e of list) if (sameBytes(e.bytes, bytes)) return e.value;
    const copy = bytes.slice();
    const value = make(copy);
    if (copy.length > this.maxBytes) return value;
    while (this.#count > 0 && (this.#count >= this.limit || this.#bytes + copy.length > this.maxBytes))
      this.#dropOldest();
    const fresh = this.#entries.get(key);
    if (fresh) fresh.push({ bytes: copy, value });
    else this.#entries.set(key, [{ bytes: copy, value }]);
    this.#count++;
    this.#bytes += copy.length;
    return value;
  }

  #dropOldest(): void {
    const [key, list] = this.#entries.entries().next().value as [string, { bytes: Uint8Array }[]];
    const gone = list.shift()!;
    if (list.length === 0) this.#entries.delete(key);
    this.#count--;
    this.#bytes -= gone.bytes.length;
  }
}

/** The context's BytesMemo for `slot` (a key declared once per module with `contextSlot`). */
export function contextMemo<T>(
  context: ShomeiContext,
  slot: ContextSlot<BytesMemo<T>>,
  limit: number,
  maxBytes: number,
): BytesMemo<T> {
  return context.slot(slot, () => new BytesMemo<T>(limit, maxBytes));
}

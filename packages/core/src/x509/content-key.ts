/** A cheap key for finding bytes again by content (caches confirm every hit byte for byte). */

/**
 * A cheap content key: length and FNV-1a over the first and last 64 bytes (for signed objects the tail
 * is the signature). Not a digest: a hit must be confirmed against the bytes themselves.
 */
export function contentKey(b: Uint8Array): string {
  let h = 0x811c9dc5;
  const n = b.length;
  const head = Math.min(64, n);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  for (let i = Math.max(head, n - 64); i < n; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return `${n}:${h >>> 0}`;
}

/**
 * Byte equality read four octets at a time, for the caches that must tell a reused buffer from the
 * bytes they first saw (the parsed-certificate cache, PathResultCache). Internal: not exported by
 * the package.
 */
export function sameContent(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  const x = new DataView(a.buffer, a.byteOffset, n);
  const y = new DataView(b.buffer, b.byteOffset, n);
  let i = 0;
  for (; i + 4 <= n; i += 4) if (x.getInt32(i) !== y.getInt32(i)) return false;
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

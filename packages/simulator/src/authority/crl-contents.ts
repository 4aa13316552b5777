/**
 * What a CA's complete and delta CRLs list, from the issued-certificate records: the complete CRL
 * every revoked or held certificate; the delta CRL what changed since its base (RFC 5280 §5.2.4) —
 * new or changed entries, and `removeFromCRL` for holds released since (§5.3.1).
 */
import type { CertificateRecord, CrlSequence, IssuingCa } from './authority-state.js';
import { fromHexSerial } from './certificate-serial.js';
import { type CrlReason, type RevokedList, revokedListFrom } from './crl.js';

export function crlContents(
  records: Readonly<Record<string, CertificateRecord>>,
  ca: IssuingCa,
  seq: CrlSequence,
  options: { base: boolean; number: number },
): { complete: RevokedList; delta: RevokedList } {
  const current = Object.values(records).filter((r) => r.ca === ca && r.status !== 'good');
  const entry = (r: CertificateRecord) => ({
    serial: fromHexSerial(r.serial),
    revokedAt: new Date(r.revokedAt!),
    reason: r.reason!,
  });
  if (options.base) {
    // This complete CRL becomes the base of later deltas (it and its delta share `number`).
    seq.base = options.number;
    seq.baseEntries = Object.fromEntries(
      current.map((r) => [r.serial, { reason: r.reason!, revokedAt: r.revokedAt! }]),
    );
  }
  const changes: { serial: Uint8Array; revokedAt: Date; reason: CrlReason }[] = [];
  for (const r of current) {
    const b = seq.baseEntries[r.serial];
    if (!b || b.reason !== r.reason) changes.push(entry(r));
  }
  for (const [serial, b] of Object.entries(seq.baseEntries)) {
    if (records[serial]?.status === 'good' && b.reason === 'certificateHold') {
      changes.push({
        serial: fromHexSerial(serial),
        revokedAt: new Date(b.revokedAt),
        reason: 'removeFromCRL',
      });
    }
  }
  return { complete: revokedListFrom(current.map(entry)), delta: revokedListFrom(changes) };
}

/**
 * A tamper-evident audit log: one JSON line per action, each carrying the SHA-256 of its own fields
 * and of the previous entry's hash, so changing, removing or reordering any entry breaks the chain.
 * The authority also keeps the head hash and count in its state, which catches a truncated tail.
 *
 * Entries name the operator, the action, the certificate serial and an opaque holder reference —
 * never the My Number or the holder's facts (the resident-register network keeps those apart).
 */
import { createHash } from 'node:crypto';

export type AuditAction =
  | 'enrol-operator'
  | 'issue'
  | 'revoke'
  | 'hold'
  | 'release'
  | 'session-open'
  | 'session-refused';

export interface AuditEntry {
  seq: number;
  /** ISO-8601 time from the authority's clock. */
  time: string;
  operator: string;
  action: AuditAction;
  serial?: string;
  holderRef?: string;
  reason?: string;
  prev: string;
  hash: string;
}

export const AUDIT_GENESIS = '0'.repeat(64);

export function auditEntryHash(e: Omit<AuditEntry, 'hash'>): string {
  // A fixed field order (an array, not an object) so the hash does not depend on key order.
  const fields = [
    e.seq,
    e.time,
    e.operator,
    e.action,
    e.serial ?? null,
    e.holderRef ?? null,
    e.reason ?? null,
    e.prev,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export function nextAuditEntry(
  prev: { seq: number; hash: string } | undefined,
  fields: Omit<AuditEntry, 'seq' | 'prev' | 'hash'>,
): AuditEntry {
  const base: Omit<AuditEntry, 'hash'> = {
    seq: prev ? prev.seq + 1 : 1,
    time: fields.time,
    operator: fields.operator,
    action: fields.action,
    ...(fields.serial !== undefined && { serial: fields.serial }),
    ...(fields.holderRef !== undefined && { holderRef: fields.holderRef }),
    ...(fields.reason !== undefined && { reason: fields.reason }),
    prev: prev ? prev.hash : AUDIT_GENESIS,
  };
  return { ...base, hash: auditEntryHash(base) };
}

export type AuditVerification =
  | { valid: true; entries: number; head: string }
  | { valid: false; line: number; reason: string };

/**
 * Checks every line of the log text; with `expected`, also that the chain ends where the authority
 * last wrote it (a removed tail is otherwise undetectable).
 */
export function verifyAuditLog(text: string, expected?: { head: string; count: number }): AuditVerification {
  const lines = text.split('\n').filter((l) => l.length > 0);
  let prev: { seq: number; hash: string } = { seq: 0, hash: AUDIT_GENESIS };
  for (let i = 0; i < lines.length; i++) {
    let e: AuditEntry;
    try {
      e = JSON.parse(lines[i]!) as AuditEntry;
    } catch {
      return { valid: false, line: i + 1, reason: 'not JSON' };
    }
    if (typeof e !== 'object' || e === null) return { valid: false, line: i + 1, reason: 'not an entry' };
    if (e.seq !== prev.seq + 1)
      return { valid: false, line: i + 1, reason: `sequence ${e.seq} after ${prev.seq}` };
    if (e.prev !== prev.hash) return { valid: false, line: i + 1, reason: 'previous-hash link broken' };
    const { hash, ...rest } = e;
    if (auditEntryHash(rest) !== hash) return { valid: false, line: i + 1, reason: 'entry hash mismatch' };
    prev = { seq: e.seq, hash };
  }
  if (expected && (expected.count !== prev.seq || expected.head !== prev.hash)) {
    return {
      valid: false,
      line: lines.length,
      reason: `log ends at entry ${prev.seq}, the authority recorded ${expected.count} (truncated or replaced)`,
    };
  }
  return { valid: true, entries: prev.seq, head: prev.hash };
}

/**
 * Where the authority's audit log lives: `<dir>/audit.log` (appended, one JSON line per entry) or
 * memory for an in-memory authority. The chain head and count are kept in the authority's state, so
 * `verify` also catches a truncated tail (audit-log.ts).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditAction, type AuditVerification, nextAuditEntry, verifyAuditLog } from './audit-log.js';
import type { AuthorityState } from './authority-state.js';

export class AuditTrail {
  readonly #dir: string | undefined;
  readonly #state: AuthorityState;
  readonly #memory: string[] = [];

  constructor(dir: string | undefined, state: AuthorityState) {
    this.#dir = dir;
    this.#state = state;
  }

  append(
    time: Date,
    operator: string,
    action: AuditAction,
    fields: { serial?: string; holderRef?: string; reason?: string } = {},
  ): void {
    const { count, head } = this.#state.audit;
    const entry = nextAuditEntry(count > 0 ? { seq: count, hash: head } : undefined, {
      time: time.toISOString(),
      operator,
      action,
      ...fields,
    });
    const line = `${JSON.stringify(entry)}\n`;
    if (this.#dir) {
      mkdirSync(this.#dir, { recursive: true });
      appendFileSync(join(this.#dir, 'audit.log'), line);
    } else {
      this.#memory.push(line);
    }
    this.#state.audit = { count: entry.seq, head: entry.hash };
  }

  text(): string {
    if (!this.#dir) return this.#memory.join('');
    const file = join(this.#dir, 'audit.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  verify(): AuditVerification {
    return verifyAuditLog(this.text(), this.#state.audit);
  }
}

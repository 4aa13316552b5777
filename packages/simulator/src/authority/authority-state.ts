/**
 * What the authority remembers between runs (`<dir>/state.json`): configuration, every certificate it
 * issued with its revocation status, the CRL numbering per CA, enrolled operators and the audit head.
 * Written atomically (temporary file + rename) after each change.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulatorError } from '../errors.js';
import type { CrlReason } from './crl.js';

export const AUTHORITY_FORMAT = 'shomei-sim-authority/1';

export type IssuingCa = 'root' | 'sign' | 'auth';

export type CertificateStatus = 'good' | 'revoked' | 'hold';

export interface CertificateRecord {
  /** Lower-case hex of the serial magnitude. */
  serial: string;
  ca: IssuingCa;
  kind: 'sign' | 'auth' | 'tsa' | 'ca';
  /** Opaque reference to the counter record; never the My Number. */
  holderRef?: string;
  notBefore: string;
  notAfter: string;
  status: CertificateStatus;
  reason?: CrlReason;
  revokedAt?: string;
}

export interface CrlSequence {
  /** The number of the last CRL published (complete and delta share it, RFC 5280 §5.2.3). */
  number: number;
  /** The complete CRL that current delta CRLs are relative to (§5.2.4). */
  base: number;
  /** The revoked entries as the base CRL listed them, serial → reason and time. */
  baseEntries: Record<string, { reason: CrlReason; revokedAt: string }>;
  thisUpdate?: string;
}

export interface AuthorityState {
  format: typeof AUTHORITY_FORMAT;
  label?: string;
  root: boolean;
  baseUrl: string;
  policies: { sign: string; auth: string };
  validity: { signYears: number; authYears: number; crlHours: number; ocspMinutes: number };
  crl: Partial<Record<IssuingCa, CrlSequence>>;
  certificates: Record<string, CertificateRecord>;
  operators: Record<string, { name: string; publicKey: string; enrolledAt: string }>;
  audit: { count: number; head: string };
}

export function stateExists(dir: string): boolean {
  return existsSync(join(dir, 'state.json'));
}

export function readState(dir: string): AuthorityState {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) throw simulatorError('AUTHORITY_NOT_FOUND', undefined, { details: { dir } });
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as AuthorityState;
    if (s.format !== AUTHORITY_FORMAT || typeof s.certificates !== 'object' || typeof s.crl !== 'object') {
      throw new Error(`unexpected format ${String(s.format)}`);
    }
    return s;
  } catch (cause) {
    throw simulatorError('AUTHORITY_STATE_INVALID', undefined, { cause, details: { dir } });
  }
}

export function writeState(dir: string, state: AuthorityState): void {
  const file = join(dir, 'state.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * A fingerprint of state.json that changes with every write: inode (each write renames a new file
 * into place), size and modification time. Modification times alone are too coarse (a few ms).
 */
export function stateMtime(dir: string): string {
  try {
    const st = statSync(join(dir, 'state.json'), { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return '';
  }
}

/** PEM (RFC 7468) ⇄ DER. Inputs of the CLI and the library may be either. */
import { coreError } from '../errors.js';
import { fromBase64, toBase64 } from './bytes.js';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
const LABEL = /^[A-Z0-9 ]+$/;

/**
 * The label after `-----BEGIN ` / `-----END ` at `at`, and where its line of dashes ends; undefined
 * when the text there is not a well-formed encapsulation boundary (RFC 7468 §2).
 */
function boundary(text: string, at: number): { label: string; end: number } | undefined {
  // A label is one short line: look no further than that, so a boundary costs constant time.
  const close = text.slice(at, at + 64 + DASHES.length).indexOf(DASHES);
  if (close < 0) return undefined;
  const label = text.slice(at, at + close);
  if (!LABEL.test(label)) return undefined;
  return { label, end: at + close + DASHES.length };
}

/**
 * Every PEM block in the text, in order. One forward scan (each search starts where the previous one
 * ended), so text with many BEGIN lines and no END costs linear time, not a rescan per BEGIN.
 */
export function parsePem(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  let from = 0;
  for (;;) {
    const b = text.indexOf(BEGIN, from);
    if (b < 0) break;
    const begin = boundary(text, b + BEGIN.length);
    if (!begin) {
      from = b + BEGIN.length;
      continue;
    }
    const e = text.indexOf(END, begin.end);
    // No END after this BEGIN means none after any later BEGIN either: the scan is over.
    if (e < 0) break;
    const end = boundary(text, e + END.length);
    if (!end) throw coreError('PEM_MALFORMED', `PEM block BEGIN ${begin.label} has no valid END line.`);
    if (end.label !== begin.label)
      throw coreError('PEM_MALFORMED', `PEM block BEGIN ${begin.label} ends with END ${end.label}.`);
    const body = text.slice(begin.end, e).replace(/^[A-Za-z-]+:.*$/gm, '');
    try {
      out.push({ label: begin.label, der: fromBase64(body) });
    } catch (cause) {
      throw coreError('PEM_MALFORMED', `PEM block ${begin.label} does not contain valid base64.`, { cause });
    }
    from = end.end;
  }
  return out;
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der).replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

const looksLikePem = (bytes: Uint8Array): boolean => {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
  return head.includes('-----BEGIN ');
};

/**
 * Accepts DER or PEM bytes and returns the DER objects they hold (one for DER; every block for PEM,
 * optionally only those with one of `labels`).
 */
export function derObjects(bytes: Uint8Array, labels?: readonly string[]): Uint8Array[] {
  if (!looksLikePem(bytes)) return [bytes];
  const blocks = parsePem(new TextDecoder().decode(bytes)).filter((b) => !labels || labels.includes(b.label));
  if (blocks.length === 0) {
    throw coreError(
      'PEM_MALFORMED',
      `No PEM block${labels ? ` labelled ${labels.join(' or ')}` : ''} found.`,
    );
  }
  return blocks.map((b) => b.der);
}

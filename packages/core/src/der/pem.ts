/** PEM (RFC 7468) ⇄ DER. Inputs of the CLI and the library may be either. */
import { coreError } from '../errors.js';
import { fromBase64, toBase64 } from './bytes.js';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/** Every PEM block in the text, in order. */
export function parsePem(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    if (m[1] !== m[3]) throw coreError('PEM_MALFORMED', `PEM block BEGIN ${m[1]} ends with END ${m[3]}.`);
    const body = m[2]!.replace(/^[A-Za-z-]+:.*$/gm, '');
    try {
      out.push({ label: m[1]!, der: fromBase64(body) });
    } catch (cause) {
      throw coreError('PEM_MALFORMED', `PEM block ${m[1]} does not contain valid base64.`, { cause });
    }
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

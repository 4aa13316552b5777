/**
 * Neutralises text taken from certificates, CRLs and signatures before a person reads it. A subject
 * name can carry ESC sequences, CR/LF or NUL (paint a fake "Verdict: VALID" on a terminal, split a
 * log line) and Unicode bidirectional overrides (Trojan Source, CVE-2021-42574: "‮fdp.exe" reads
 * as "exe.pdf"). Each such character is replaced by a visible escape, `\x1B` or `\u202E`, so the
 * reader sees that it was there instead of what it would have done. Printable text, Japanese
 * included, is left as it is.
 */

// C0 controls, DEL and C1 controls (Unicode category Cc); the bidi embeddings, overrides, isolates
// and marks (Unicode 15 UAX #9 §2); line and paragraph separators; invisible format characters that
// can hide or join text (zero-width space/joiners, word joiner and invisible operators, BOM,
// interlinear annotation). Lone surrogates cannot be printed and are escaped too.
const UNSAFE = new RegExp(
  [
    '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb]',
    '[\\ud800-\\udbff](?![\\udc00-\\udfff])',
    '(?<![\\ud800-\\udbff])[\\udc00-\\udfff]',
  ].join('|'),
  'g',
);

const visible = (ch: string): string => {
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
};

/**
 * `text` with every control, bidi and invisible formatting character replaced by a visible escape
 * (`\x1B`, `\x0A`, `\u202E` …). Use it for every string from a certificate, CRL or signature shown
 * to a person (terminal, log, web page — escape HTML separately). Returns the input when it is safe.
 */
export function neutralizeText(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, visible) : text;
}

/** Writing PDF objects (ISO 32000-1 §7.3) as bytes, in the compact form the incremental writer uses. */
import type { PdfObject, PdfValue } from './objects.js';

const HEX = '0123456789ABCDEF';

function nameText(name: string): string {
  let out = '/';
  for (const byte of new TextEncoder().encode(name)) {
    // §7.3.5: bytes outside ! … ~ and the delimiters are written as #xx.
    const c = String.fromCharCode(byte);
    out +=
      byte < 0x21 || byte > 0x7e || '()<>[]{}/%#'.includes(c) ? `#${HEX[byte >> 4]}${HEX[byte & 15]}` : c;
  }
  return out;
}

function numberText(n: number): string {
  if (Number.isInteger(n)) return String(n);
  // §7.3.3: no exponent form; six decimals are far below a point's size.
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

/** The text of a direct value. Strings become hex strings unless `literal` text is plain ASCII. */
export function valueText(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return numberText(v);
  if (Array.isArray(v)) return `[${v.map(valueText).join(' ')}]`;
  switch (v.type) {
    case 'name':
      return nameText(v.name);
    case 'ref':
      return `${v.num} ${v.gen} R`;
    case 'string': {
      const printable = !v.hex && v.bytes.every((b) => b >= 0x20 && b < 0x7f);
      if (printable) {
        let s = '(';
        for (const b of v.bytes)
          s +=
            b === 0x28 || b === 0x29 || b === 0x5c ? `\\${String.fromCharCode(b)}` : String.fromCharCode(b);
        return `${s})`;
      }
      let s = '<';
      for (const b of v.bytes) s += HEX[b >> 4]! + HEX[b & 15]!;
      return `${s}>`;
    }
    case 'dict': {
      let s = '<<';
      for (const [k, x] of v.map) s += `${nameText(k)} ${valueText(x)}`;
      return `${s}>>`;
    }
  }
}

const latin1 = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
};

/** `num 0 obj … endobj` for a direct value, or a stream with `data` (its /Length is set here). */
export function objectBytes(num: number, value: PdfValue | PdfObject, data?: Uint8Array): Uint8Array {
  if (data === undefined) return latin1(`${num} 0 obj\n${valueText(value as PdfValue)}\nendobj\n`);
  const dict = value as Extract<PdfValue, { type: 'dict' }>;
  const withLength = new Map(dict.map);
  withLength.set('Length', data.length);
  const head = latin1(`${num} 0 obj\n${valueText({ type: 'dict', map: withLength })}\nstream\n`);
  const tail = latin1('\nendstream\nendobj\n');
  const out = new Uint8Array(head.length + data.length + tail.length);
  out.set(head);
  out.set(data, head.length);
  out.set(tail, head.length + data.length);
  return out;
}

export { latin1 };

/** Serial numbers and validity read from a certificate's DER (RFC 5280 §4.1.2.2, §4.1.2.5). */
import { toHex } from '@shomei/core';
import { children, readIntegerBytes, readRoot, readTime } from '@shomei/core/der';
import { simulatorError } from '../errors.js';

export function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

export function fromHexSerial(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/** Serial (lower-case hex magnitude) of a certificate DER, or a serial given in hex. */
export function serialOf(target: Uint8Array | string): string {
  if (typeof target === 'string') {
    const hex = target.replace(/[\s:]/g, '').toLowerCase();
    if (!/^[0-9a-f]+$/.test(hex)) throw simulatorError('USAGE', `Not a hexadecimal serial number: ${target}`);
    const even = hex.length % 2 ? `0${hex}` : hex;
    return even.replace(/^(00)+(?=..)/, '');
  }
  try {
    const [tbs] = children(target, readRoot(target));
    const fields = children(target, tbs!);
    const serialNode = fields[0]?.tag === 0xa0 ? fields[1] : fields[0];
    return toHex(stripZeros(readIntegerBytes(target, serialNode!)));
  } catch (cause) {
    throw simulatorError('CERT_NOT_ISSUED_HERE', 'Not an X.509 certificate.', { cause });
  }
}

export function validityOf(cert: Uint8Array): { notBefore: Date; notAfter: Date } {
  const [tbs] = children(cert, readRoot(cert));
  const fields = children(cert, tbs!);
  const v = fields[fields[0]?.tag === 0xa0 ? 4 : 3]!;
  const [nb, na] = children(cert, v);
  return { notBefore: readTime(cert, nb!), notAfter: readTime(cert, na!) };
}

/** A large one-page PDF for the PDF benchmarks, written in 4 MiB blocks (never held in memory). */
import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes a one-page PDF whose page draws a `size`-byte image XObject (pseudo-random pixels). */
export function writeLargePdf(plain: string, size: number): void {
  const fd = openSync(plain, 'w');
  let pos = 0;
  const offsets: number[] = [];
  const put = (s: string | Uint8Array) => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    writeSync(fd, b);
    pos += b.length;
  };
  put('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  const side = Math.floor(Math.sqrt(size / 3));
  const imageBytes = side * side * 3;
  const objs = [
    '<</Type /Catalog /Pages 2 0 R>>',
    '<</Type /Pages /Kids [3 0 R] /Count 1>>',
    '<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources <</XObject <</Im1 5 0 R>>>> /Contents 4 0 R>>',
    '<</Length 35>>\nstream\nq 595 0 0 842 0 0 cm /Im1 Do Q    \nendstream',
  ];
  objs.forEach((o, i) => {
    offsets.push(pos);
    put(`${i + 1} 0 obj\n${o}\nendobj\n`);
  });
  offsets.push(pos);
  put(
    `5 0 obj\n<</Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ${imageBytes}>>\nstream\n`,
  );
  const block = new Uint8Array(4 * 1024 * 1024);
  let x = 0x9e3779b9;
  for (let i = 0; i < block.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block[i] = x & 0xff;
  }
  for (let n = 0; n < imageBytes; n += block.length)
    put(block.subarray(0, Math.min(block.length, imageBytes - n)));
  put('\nendstream\nendobj\n');
  const xref = pos;
  put(
    `xref\n0 6\n0000000000 65535 f\r\n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('')}`,
  );
  put(`trailer\n<</Size 6 /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`);
  closeSync(fd);
}

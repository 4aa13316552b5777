import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundaryOf, parseMultipart } from '../src/multipart.js';
import { PortalProblem } from '../src/problem.js';

const encoder = new TextEncoder();

function body(boundary: string, parts: { name: string; filename?: string; data: Uint8Array }[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(
      encoder.encode(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`),
      p.data,
      encoder.encode('\r\n'),
    );
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  return new Uint8Array(Buffer.concat(chunks));
}

describe('parseMultipart', () => {
  it('reads the fields, file names and bytes of a browser-style form', () => {
    const data = new Uint8Array([0x30, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]);
    const parts = parseMultipart(
      body('----b1', [
        { name: 'signature', filename: 'a.p7s', data },
        { name: 'document', filename: '', data: new Uint8Array() },
      ]),
      'multipart/form-data; boundary=----b1',
    );
    expect(parts.map((p) => [p.name, p.filename, [...p.data]])).toEqual([
      ['signature', 'a.p7s', [...data]],
      ['document', '', []],
    ]);
  });

  it('accepts a quoted boundary', () => {
    expect(boundaryOf('multipart/form-data; boundary="x y"')).toBe('x y');
  });

  it('refuses more parts than allowed', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: new Uint8Array([1]) }));
    expect(() => parseMultipart(body('b', many), 'multipart/form-data; boundary=b')).toThrow(
      /more than 4 parts/,
    );
  });

  it('property: whatever the file bytes, they come back unchanged (seeded)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.stringMatching(/^[A-Za-z0-9'()+_,-.]{1,70}$/),
        (data, b) => {
          const [part] = parseMultipart(
            body(b, [{ name: 'signature', filename: 'x', data }]),
            `multipart/form-data; boundary=${b}`,
          );
          return part !== undefined && Buffer.from(part.data).equals(Buffer.from(data));
        },
      ),
      { seed: 8, numRuns: 300 },
    );
  });

  it('property: arbitrary bytes are parts or UPLOAD_MALFORMED, never another error (seeded)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (junk) => {
        const input = new Uint8Array(Buffer.concat([encoder.encode('--b\r\n'), junk]));
        try {
          parseMultipart(input, 'multipart/form-data; boundary=b');
          return true;
        } catch (e) {
          return e instanceof PortalProblem && e.code === 'UPLOAD_MALFORMED';
        }
      }),
      { seed: 9, numRuns: 500 },
    );
  });
});

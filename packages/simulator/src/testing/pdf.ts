/**
 * Small PDFs for tests: a classic-xref document with `pages` pages of text, hand-made incremental
 * updates (the attack corpus writes its updates with these), and poppler's `pdfsig` and `qpdf` as
 * outside referees (Debian packages poppler-utils and qpdf).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes } from '@shomei/core/der';

/** Runs `use` on a temporary copy of `pdf` (named `in.pdf`), then removes it. */
function withFile<T>(pdf: Uint8Array, use: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'shomei-pdf-'));
  try {
    const path = join(dir, 'in.pdf');
    writeFileSync(path, pdf);
    return use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Serialises numbered objects (bodies without `obj`/`endobj`) into a complete PDF with a classic xref. */
export function buildPdf(objects: Record<number, string>, root = 1, extraTrailer = ''): Uint8Array {
  let body = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  const nums = Object.keys(objects)
    .map(Number)
    .sort((a, b) => a - b);
  const size = Math.max(...nums) + 1;
  for (const n of nums) {
    offsets[n] = body.length;
    body += `${n} 0 obj\n${objects[n]}\nendobj\n`;
  }
  const xref = body.length;
  body += `xref\n0 ${size}\n0000000000 65535 f\r\n`;
  for (let n = 1; n < size; n++) {
    body +=
      offsets[n] === undefined
        ? '0000000000 00000 f\r\n'
        : `${String(offsets[n]).padStart(10, '0')} 00000 n\r\n`;
  }
  body += `trailer\n<</Size ${size} /Root ${root} 0 R${extraTrailer}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Uint8Array.from(body, (c) => c.charCodeAt(0));
}

/** A document with `pages` pages of Helvetica text. Objects: 1 catalog, 2 pages, 3 font, then page/content pairs. */
export function samplePdf(pages = 1, text = 'Contract'): Uint8Array {
  const objs: Record<number, string> = {
    1: '<</Type /Catalog /Pages 2 0 R>>',
    3: '<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>',
  };
  const kids: string[] = [];
  for (let i = 0; i < pages; i++) {
    const page = 4 + 2 * i;
    const content = `BT /F1 24 Tf 72 720 Td (${text} page ${i + 1}) Tj ET`;
    objs[page] =
      `<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources <</Font <</F1 3 0 R>>>> /Contents ${page + 1} 0 R>>`;
    objs[page + 1] = `<</Length ${content.length}>>\nstream\n${content}\nendstream`;
    kids.push(`${page} 0 R`);
  }
  objs[2] = `<</Type /Pages /Kids [${kids.join(' ')}] /Count ${pages}>>`;
  return buildPdf(objs);
}

/**
 * Appends an incremental update with classic xref: `objects` redefine or add objects, `free` deletes.
 * `prev` is the previous startxref (read from the file when omitted).
 */
export function appendUpdate(
  pdf: Uint8Array,
  objects: Record<number, string>,
  options: { free?: number[]; size?: number } = {},
): Uint8Array {
  const text = new TextDecoder('latin1').decode(pdf);
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  const root =
    /\/Root (\d+ \d+ R)/.exec(text.slice(text.lastIndexOf('trailer')) || text)?.[1] ??
    /\/Root (\d+ \d+ R)/.exec(text)![1];
  let body = '';
  const base = pdf.length;
  const entries = new Map<number, string>();
  for (const [n, o] of Object.entries(objects)) {
    entries.set(Number(n), `${String(base + body.length).padStart(10, '0')} 00000 n\r\n`);
    body += `${n} 0 obj\n${o}\nendobj\n`;
  }
  for (const n of options.free ?? []) entries.set(n, '0000000000 00001 f\r\n');
  const xref = base + body.length;
  body += 'xref\n';
  for (const n of [...entries.keys()].sort((a, b) => a - b)) body += `${n} 1\n${entries.get(n)}`;
  const maxNum = Math.max(...entries.keys());
  const sizeMatch = [...text.matchAll(/\/Size (\d+)/g)].map((m) => Number(m[1]));
  const size = options.size ?? Math.max(maxNum + 1, ...sizeMatch);
  body += `trailer\n<</Size ${size} /Root ${root} /Prev ${prev}>>\nstartxref\n${xref}\n%%EOF\n`;
  return concatBytes(
    pdf,
    Uint8Array.from(body, (c) => c.charCodeAt(0)),
  );
}

/** Rewrites a PDF with qpdf (e.g. `--object-streams=generate` for cross-reference and object streams). */
export function qpdfRewrite(pdf: Uint8Array, ...flags: string[]): Uint8Array {
  return withFile(pdf, (input) => {
    const out = `${input}.out.pdf`;
    execFileSync('qpdf', [...flags, input, out], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(out));
  });
}

/** `qpdf --check` output, or throws with qpdf's message when it reports errors. */
export function qpdfCheck(pdf: Uint8Array): string {
  return withFile(pdf, (input) => execFileSync('qpdf', ['--check', input], { stdio: 'pipe' }).toString());
}

/** `pdfsig` output (exit status ignored: pdfsig exits non-zero for untrusted certificates). */
export function pdfsig(pdf: Uint8Array, ...flags: string[]): string {
  return withFile(pdf, (input) => {
    try {
      return execFileSync('pdfsig', [...flags, input], { stdio: 'pipe' }).toString();
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer };
      return `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`;
    }
  });
}

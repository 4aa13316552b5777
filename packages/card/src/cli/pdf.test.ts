/**
 * `shomei sign --format pades` and `shomei verify <file.pdf>`: a PDF signed with the (simulated)
 * card through the CLI, then with a key file, verified with every signature and the changes after
 * each printed; a file changed after signing exits 1 and says what changed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualJpkiCard } from '@shomei/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueTemplate, PINS, rig } from '../../test/fixtures/virtual-cards.js';
import { cardError } from '../errors.js';
import { openJpkiCard } from '../jpki/open.js';
import type { CardCliDeps } from './card-options.js';
import type { CliIo } from './io.js';
import { defaultCommands, runCli } from './router.js';

const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-pdf-'));
const VECTORS = join(import.meta.dirname, '../../../core/test/vectors/cms/');
const path = (name: string) => join(dir, name);

/** A one-page PDF with a classic cross-reference table. */
function onePagePdf(): Uint8Array {
  const objs = [
    '<</Type /Catalog /Pages 2 0 R>>',
    '<</Type /Pages /Kids [3 0 R] /Count 1>>',
    '<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R>>',
    '<</Length 8>>\nstream\n0 0 m S\n\nendstream',
  ];
  let body = '%PDF-1.7\n';
  const offsets = objs.map((o, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = body.length;
  body += `xref\n0 5\n0000000000 65535 f\r\n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('')}`;
  body += `trailer\n<</Size 5 /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

let template: VirtualJpkiCard;
beforeAll(async () => {
  template = await issueTemplate();
  writeFileSync(path('doc.pdf'), onePagePdf());
  writeFileSync(path('sign-ca.der'), template.certificate('sign-ca'));
});

function harness(secrets: string[] = []) {
  const r = rig(template);
  const out: string[] = [];
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: () => undefined },
    async readSecret() {
      const next = secrets.shift();
      if (next === undefined) throw cardError('USAGE', 'no PIN');
      return next;
    },
    async writeFile(p, data) {
      writeFileSync(p, data);
    },
  };
  const deps: CardCliDeps = {
    openCard: (options) => openJpkiCard({ ...options, transport: r.transport }),
    listReaders: async () => [],
  };
  return {
    run: (...argv: string[]) => runCli(argv, io, { commands: defaultCommands(deps) }),
    stdout: () => out.join(''),
  };
}

describe('shomei sign --format pades / shomei verify <pdf>', () => {
  it('signs with the card, then with a key, and verify prints both signatures valid (exit 0)', async () => {
    const card = harness([PINS.sign]);
    const first = await card.run(
      'sign',
      path('doc.pdf'),
      '--format',
      'pades',
      '--card',
      '--pin-stdin',
      '--out',
      path('once.pdf'),
    );
    const key = harness();
    const second = await key.run(
      'sign',
      path('once.pdf'),
      '--format',
      'pades',
      '--subfilter',
      'ETSI.CAdES.detached',
      '--key',
      `${VECTORS}signer.key.pem`,
      '--cert',
      `${VECTORS}signer.pem`,
      '--chain',
      `${VECTORS}intermediate.pem`,
      '--visible',
      '350,700,570,760',
      '--out',
      path('twice.pdf'),
    );
    const v = harness();
    const code = await v.run(
      'verify',
      path('twice.pdf'),
      '--trust',
      path('sign-ca.der'),
      '--trust',
      `${VECTORS}root.pem`,
      '--revocation',
      'off',
    );
    expect([first, second, code, v.stdout().match(/Verdict: {4}VALID/g)?.length ?? 0]).toEqual([0, 0, 0, 4]);
  });

  it('a PDF changed after signing exits 1 and names the change', async () => {
    const signed = readFileSync(path('once.pdf'));
    const text = signed.toString('latin1');
    const prev = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1];
    const obj = '4 0 obj\n<</Length 9>>\nstream\n1 1 m S\n\nendstream\nendobj\n';
    const at = signed.length;
    const tail = `${obj}xref\n4 1\n${String(at).padStart(10, '0')} 00000 n\r\ntrailer\n<</Size 20 /Root 1 0 R /Prev ${prev}>>\nstartxref\n${at + obj.length}\n%%EOF\n`;
    writeFileSync(path('changed.pdf'), Buffer.concat([signed, Buffer.from(tail, 'latin1')]));
    const v = harness();
    const code = await v.run(
      'verify',
      path('changed.pdf'),
      '--trust',
      path('sign-ca.der'),
      '--revocation',
      'off',
    );
    expect([code, /NOT ALLOWED content/.test(v.stdout()), /PDF_CHANGE_NOT_ALLOWED/.test(v.stdout())]).toEqual(
      [1, true, true],
    );
  });

  it('passes --max-intermediates to the PDF verifier: the key signature (one intermediate) fails with 0', async () => {
    const args = ['--trust', path('sign-ca.der'), '--trust', `${VECTORS}root.pem`, '--revocation', 'off'];
    const v = harness();
    const code = await v.run('verify', path('twice.pdf'), ...args, '--max-intermediates', '0');
    expect([code, /PATH_TOO_LONG/.test(v.stdout())]).toEqual([1, true]);
  });

  it('writes files qpdf --check accepts', () => {
    expect(execFileSync('qpdf', ['--check', path('twice.pdf')]).toString()).toMatch(
      /No syntax or stream encoding errors/,
    );
  });

  it('rejects an unknown --format as a usage error (exit 2)', async () => {
    expect(
      await harness().run('sign', path('doc.pdf'), '--format', 'xades', '--key', 'k', '--cert', 'c'),
    ).toBe(2);
  });
});

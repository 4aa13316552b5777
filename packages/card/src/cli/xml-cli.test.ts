import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { runCli } from './router.js';

const v = (n: string) => fileURLToPath(new URL(`../../../core/test/vectors/cms/${n}`, import.meta.url));
const KEY = ['--key', v('signer.key.pem'), '--cert', v('signer.pem'), '--chain', v('intermediate.pem')];
const TRUST = ['--trust', v('root.pem'), '--revocation', 'off'];

function io() {
  const out: string[] = [];
  const cli: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: () => undefined },
    readSecret: async () => {
      throw new Error('no PIN with --key');
    },
    writeFile: (p, d) => writeFile(p, d),
  };
  return { cli, stdout: () => out.join('') };
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-xml-'));
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'kousei.xml'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<DataRoot><構成情報 ID="構成情報"><申請書属性情報><申請書ファイル名称>form.xml</申請書ファイル名称></申請書属性情報></構成情報><署名情報></署名情報></DataRoot>\n',
  );
  writeFileSync(join(app, 'form.xml'), '<申請書>内容</申請書>');
  return app;
}

describe('shomei sign --format xades / verify XML', () => {
  it('signs an e-Gov folder and verifies it (exit 0); a changed form file exits 1', async () => {
    const app = folder();
    const s = io();
    expect(await runCli(['sign', '--format', 'xades', app, ...KEY], s.cli)).toBe(0);
    const t = io();
    expect(await runCli(['verify', `${app}-signed`, ...TRUST], t.cli)).toBe(0);
    writeFileSync(join(`${app}-signed`, 'form.xml'), '<申請書>改ざん</申請書>');
    const u = io();
    const code = await runCli(['verify', `${app}-signed`, ...TRUST, '--json'], u.cli);
    expect([t.stdout().includes('→ /DataRoot[1]/構成情報[1]'), code, JSON.parse(u.stdout()).code]).toEqual([
      true,
      1,
      'XML_DIGEST_MISMATCH',
    ]);
  });

  it('signs an XML file (enveloped XAdES-BES) and verifies it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-xml-'));
    const file = join(dir, 'doc.xml');
    writeFileSync(file, '<doc><a>1</a></doc>');
    expect(await runCli(['sign', '--format', 'xades', file, ...KEY], io().cli)).toBe(0);
    const t = io();
    expect([
      await runCli(['verify', `${file}.xades.xml`, ...TRUST, '--json'], t.cli),
      JSON.parse(t.stdout()).format,
    ]).toEqual([0, 'XAdES-BES']);
  });

  it('signs another file as detached XAdES that verifies beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-xml-'));
    const file = join(dir, 'data.bin');
    writeFileSync(file, new Uint8Array([1, 2, 3]));
    expect(await runCli(['sign', '--format', 'xades', file, ...KEY], io().cli)).toBe(0);
    expect(readFileSync(`${file}.xades.xml`, 'utf8').includes('URI="data.bin"')).toBe(true);
    expect(await runCli(['verify', `${file}.xades.xml`, ...TRUST], io().cli)).toBe(0);
  });

  it('refuses the CMS-only options for XML instead of ignoring them (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-xml-'));
    const file = join(dir, 'doc.xml');
    writeFileSync(file, '<doc><a>1</a></doc>');
    expect(await runCli(['sign', '--format', 'xades', file, ...KEY], io().cli)).toBe(0);
    expect(
      await runCli(['verify', `${file}.xades.xml`, ...TRUST, '--max-intermediates', '0'], io().cli),
    ).toBe(2);
  });

  it('exits 2 for an XML document with a DTD', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-xml-'));
    const file = join(dir, 'evil.xml');
    writeFileSync(file, '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>');
    const t = io();
    expect([await runCli(['verify', file, ...TRUST, '--json'], t.cli), JSON.parse(t.stdout()).code]).toEqual([
      2,
      'XML_DTD_FORBIDDEN',
    ]);
  });

  it('verifies a zipped e-Gov application (one top folder) like the folder; a changed form exits 1', async () => {
    const app = folder();
    expect(await runCli(['sign', '--format', 'xades', app, ...KEY], io().cli)).toBe(0);
    const signed = `${app}-signed`;
    const entries = (form: Uint8Array) => ({
      'app/kousei.xml': new Uint8Array(readFileSync(join(signed, 'kousei.xml'))),
      'app/form.xml': form,
    });
    const zip = join(signed, '..', 'app.zip');
    writeFileSync(zip, zipSync(entries(new Uint8Array(readFileSync(join(signed, 'form.xml'))))));
    const t = io();
    expect(await runCli(['verify', zip, ...TRUST], t.cli)).toBe(0);
    writeFileSync(zip, zipSync(entries(new TextEncoder().encode('<申請書>改ざん</申請書>'))));
    const u = io();
    const code = await runCli(['verify', zip, ...TRUST, '--json'], u.cli);
    expect([t.stdout().includes('file form.xml'), code, JSON.parse(u.stdout()).code]).toEqual([
      true,
      1,
      'XML_DIGEST_MISMATCH',
    ]);
  });

  it('refuses a hostile zip with the e-Gov zip codes before inflating it (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-cli-xml-'));
    const cases: [string, Record<string, Uint8Array>][] = [
      ['EGOV_ZIP_UNSAFE_NAME', { '../kousei.xml': new Uint8Array(1) }],
      [
        'EGOV_ZIP_TOO_MANY_ENTRIES',
        Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}.xml`, new Uint8Array(1)])),
      ],
      ['EGOV_ZIP_TOO_LARGE', { 'kousei.xml': new Uint8Array(17 * 1024 * 1024) }],
    ];
    const got: [number, string][] = [];
    for (const [i, [, files]] of cases.entries()) {
      const zip = join(dir, `bad${i}.zip`);
      writeFileSync(zip, zipSync(files, { level: 0 }));
      const t = io();
      got.push([await runCli(['verify', zip, ...TRUST, '--json'], t.cli), JSON.parse(t.stdout()).error.code]);
    }
    expect(got).toEqual(cases.map(([code]) => [2, code]));
  });
});

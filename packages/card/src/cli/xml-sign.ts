/**
 * `shomei sign --format xades <file|folder>`: an e-Gov application folder (one holding kousei.xml)
 * gets the e-Gov signature shape (spec/egov-xml.md) and is written to `--out` (default
 * `<folder>-signed`); an XML file gets an enveloped XAdES-BES signature; any other file a detached
 * XAdES-BES signature that references it by name (`<file>.xades.xml`, verified beside the file).
 * `--tsa <url>` adds a signature timestamp (XAdES-T). The signer is the card or a PKCS#8 key.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  type HashAlgorithmName,
  parseXml,
  type Signer,
  signEgovApplication,
  signXml,
  tsaTimestamp,
} from '@shomei/core';
import { loadPkcs8Signer } from '@shomei/core/node';
import { cardError } from '../errors.js';
import type { CardCliDeps } from './card-options.js';
import { type CommandContext, EXIT, type ExitCode } from './command.js';
import { printJson } from './output.js';
import { isDirectory, looksLikeXml, readFolder } from './xml-files.js';

export interface XadesSignArgs {
  file: string;
  card: boolean;
  cardKey: 'sign' | 'auth';
  reader?: string | undefined;
  pinStdin: boolean;
  allowLastAttempt: boolean;
  key?: string | undefined;
  cert?: string | undefined;
  chain: string[];
  hash: HashAlgorithmName;
  out?: string | undefined;
  tsa?: string | undefined;
  json: boolean;
}

export async function runXadesSign(
  a: XadesSignArgs,
  deps: CardCliDeps,
  { io, signal }: Omit<CommandContext, 'args'>,
): Promise<ExitCode> {
  const folder = await isDirectory(a.file);
  let input: Uint8Array | Map<string, Uint8Array>;
  try {
    input = folder ? await readFolder(a.file) : new Uint8Array(await readFile(a.file));
  } catch (cause) {
    throw cardError('INPUT_INVALID', `Cannot read ${a.file}.`, { cause });
  }
  const xades = { ...(a.tsa ? { timestamp: tsaTimestamp(a.tsa) } : {}) };
  const run = async (signer: Signer): Promise<{ out: string; shape: string }> => {
    if (input instanceof Map) {
      const signed = await signEgovApplication(input, signer, { hash: a.hash, signal });
      const out = a.out ?? `${a.file.replace(/[\\/]+$/, '')}-signed`;
      await mkdir(out, { recursive: true });
      for (const [name, bytes] of signed) await io.writeFile(join(out, name), bytes);
      return { out, shape: 'e-Gov application' };
    }
    let xml = false;
    if (looksLikeXml(input)) {
      try {
        parseXml(input);
        xml = true;
      } catch {
        xml = false;
      }
    }
    const out = a.out ?? `${a.file}.xades.xml`;
    const signed = xml
      ? await signXml(input, signer, { hash: a.hash, xades, signal })
      : await signXml(undefined, signer, {
          mode: 'detached',
          hash: a.hash,
          xades,
          signal,
          references: [{ uri: encodeURIComponent(basename(a.file)), bytes: input }],
        });
    await io.writeFile(out, signed);
    return { out, shape: xml ? 'enveloped XAdES' : 'detached XAdES' };
  };
  let result: { out: string; shape: string };
  if (a.card) {
    await using card = await deps.openCard({ ...(a.reader ? { reader: a.reader } : {}), signal });
    const prompt =
      a.cardKey === 'sign'
        ? 'Signature password (6–16 characters): '
        : 'User authentication PIN (4 digits): ';
    const pin = await io.readSecret(prompt, { fromStdin: a.pinStdin, signal });
    result = await run(await card.toSigner(a.cardKey, { pin, signal, allowLastAttempt: a.allowLastAttempt }));
  } else {
    result = await run(await loadPkcs8Signer({ key: a.key!, cert: a.cert!, chain: a.chain }));
  }
  if (a.json)
    printJson(io, { ok: true, out: result.out, format: 'xades', shape: result.shape, hash: a.hash });
  else
    io.stdout.write(
      `Signed ${a.file} → ${result.out} (${result.shape}, ${a.hash}${a.tsa ? ', timestamped' : ''})\n`,
    );
  return EXIT.ok;
}

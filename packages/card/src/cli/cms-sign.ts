/**
 * `shomei sign <file> (--card … | --key <pkcs8> --cert <cert> [--chain <cert>]…) [--detached] [--out <p7s>]`
 * (design.md §4): CAdES-BES with signingCertificateV2, SHA-256 by default, the file streamed in
 * constant memory. With --card the PIN is prompted (or read with --pin-stdin), never an argument.
 */
import { stat } from 'node:fs/promises';
import type { HashAlgorithmName, Signer } from '@shomei/core';
import { fileSource, loadPkcs8Signer, signCms } from '@shomei/core/node';
import { cardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import { type CardCliDeps, defaultCardDeps } from './card-options.js';
import { type CliCommand, EXIT } from './command.js';
import { printJson } from './output.js';
import { progressBar } from './progress.js';
import { runXadesSign } from './xml-sign.js';

const HASHES: Record<string, HashAlgorithmName> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

export function signCommand(deps: CardCliDeps = defaultCardDeps): CliCommand {
  return {
    path: ['sign'],
    summary:
      'Sign a file as CMS/CAdES-BES, or with --format xades as XML (file or e-Gov folder), with the card or a PKCS#8 key.',
    usage:
      'shomei sign <file> (--card [--card-key sign|auth] [--reader <name>] [--pin-stdin] [--allow-last-attempt] | --key <pkcs8> --cert <cert> [--chain <cert>]…) [--hash sha256|sha384|sha512] [--detached] [--format cades|xades [--tsa <url>]] [--out <file.p7s|file.xades.xml|folder>] [--json]',
    async run({ args, io, signal }) {
      const a = parseSignArgs(args);
      if (a.format === 'xades') return runXadesSign(a, deps, { io, signal });
      let size: number;
      try {
        size = (await stat(a.file)).size;
      } catch (cause) {
        throw cardError('INPUT_INVALID', `Cannot read the file to sign, ${a.file}.`, { cause });
      }
      const out = a.out ?? `${a.file}.p7s`;
      const bar = progressBar('hashing', size);
      const sign = async (signer: Signer) =>
        signCms(fileSource(a.file), signer, {
          hash: a.hash,
          detached: a.detached,
          signal,
          onProgress: (n) => bar.update(n),
        });
      let p7s: Uint8Array;
      if (a.card) {
        await using card = await deps.openCard({ ...(a.reader ? { reader: a.reader } : {}), signal });
        const prompt =
          a.cardKey === 'sign'
            ? 'Signature password (6–16 characters): '
            : 'User authentication PIN (4 digits): ';
        const pin = await io.readSecret(prompt, { fromStdin: a.pinStdin, signal });
        const signer = await card.toSigner(a.cardKey, { pin, signal, allowLastAttempt: a.allowLastAttempt });
        p7s = await sign(signer);
      } else {
        const signer = await loadPkcs8Signer({ key: a.key!, cert: a.cert!, chain: a.chain });
        p7s = await sign(signer);
      }
      bar.done();
      await io.writeFile(out, p7s);
      if (a.json) printJson(io, { ok: true, out, bytes: p7s.length, detached: a.detached, hash: a.hash });
      else
        io.stdout.write(`Signed ${a.file} → ${out} (${a.detached ? 'detached' : 'attached'}, ${a.hash})\n`);
      return EXIT.ok;
    },
  };
}

function parseSignArgs(args: string[]) {
  const parsed = parseCommandArgs(
    args,
    {
      card: { type: 'boolean', default: false },
      'card-key': { type: 'string', default: 'sign' },
      reader: { type: 'string' },
      'pin-stdin': { type: 'boolean', default: false },
      'allow-last-attempt': { type: 'boolean', default: false },
      key: { type: 'string' },
      cert: { type: 'string' },
      chain: { type: 'string', multiple: true, default: [] },
      hash: { type: 'string', default: 'sha256' },
      detached: { type: 'boolean', default: false },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      format: { type: 'string', default: 'cades' },
      tsa: { type: 'string' },
    },
    'sign',
  );
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) throw cardError('USAGE', 'Give exactly one file to sign.');
  if (v.card === (v.key !== undefined)) {
    throw cardError('USAGE', 'Sign either with --card or with --key <pkcs8> --cert <cert>.');
  }
  if (v.key !== undefined && v.cert === undefined) throw cardError('USAGE', '--key needs --cert.');
  const cardKey = v['card-key'];
  if (cardKey !== 'sign' && cardKey !== 'auth') throw cardError('USAGE', '--card-key must be sign or auth.');
  const hash = HASHES[v.hash.toLowerCase().replace('-', '')];
  if (!hash) throw cardError('USAGE', '--hash must be sha256, sha384 or sha512.');
  if (v.format !== 'cades' && v.format !== 'xades')
    throw cardError('USAGE', '--format must be cades or xades.');
  return {
    format: v.format,
    tsa: v.tsa,
    file: positionals[0]!,
    card: v.card,
    cardKey: cardKey as 'sign' | 'auth',
    reader: v.reader,
    pinStdin: v['pin-stdin'],
    allowLastAttempt: v['allow-last-attempt'],
    key: v.key,
    cert: v.cert,
    chain: v.chain,
    hash,
    detached: v.detached,
    out: v.out,
    json: v.json,
  };
}

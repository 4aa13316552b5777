import { join } from 'node:path';
import { neutralizeText, parseCertificate, toPem } from '@shomei/core';
import type { CertificateKind } from '../jpki/tables.js';
import { type CardCliDeps, cardTarget, defaultCardDeps, parseCardArgs } from './card-options.js';
import type { CliCommand } from './command.js';
import { EXIT } from './command.js';
import { printJson } from './output.js';

const PUBLIC_KINDS: readonly CertificateKind[] = ['auth', 'auth-ca', 'sign-ca'];

/**
 * Reads the certificates. The signing certificate carries the holder's four facts and needs the
 * signature password (spec §2), so it is read only with `--sign`.
 */
export function cardCertsCommand(deps: CardCliDeps = defaultCardDeps): CliCommand {
  return {
    path: ['card', 'certs'],
    summary: 'Read the certificates (the signing one with --sign); --out writes <kind>.der and <kind>.pem.',
    usage:
      'shomei card certs [--out <dir>] [--sign [--pin-stdin] [--allow-last-attempt]] [--reader <name> | --card-file <card.json>] [--json]',
    async run({ args, io, signal }) {
      const values = parseCardArgs(args, { out: true, sign: true }, 'card certs');
      await using card = await deps.openCard(cardTarget(values, signal));
      const read: Array<{ kind: CertificateKind; der: Uint8Array }> = [];
      for (const kind of PUBLIC_KINDS) read.push({ kind, der: await card.readCertificate(kind, { signal }) });
      if (values.sign) {
        const pin = await io.readSecret('Signature password (6–16 characters): ', {
          fromStdin: values.pinStdin,
          signal,
        });
        const der = await card.readCertificate('sign', {
          pin,
          signal,
          allowLastAttempt: values.allowLastAttempt,
        });
        read.unshift({ kind: 'sign', der });
      }
      const summaries = read.map(({ kind, der }) => ({ kind, ...summarize(der) }));
      if (values.out) {
        for (const { kind, der } of read) {
          await io.writeFile(join(values.out, `${kind}.der`), der);
          await io.writeFile(join(values.out, `${kind}.pem`), toPem('CERTIFICATE', der));
        }
      }
      if (values.json) printJson(io, { certificates: summaries, ...(values.out ? { out: values.out } : {}) });
      else {
        for (const s of summaries) {
          io.stdout.write(
            `${s.kind}\n  subject  ${neutralizeText(s.subject)}\n  issuer   ${neutralizeText(s.issuer)}\n  serial   ${s.serial}\n  valid    ${s.notBefore} – ${s.notAfter}\n`,
          );
        }
        if (values.out) io.stdout.write(`Wrote ${read.length * 2} files to ${values.out}\n`);
      }
      return EXIT.ok;
    },
  };
}

/** The fields shown for a certificate, from core's parser; names in RFC 4514 form, as every other command prints them. */
function summarize(der: Uint8Array) {
  const cert = parseCertificate(der);
  return {
    subject: cert.subject.text,
    issuer: cert.issuer.text,
    serial: cert.serialHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  };
}

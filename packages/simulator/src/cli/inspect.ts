/** `shomei-sim inspect`: holder, certificates and PIN counters of a card file (never the PINs). */
import { parseArgs } from 'node:util';
import { formatBirthDate, parseCertificate, toHex, toPem } from '@shomei/core';
import { loadCardFile } from '../card/card-file-io.js';
import type { CertificateSlot } from '../card/virtual-card.js';
import { simulatorError } from '../errors.js';

const SLOTS: readonly CertificateSlot[] = ['sign', 'sign-ca', 'auth', 'auth-ca'];

export async function runInspect(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw simulatorError('USAGE', 'inspect needs exactly one card file.');
  const card = loadCardFile(positionals[0]!);
  const limits = card.config.retryLimits;
  const tries = card.pinTries();
  const report = {
    profile: card.profile,
    holder: card.holder,
    certificates: SLOTS.map((slot) => {
      const der = card.certificate(slot);
      const parsed = parseCertificate(der);
      // One format everywhere (docs/cli.md): DNs as "C=JP, O=…", serials lower-case hex, ISO 8601 dates;
      // the certificate itself as DER (hex) and PEM, so a trust anchor can be taken from a card file.
      return {
        slot,
        subject: parsed.subject.text,
        issuer: parsed.issuer.text,
        serial: parsed.serialHex,
        notBefore: parsed.notBefore.toISOString(),
        notAfter: parsed.notAfter.toISOString(),
        der: toHex(der),
        pem: toPem('CERTIFICATE', der),
      };
    }),
    pins: Object.fromEntries(
      (['auth', 'sign', 'assist'] as const)
        .filter((id) => tries[id] !== undefined)
        .map((id) => [id, { triesLeft: tries[id], limit: limits[id], blocked: tries[id] === 0 }]),
    ),
    atr: Buffer.from(card.atr).toString('hex').toUpperCase(),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const h = report.holder;
  const lines = [
    `Card:      ${card.profile === 'mynumber' ? 'My Number card' : 'Juki card'} (ATR ${report.atr})`,
    `Holder:    ${h.name}${h.nameSubstitute ? ` (${h.nameSubstitute})` : ''}`,
    `Address:   ${h.address}${h.addressSubstitute ? ` (${h.addressSubstitute})` : ''}`,
    `Born:      ${formatBirthDate(h.birthDate)}   Sex: ${h.sex}${h.myNumber ? `   My Number: ${h.myNumber}` : ''}`,
    'Certificates:',
    ...report.certificates.map(
      (c) => `  ${c.slot.padEnd(8)} ${c.subject}  serial ${c.serial}  until ${c.notAfter}`,
    ),
    'PIN tries left:',
    ...Object.entries(report.pins).map(
      ([id, p]) => `  ${id.padEnd(8)} ${p.triesLeft}/${p.limit}${p.blocked ? '  BLOCKED' : ''}`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

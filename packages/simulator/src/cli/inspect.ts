/** `shomei-sim inspect`: holder, certificates and PIN counters of a card file (never the PINs). */
import { X509Certificate } from 'node:crypto';
import { parseArgs } from 'node:util';
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
      const c = new X509Certificate(card.certificate(slot));
      return {
        slot,
        subject: c.subject,
        issuer: c.issuer,
        serial: c.serialNumber,
        notBefore: c.validFrom,
        notAfter: c.validTo,
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
    `Born:      ${h.birthDate}   Sex: ${h.sex}${h.myNumber ? `   My Number: ${h.myNumber}` : ''}`,
    'Certificates:',
    ...report.certificates.map(
      (c) =>
        `  ${c.slot.padEnd(8)} ${c.subject.replaceAll('\n', ', ')}  serial ${c.serial}  until ${c.notAfter}`,
    ),
    'PIN tries left:',
    ...Object.entries(report.pins).map(
      ([id, p]) => `  ${id.padEnd(8)} ${p.triesLeft}/${p.limit}${p.blocked ? '  BLOCKED' : ''}`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** `shomei-sim issue`: a new card file with keys generated inside the virtual card. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromHex } from '@shomei/core';
import { saveCardFile } from '../card/card-file-io.js';
import type { CardConfigInput } from '../card/config.js';
import { parseHolderFile } from '../card/holder.js';
import { VirtualJpkiCard } from '../card/virtual-card.js';
import { simulatorError } from '../errors.js';
import { issueAtAuthority } from './issue-authority.js';

export async function runIssue(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      profile: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      atr: { type: 'string' },
      'blocked-pin-sw': { type: 'string' },
      'keep-verification-on-select': { type: 'boolean', default: false },
      fci: { type: 'boolean', default: false },
      'no-get-challenge': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      authority: { type: 'string' },
      'operator-card': { type: 'string' },
      'pin-stdin': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.profile || !values.out) {
    throw simulatorError('USAGE', 'issue needs --profile <holder.json> and --out <card-file>.');
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(values.profile, 'utf8'));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw simulatorError('INPUT_NOT_FOUND', `The holder profile ${values.profile} does not exist.`, {
        cause,
      });
    }
    throw simulatorError('HOLDER_PROFILE_INVALID', `Cannot read ${values.profile} as JSON.`, { cause });
  }
  const { holder, pins, profile } = parseHolderFile(json);
  const config: CardConfigInput = {
    clearVerificationOnSelectAp: !values['keep-verification-on-select'],
    fciOnSelect: values.fci,
    getChallenge: !values['no-get-challenge'],
  };
  if (values.atr) {
    try {
      config.atr = fromHex(values.atr);
    } catch (cause) {
      throw simulatorError('USAGE', '--atr must be hex, e.g. 3BE000FF8131FE4514.', { cause });
    }
  }
  if (values['blocked-pin-sw']) {
    const sw = values['blocked-pin-sw'].toLowerCase();
    if (sw !== '6983' && sw !== '6984')
      throw simulatorError('USAGE', '--blocked-pin-sw must be 6983 or 6984.');
    config.blockedPinSw = sw === '6983' ? 0x6983 : 0x6984;
  }
  const card = values.authority
    ? await issueAtAuthority(
        { dir: values.authority, operatorCard: values['operator-card'], pinStdin: values['pin-stdin'] },
        { holder, pins, profile, config },
      )
    : await VirtualJpkiCard.create({ holder, pins, profile, config });
  saveCardFile(values.out, card, { overwrite: values.force });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ out: values.out, profile, holder: holder.name })}\n`);
  } else {
    const kind = profile === 'mynumber' ? 'My Number card' : 'Juki card';
    process.stdout.write(
      `Issued a virtual ${kind} for ${holder.name} → ${values.out} (test keys, not secret)\n`,
    );
  }
  return 0;
}

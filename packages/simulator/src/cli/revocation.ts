/**
 * `shomei-sim revoke|hold|release <card-file|serial>`: status changes at the authority, each under an
 * operator session (operator card + PIN) and recorded in the audit log.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Authority, type RevocationTarget } from '../authority/authority.js';
import { isCrlReason } from '../authority/crl.js';
import { OperatorCard } from '../authority/operator-card.js';
import { loadCardFile } from '../card/card-file-io.js';
import { simulatorError } from '../errors.js';
import { DEFAULT_AUTHORITY_DIR } from './authority.js';
import { readOperatorPin } from './operator-pin.js';

export async function runRevocation(
  action: 'revoke' | 'hold' | 'release',
  args: readonly string[],
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      dir: { type: 'string' },
      reason: { type: 'string' },
      'operator-card': { type: 'string' },
      'pin-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [what] = positionals;
  if (!what || positionals.length !== 1) {
    throw simulatorError('USAGE', `${action} needs one card file or certificate serial (hex).`);
  }
  if (!values['operator-card']) throw simulatorError('USAGE', `${action} needs --operator-card <file>.`);
  const reason = values.reason ?? (action === 'revoke' ? 'keyCompromise' : undefined);
  if (action !== 'revoke' && values.reason) throw simulatorError('USAGE', `--reason applies to revoke only.`);
  if (reason !== undefined && !isCrlReason(reason)) {
    throw simulatorError('REVOCATION_REASON_INVALID', undefined, { details: { reason } });
  }
  const target: RevocationTarget = /^[0-9A-Fa-f:]+$/.test(what) ? what : loadCardFile(what);
  const operatorFile = values['operator-card'];
  let operator: OperatorCard;
  try {
    operator = OperatorCard.load(readFileSync(operatorFile, 'utf8'));
  } catch (cause) {
    throw simulatorError('CARD_FILE_UNREADABLE', `Cannot read the operator card ${operatorFile}.`, { cause });
  }
  const authority = Authority.open(values.dir ?? DEFAULT_AUTHORITY_DIR);
  // The retry counter is non-volatile: a wrong PIN is written back to the operator card file.
  operator.onPersistentChange(() => writeOperatorCard(operatorFile, operator));
  const pin = await readOperatorPin(values['pin-stdin']);
  const session = authority.openSession(operator, pin);
  const serials =
    action === 'revoke'
      ? authority.revoke(session, target, reason as Parameters<Authority['revoke']>[2])
      : action === 'hold'
        ? authority.hold(session, target)
        : authority.release(session, target);
  authority.closeSession(session);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ action, serials, ...(reason && action === 'revoke' && { reason }) })}\n`,
    );
  } else {
    const verb = action === 'revoke' ? `Revoked (${reason})` : action === 'hold' ? 'Suspended' : 'Released';
    process.stdout.write(`${verb}: ${serials.join(', ')}\n`);
  }
  return 0;
}

function writeOperatorCard(file: string, card: OperatorCard): void {
  writeFileSync(file, card.save(), { mode: 0o600 });
}
